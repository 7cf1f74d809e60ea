// Builds OpenAI-shaped chat completion bodies and SSE chunk events from a completion plan.
import { ARGUMENT_PIECE_CHARS, splitAnswer, splitFixed } from '../../text/stream-chunks.js';
import { sseData as sse } from '../../http/sse.js';
import { MOCK_CREATED } from '../openai/models.js';
import type { CompletionPlan } from './plan.js';

/** Identity fields shared by every body of one completion. */
export interface CompletionIdentity {
  id: string;
  model: string;
}

/** The non-streamed `chat.completion` body. */
export function completionBody(identity: CompletionIdentity, plan: CompletionPlan): Record<string, unknown> {
  const message =
    plan.kind === 'text'
      ? { role: 'assistant', content: plan.content, refusal: null }
      : plan.finishReason === 'function_call'
        ? { role: 'assistant', content: null, refusal: null, function_call: { name: plan.toolCall.name, arguments: plan.toolCall.arguments } }
        : {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [
              { id: plan.toolCall.id, type: 'function', function: { name: plan.toolCall.name, arguments: plan.toolCall.arguments } },
            ],
          };
  return {
    id: identity.id,
    object: 'chat.completion',
    created: MOCK_CREATED,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: plan.usage,
    system_fingerprint: 'fp_mock',
  };
}

/**
 * Every SSE event of a streamed completion, in order, ending with `data: [DONE]`.
 * Built up front so fault injection can count events without knowing their meaning.
 */
export function streamEvents(
  identity: CompletionIdentity,
  plan: CompletionPlan,
  includeUsage: boolean,
  streamChunks: number | undefined,
): string[] {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> => ({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: MOCK_CREATED,
    model: identity.model,
    system_fingerprint: 'fp_mock',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    // OpenAI only sends the usage key (as null) on ordinary chunks when include_usage was asked for.
    ...(includeUsage ? { usage: null } : {}),
  });

  const events: string[] = [];
  if (plan.kind === 'text') {
    events.push(sse(chunk({ role: 'assistant', content: '', refusal: null }, null)));
    for (const piece of splitAnswer(plan.content, streamChunks)) events.push(sse(chunk({ content: piece }, null)));
  } else if (plan.finishReason === 'function_call') {
    const { name, arguments: args } = plan.toolCall;
    events.push(sse(chunk({ role: 'assistant', content: null, refusal: null, function_call: { name, arguments: '' } }, null)));
    for (const piece of splitFixed(args, ARGUMENT_PIECE_CHARS)) events.push(sse(chunk({ function_call: { arguments: piece } }, null)));
  } else {
    const { id, name, arguments: args } = plan.toolCall;
    // As OpenAI streams a call: id, type and name with empty arguments first, then the arguments a few characters at a time.
    const head = { index: 0, id, type: 'function', function: { name, arguments: '' } };
    events.push(sse(chunk({ role: 'assistant', content: null, refusal: null, tool_calls: [head] }, null)));
    for (const piece of splitFixed(args, ARGUMENT_PIECE_CHARS)) {
      events.push(sse(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null)));
    }
  }
  events.push(sse(chunk({}, plan.finishReason)));
  if (includeUsage) {
    events.push(
      sse({
        id: identity.id,
        object: 'chat.completion.chunk',
        created: MOCK_CREATED,
        model: identity.model,
        system_fingerprint: 'fp_mock',
        choices: [],
        usage: plan.usage,
      }),
    );
  }
  events.push(sse('[DONE]'));
  return events;
}
