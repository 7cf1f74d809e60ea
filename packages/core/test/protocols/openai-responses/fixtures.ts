// A hand-written Responses upstream for in-memory tests: response objects and their named event streams.

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let sequence = 0;

/** A response's usage in the Responses API's shape. */
export function usage(input: number, output: number, cached = 0, reasoning = 0): Json {
  return { input_tokens: input, input_tokens_details: { cached_tokens: cached }, output_tokens: output, output_tokens_details: { reasoning_tokens: reasoning }, total_tokens: input + output };
}

/** An output message item. */
export const message = (text: string): Json => ({ id: `msg_${++sequence}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });

/** An output function call item. */
export const functionCall = (name: string, args: string, callId = `call_${++sequence}`): Json => ({ id: `fc_${++sequence}`, type: 'function_call', status: 'completed', call_id: callId, name, arguments: args });

/** A finished response object. */
export function response(output: Json[], u: Json | null = usage(20, 5), extra: Json = {}): Json & { id: string } {
  return { id: `resp_${++sequence}`, object: 'response', status: 'completed', model: 'gpt-4o-mini', output, usage: u, ...extra };
}

/** One named SSE event, as OpenAI writes it. */
export function event(type: string, payload: Json, seq: number): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq, ...payload })}\n\n`;
}

/** The event stream of a response: created, in progress, per item its added/delta/done events, then the final event. */
export function eventStream(res: Json & { id: string }, finalType = 'response.completed', { cutAfter }: { cutAfter?: number } = {}): string {
  const opening = { ...res, status: 'in_progress', output: [], usage: null };
  const events: Array<[string, Json]> = [
    ['response.created', { response: opening }],
    ['response.in_progress', { response: opening }],
  ];
  (res['output'] as Json[]).forEach((item, output_index) => {
    const at = { item_id: item['id'], output_index };
    if (item['type'] === 'message') {
      events.push(['response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } }]);
      const text = ((item['content'] as Json[])[0]!['text'] as string) ?? '';
      for (const word of text.split(/(?<= )/)) events.push(['response.output_text.delta', { ...at, content_index: 0, delta: word, logprobs: [] }]);
      events.push(['response.output_text.done', { ...at, content_index: 0, text, logprobs: [] }]);
    } else {
      events.push(['response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } }]);
      const args = String(item['arguments']);
      for (let i = 0; i < args.length; i += 8) events.push(['response.function_call_arguments.delta', { ...at, delta: args.slice(i, i + 8) }]);
      events.push(['response.function_call_arguments.done', { ...at, arguments: args }]);
    }
    events.push(['response.output_item.done', { output_index, item }]);
  });
  events.push([finalType, { response: res }]);
  const all = events.map(([type, payload], i) => event(type, payload, i));
  return (cutAfter === undefined ? all : all.slice(0, cutAfter)).join('');
}
