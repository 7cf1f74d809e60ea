// The chat request schema: what passes through, and FastAPI-shaped failures.
import { validateChatRequest } from '../../../src/protocols/openai-chat/request.js';
import { AgentWallError } from '../../../src/index.js';

function issues(body: unknown) {
  try {
    validateChatRequest(body);
  } catch (err) {
    return (err as AgentWallError).issues;
  }
  throw new Error('accepted');
}

describe('validateChatRequest', () => {
  it('returns the body itself, unknown fields included', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }], logit_bias: { 1: 2 }, new_param: true };
    expect(validateChatRequest(body)).toBe(body);
  });

  it('accepts text and image parts, and assistant tool calls with null content', () => {
    expect(() =>
      validateChatRequest({
        model: 'm',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:' } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 't', content: 'result' },
        ],
      }),
    ).not.toThrow();
  });

  it('reports FastAPI-style locations and types', () => {
    expect(issues({ messages: [{ role: 'user', content: 'x' }] })).toEqual([{ loc: ['body', 'model'], msg: expect.any(String), type: 'missing' }]);
    expect(issues({ model: '', messages: [{ role: 'user', content: 'x' }] })?.[0]?.loc).toEqual(['body', 'model']);
    expect(issues({ model: 'm', messages: [{ role: 'robot', content: 'x' }] })?.[0]).toMatchObject({ loc: ['body', 'messages', 0, 'role'], type: 'enum' });
    expect(issues({ model: 'm', messages: [{ role: 'user' }] })?.[0]).toMatchObject({ loc: ['body', 'messages', 0, 'content'], type: 'missing' });
    expect(issues({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: 'yes' })?.[0]?.loc).toEqual(['body', 'stream']);
    expect(issues([1, 2])?.[0]).toMatchObject({ loc: ['body'], type: 'dict_type' });
  });
});
