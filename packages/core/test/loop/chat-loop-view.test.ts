// chatLoopView: a chat-completions body as the loop detector's protocol-neutral view.
import { canonicalArguments } from '../../src/loop/index.js';
import { chatLoopView } from '../../src/protocols/openai-chat/loop-view.js';

const view = (...messages: Array<Record<string, unknown>>) => chatLoopView({ model: 'gpt-4o-mini', messages });
/** The view as plain data, getters read. */
const plain = (...messages: Array<Record<string, unknown>>) =>
  view(...messages).messages.map((m) => ({ role: m.role, content: m.content, calls: m.calls, ...(m.name === undefined ? {} : { name: m.name }), ...(m.callId === undefined ? {} : { callId: m.callId }) }));

describe('chatLoopView', () => {
  it('keeps the model and folds the roles to four', () => {
    const v = view({ role: 'system', content: 's' }, { role: 'developer', content: 'd' }, { role: 'user', content: 'u' }, { role: 'assistant', content: 'a' }, { role: 'tool', tool_call_id: 'c', content: 't' }, { role: 'function', name: 'f', content: 'r' });
    expect(v.model).toBe('gpt-4o-mini');
    expect(v.messages.map((m) => m.role)).toEqual(['system', 'system', 'user', 'assistant', 'tool', 'tool']);
    expect(v.messages[4]!.callId).toBe('c');
    expect(v.messages[5]!.name).toBe('f');
    expect(v.messages[0]!.callId).toBeUndefined();
    expect(v.messages[0]!.name).toBeUndefined();
  });

  it('turns string content into one text, parts into texts and media stand-ins, null into nothing', () => {
    expect(
      plain(
        { role: 'user', content: 'hello' },
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }, { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] },
        { role: 'assistant', content: null },
      ),
    ).toEqual([
      { role: 'user', content: [{ text: 'hello' }], calls: [] },
      { role: 'user', content: [{ text: 'look' }, { media: 'image_url|https://x/y.png' }, { media: 'input_audio|AAAA' }], calls: [] },
      { role: 'assistant', content: [{ text: 'I cannot.' }], calls: [] },
      { role: 'assistant', content: [], calls: [] },
    ]);
  });

  it('turns tool calls and the legacy function_call into calls with canonical arguments', () => {
    const m = view({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'search', arguments: '{ "q": "x", "limit": 5 }' } },
        { id: 'call_2', type: 'custom', custom: { name: 'patch', input: '*** Begin Patch' } },
        null,
        { id: 'call_3', type: 'function' },
      ],
      function_call: { name: 'legacy', arguments: '{"b":1,"a":2}' },
    }).messages[0]!;
    expect(m.calls).toEqual([
      { id: 'call_1', name: 'search', arguments: canonicalArguments('{"limit":5,"q":"x"}') },
      { id: 'call_2', name: 'patch', arguments: '*** Begin Patch' },
      { name: 'legacy', arguments: '{"a":2,"b":1}' },
    ]);
  });

  it('gives calls only to assistant messages', () => {
    expect(view({ role: 'user', content: 'hi', tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{}' } }] }).messages[0]!.calls).toEqual([]);
  });

  it('converts a message only when it is read, and only once', () => {
    let reads = 0;
    const message = {
      role: 'assistant',
      get content() {
        reads++;
        return 'hello';
      },
    };
    const v = view(message);
    expect(reads).toBe(0);
    expect(v.messages[0]!.content).toEqual([{ text: 'hello' }]);
    expect(v.messages[0]!.content).toBe(v.messages[0]!.content);
    expect(reads).toBe(1);
  });

  it('does not change the body', () => {
    const messages = [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{ "b": 1, "a": 2 }' } }] }];
    const copy = structuredClone(messages);
    void view(...messages).messages[0]!.calls;
    expect(messages).toEqual(copy);
  });
});
