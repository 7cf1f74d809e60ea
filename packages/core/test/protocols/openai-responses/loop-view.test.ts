// The Responses protocol's loop view: items as messages, the model's items as one turn, a continuation's parent turn.
import { fingerprintView } from '../../../src/loop/fingerprint.js';
import { comparableArguments } from '../../../src/protocols/openai-responses/links.js';
import { responsesLoopView } from '../../../src/protocols/openai-responses/loop-view.js';
import type { ResponseRecord } from '../../../src/store/store.js';

const parent = (extra: Partial<ResponseRecord> = {}): ResponseRecord => ({
  responseId: 'resp_1',
  keyId: 'k',
  runId: 'r',
  model: 'gpt-4o-mini',
  calls: [{ callId: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
  outputDigest: '',
  inputTokens: 10,
  outputTokens: 5,
  ...extra,
});

describe('responsesLoopView', () => {
  it('reads instructions as system, an input string as user', () => {
    expect(responsesLoopView({ model: 'm', instructions: 'Be brief.', input: 'hi' }, undefined)).toEqual({
      model: 'm',
      messages: [
        { role: 'system', content: [{ text: 'Be brief.' }] },
        { role: 'user', content: [{ text: 'hi' }] },
      ],
    });
  });

  it('makes one assistant turn of the model items that follow one another, and a tool result per output', () => {
    const view = responsesLoopView(
      {
        model: 'm',
        input: [
          { role: 'developer', content: 'rules' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'weather?' }, { type: 'input_image', image_url: 'https://x/y.png' }] },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me check.' }] },
          { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{ "unit": "c", "city": "Paris" }' },
          { type: 'item_reference', id: 'msg_9' },
          { type: 'function_call_output', call_id: 'c1', output: '21 degrees' },
        ],
      },
      undefined,
    );
    expect(view.messages).toEqual([
      { role: 'system', content: [{ text: 'rules' }] },
      { role: 'user', content: [{ text: 'weather?' }, { media: 'input_image|https://x/y.png' }] },
      {
        role: 'assistant',
        content: [{ text: 'Let me check.' }, { media: 'item_reference|msg_9' }],
        calls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' }],
      },
      { role: 'tool', content: [{ text: '21 degrees' }], callId: 'c1' },
    ]);
  });

  it('starts a continuation with its parent turn: the remembered calls, the digest of the reply', () => {
    const view = responsesLoopView({ model: 'm', previous_response_id: 'resp_1', input: [{ type: 'function_call_output', call_id: 'call_1', output: 'sunny' }] }, parent({ outputDigest: 'ab'.repeat(16) }));
    expect(view.messages).toEqual([
      { role: 'assistant', content: [{ media: `reply|${'ab'.repeat(16)}` }], calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', content: [{ text: 'sunny' }], callId: 'call_1' },
    ]);
  });

  it('without a remembered parent, stands in with the parent id and the calls the outputs answer, names unknown', () => {
    const view = responsesLoopView({ model: 'm', previous_response_id: 'resp_x', input: [{ type: 'function_call_output', call_id: 'call_7', output: 'done' }] }, undefined);
    expect(view.messages[0]).toEqual({ role: 'assistant', content: [{ media: 'previous_response|resp_x' }], calls: [{ id: 'call_7', name: '', arguments: '' }] });
    const text = responsesLoopView({ model: 'm', previous_response_id: 'resp_x', input: 'continue' }, undefined);
    expect(text.messages).toEqual([
      { role: 'assistant', content: [{ media: 'previous_response|resp_x' }] },
      { role: 'user', content: [{ text: 'continue' }] },
    ]);
  });

  it('fingerprints a tool exchange sent over a chain exactly as the same exchange at the end of a full history', () => {
    const args = JSON.stringify({ city: 'Paris' });
    const full = fingerprintView(
      responsesLoopView(
        {
          model: 'm',
          instructions: 'Use tools.',
          input: [
            { role: 'user', content: 'weather in Paris?' },
            { type: 'function_call', call_id: 'call_A', name: 'get_weather', arguments: args },
            { type: 'function_call_output', call_id: 'call_A', output: 'sunny' },
          ],
        },
        undefined,
      ),
    );
    const chained = fingerprintView(
      responsesLoopView(
        { model: 'm', instructions: 'Use tools.', previous_response_id: 'resp_1', input: [{ type: 'function_call_output', call_id: 'call_B', output: 'sunny' }] },
        parent({ calls: [{ callId: 'call_B', name: 'get_weather', arguments: comparableArguments(args) }] }),
      ),
    );
    expect(chained.kind).toBe('action');
    expect(chained.exchange).toBe(full.exchange);
    expect(chained.repeatsInRequest).toBe(1);
  });

  it("reads the built-in tools the client runs as calls and their outputs as results; screenshots stand apart", () => {
    const view = responsesLoopView(
      {
        model: 'm',
        input: [
          { type: 'local_shell_call', id: 'lsh_1', call_id: 'c1', status: 'completed', action: { type: 'exec', command: ['ls', '-la'] } },
          { type: 'local_shell_call_output', id: 'lsho_1', call_id: 'c1', output: 'total 0' },
          { type: 'computer_call', id: 'cu_1', call_id: 'c2', action: { type: 'screenshot' } },
          { type: 'computer_call_output', call_id: 'c2', output: { type: 'computer_screenshot', image_url: 'data:image/png;base64,AAAA' } },
          { type: 'web_search_call', id: 'ws_1', status: 'completed' },
        ],
      },
      undefined,
    );
    expect(view.messages).toEqual([
      { role: 'assistant', content: [], calls: [{ id: 'c1', name: 'local_shell_call', arguments: '{"command":["ls","-la"],"type":"exec"}' }] },
      { role: 'tool', content: [{ text: 'total 0' }], callId: 'c1' },
      { role: 'assistant', content: [], calls: [{ id: 'c2', name: 'computer_call', arguments: '{"type":"screenshot"}' }] },
      { role: 'tool', content: [{ media: 'computer_screenshot|data:image/png;base64,AAAA' }], callId: 'c2' },
      { role: 'assistant', content: [{ media: 'web_search_call|ws_1' }] },
    ]);
  });

  it('compares long arguments by digest, alike in a request and in a remembered parent', () => {
    const long = JSON.stringify({ content: 'x'.repeat(5000) });
    expect(comparableArguments(long)).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(comparableArguments(long)).toBe(comparableArguments(JSON.stringify({ content: 'x'.repeat(5000) })));
    expect(comparableArguments('{"b":1,"a":2}')).toBe('{"a":2,"b":1}');
    const view = responsesLoopView({ model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'write', arguments: long }] }, undefined);
    expect(view.messages[0]?.calls?.[0]?.arguments).toBe(comparableArguments(long));
  });
});
