// The Responses API's named event stream for a plan, in the order and with the fields OpenAI sends them.
import { sseNamed } from '../../http/sse.js';
import { ARGUMENT_PIECE_CHARS, splitAnswer, splitFixed } from '../../text/stream-chunks.js';
import { responseObject } from './body.js';
import type { ResponsePlan } from './plan.js';
import type { ResponsesRequest } from './request.js';
import type { ResponseItem } from './store.js';

type Event = { type: string } & Record<string, unknown>;

/** An item as `response.output_item.added` shows it: in progress, text and arguments still empty. */
function openingItem(item: ResponseItem): ResponseItem {
  if (item.type === 'message') return { ...item, status: 'in_progress', content: [] };
  if (item.type === 'function_call') return { ...item, status: 'in_progress', arguments: '' };
  return item;
}

function itemEvents(item: ResponseItem, outputIndex: number, streamChunks: number | undefined): Event[] {
  const events: Event[] = [{ type: 'response.output_item.added', output_index: outputIndex, item: openingItem(item) }];
  const at = { item_id: item.id, output_index: outputIndex };
  if (item.type === 'message') {
    const part = (item.content as { text: string }[])[0] ?? { text: '' };
    const text = part.text;
    const emptyPart = { ...part, text: '' };
    events.push({ type: 'response.content_part.added', ...at, content_index: 0, part: emptyPart });
    for (const delta of splitAnswer(text, streamChunks)) {
      events.push({ type: 'response.output_text.delta', ...at, content_index: 0, delta, logprobs: [] });
    }
    events.push({ type: 'response.output_text.done', ...at, content_index: 0, text, logprobs: [] });
    events.push({ type: 'response.content_part.done', ...at, content_index: 0, part });
  } else if (item.type === 'function_call') {
    const args = String(item.arguments);
    for (const delta of splitFixed(args, ARGUMENT_PIECE_CHARS)) events.push({ type: 'response.function_call_arguments.delta', ...at, delta });
    events.push({ type: 'response.function_call_arguments.done', ...at, name: item.name, arguments: args });
  }
  events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
  return events;
}

/**
 * Every SSE event of a streamed response, each named by its type and numbered by `sequence_number` from 0:
 * `response.created`, `response.in_progress`, per output item its added/delta/done events, then
 * `response.completed` (or `response.incomplete` when `max_output_tokens` cut the text). No `[DONE]`: the
 * Responses API does not send one.
 */
export function responseEvents(request: ResponsesRequest, plan: ResponsePlan, streamChunks: number | undefined): string[] {
  const opening = responseObject(request, plan, true);
  const events: Event[] = [
    { type: 'response.created', response: opening },
    { type: 'response.in_progress', response: opening },
  ];
  plan.output.forEach((item, index) => events.push(...itemEvents(item, index, streamChunks)));
  events.push({ type: plan.status === 'incomplete' ? 'response.incomplete' : 'response.completed', response: responseObject(request, plan) });
  // `type` and `sequence_number` lead each payload, as in OpenAI's own streams.
  return events.map(({ type, ...rest }, sequence) => sseNamed({ type, sequence_number: sequence, ...rest }));
}
