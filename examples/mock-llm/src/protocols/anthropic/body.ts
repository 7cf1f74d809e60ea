// Shapes Anthropic's `message` object for a plan.
import type { MessagePlan } from './plan.js';

/** The non-streamed Messages answer. */
export function messageBody(model: string, plan: MessagePlan): Record<string, unknown> {
  return {
    id: plan.id,
    type: 'message',
    role: 'assistant',
    model,
    content: plan.content,
    stop_reason: plan.stopReason,
    stop_sequence: null,
    usage: plan.usage,
  };
}
