// Anthropic's named event stream for a plan: message_start, content blocks with their deltas, message_delta, message_stop.
import { sseNamed } from '../../http/sse.js';
import { ARGUMENT_PIECE_CHARS, splitAnswer, splitFixed } from '../../text/stream-chunks.js';
import { messageBody } from './body.js';
import type { MessagePlan } from './plan.js';

type Event = { type: string } & Record<string, unknown>;

function blockEvents(block: Record<string, unknown>, index: number, streamChunks: number | undefined): Event[] {
  if (block.type === 'tool_use') {
    // The block opens with empty input; the input then arrives as JSON text, starting with an empty piece as Claude's does.
    const json = JSON.stringify(block.input ?? {});
    return [
      { type: 'content_block_start', index, content_block: { ...block, input: {} } },
      ...['', ...splitFixed(json, ARGUMENT_PIECE_CHARS)].map((partial_json) => ({
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json },
      })),
      { type: 'content_block_stop', index },
    ];
  }
  const text = String(block.text ?? '');
  return [
    { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
    ...splitAnswer(text, streamChunks).map((piece) => ({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } })),
    { type: 'content_block_stop', index },
  ];
}

/**
 * Every SSE event of a streamed message, each named by its type. `message_start` carries the input and cache
 * figures with an output count of 1; `message_delta` carries the stop reason and the final, cumulative usage.
 */
export function messageEvents(model: string, plan: MessagePlan, streamChunks: number | undefined): string[] {
  const start = { ...messageBody(model, plan), content: [], stop_reason: null, usage: { ...plan.usage, output_tokens: 1 } };
  const events: Event[] = [{ type: 'message_start', message: start }];
  plan.content.forEach((block, index) => {
    const blockStream = blockEvents(block, index, streamChunks);
    events.push(...blockStream.slice(0, 1));
    if (index === 0) events.push({ type: 'ping' });
    events.push(...blockStream.slice(1));
  });
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens } = plan.usage;
  events.push({
    type: 'message_delta',
    delta: { stop_reason: plan.stopReason, stop_sequence: null },
    usage: { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens },
  });
  events.push({ type: 'message_stop' });
  return events.map(sseNamed);
}
