// Shapes the Responses API's `response` object, finished or (for the first stream events) still in progress.
import { isReasoningModel } from '../../text/tokens.js';
import { MOCK_CREATED } from '../openai/models.js';
import type { ResponsePlan } from './plan.js';
import type { ResponsesRequest } from './request.js';

/**
 * The `response` object for a plan. `inProgress` gives the snapshot the stream opens with: status
 * `in_progress`, no output and no usage. Request fields the real API echoes (tools, tool_choice, text,
 * temperature, metadata...) are echoed as sent, with the API's defaults when absent.
 */
export function responseObject(request: ResponsesRequest, plan: ResponsePlan, inProgress = false): Record<string, unknown> & { id: string } {
  const { body } = request;
  const incomplete = !inProgress && plan.status === 'incomplete';
  return {
    id: plan.id,
    object: 'response',
    created_at: MOCK_CREATED,
    status: inProgress ? 'in_progress' : plan.status,
    background: request.background,
    completed_at: inProgress || incomplete ? null : MOCK_CREATED,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions,
    max_output_tokens: request.maxOutputTokens ?? null,
    max_tool_calls: body.max_tool_calls ?? null,
    model: request.model,
    output: inProgress ? [] : plan.output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: request.previousResponseId ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: body.reasoning ?? { effort: isReasoningModel(request.model) ? 'medium' : null, summary: null },
    safety_identifier: body.safety_identifier ?? null,
    service_tier: 'default',
    store: request.store,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_logprobs: body.top_logprobs ?? 0,
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage: inProgress ? null : plan.usage,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}
