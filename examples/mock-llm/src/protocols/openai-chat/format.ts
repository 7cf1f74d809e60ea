// Builds OpenAI-shaped chat completion bodies and SSE chunk events from a completion plan.
import type { CompletionPlan } from './completion-plan.js';
import { splitAnswer } from './stream-chunks.js';

/** Fixed `created` timestamp: keeps responses byte-for-byte deterministic across runs. */
export const MOCK_CREATED = 1_700_000_000;

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

function sse(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
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
  } else {
    const { id, name, arguments: args } = plan.toolCall;
    events.push(
      sse(
        chunk(
          {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }],
          },
          null,
        ),
      ),
    );
    events.push(sse(chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] }, null)));
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

/** The `/v1/models` listing. */
export function modelsBody(): Record<string, unknown> {
  const model = (id: string): Record<string, unknown> => ({ id, object: 'model', created: MOCK_CREATED, owned_by: 'mock' });
  return { object: 'list', data: [model('gpt-4o-mini'), model('gpt-4o')] };
}
