// The Messages request schema: what a body must hold (max_tokens included), what passes through untouched.
import { isAgentWallError } from '../../../src/errors.js';
import { validateCountTokensRequest, validateMessagesRequest } from '../../../src/protocols/anthropic-messages/request.js';

function refusal(fn: () => unknown): { status: number; issues: unknown } {
  try {
    fn();
  } catch (err) {
    if (isAgentWallError(err)) return { status: err.status, issues: err.issues };
    throw err;
  }
  throw new Error('expected a refusal');
}

const ok = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

describe('validateMessagesRequest', () => {
  it('returns the body itself, unknown fields included', () => {
    const body = { ...ok, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }], thinking: { type: 'enabled', budget_tokens: 50 }, metadata: { user_id: 'u' } };
    expect(validateMessagesRequest(body)).toBe(body);
    expect(validateMessagesRequest({ ...ok, system: 'Be brief.', stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] })).toBeDefined();
  });

  it("takes role: system messages between turns (the beta API's per-turn instructions, as Claude Code 2.1 sends them), content optional", () => {
    const body = {
      ...ok,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Plan the migration' }] },
        { role: 'system', content: [{ type: 'text', text: '# Environment\n - Primary working directory: /tmp/x' }] },
        { role: 'system', output_config: { effort: 'low' } },
        { role: 'system', content: 'Be brief.', clear_at: 'next_user_message' },
      ],
    };
    expect(validateMessagesRequest(body)).toBe(body);
    expect(validateCountTokensRequest({ model: ok.model, messages: body.messages })).toBeDefined();
  });

  it('requires max_tokens, as the API does: a 422 naming it', () => {
    const { max_tokens: _omit, ...without } = ok;
    expect(refusal(() => validateMessagesRequest(without))).toEqual({ status: 422, issues: [expect.objectContaining({ loc: ['body', 'max_tokens'], type: 'missing' })] });
    expect(refusal(() => validateMessagesRequest({ ...ok, max_tokens: 0 })).status).toBe(422);
    expect(refusal(() => validateMessagesRequest({ ...ok, max_tokens: 1.5 })).status).toBe(422);
  });

  it.each([
    [{ ...ok, model: '' }, ['body', 'model']],
    [{ ...ok, messages: [] }, ['body', 'messages']],
    [{ ...ok, messages: [{ role: 'tool', content: 'x' }] }, ['body', 'messages', 0, 'role']],
    [{ ...ok, messages: [{ role: 'system', content: 42 }] }, ['body', 'messages', 0, 'content']],
    [{ ...ok, messages: [{ role: 'user', content: null }] }, ['body', 'messages', 0, 'content']],
    [{ ...ok, messages: [{ role: 'user', content: [{ text: 'no type' }] }] }, ['body', 'messages', 0, 'content']],
    [{ ...ok, system: 42 }, ['body', 'system']],
    [{ ...ok, stream: 'yes' }, ['body', 'stream']],
  ])('refuses %j at %j', (body, loc) => {
    const { status, issues } = refusal(() => validateMessagesRequest(body));
    expect(status).toBe(422);
    expect((issues as Array<{ loc: unknown[] }>)[0]!.loc.slice(0, (loc as unknown[]).length)).toEqual(loc);
  });

  it('refuses a body that is not an object', () => {
    expect(refusal(() => validateMessagesRequest([ok])).status).toBe(422);
  });
});

describe('validateCountTokensRequest', () => {
  it('takes a body without max_tokens, and still needs model and messages', () => {
    const body = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] };
    expect(validateCountTokensRequest(body)).toBe(body);
    expect(refusal(() => validateCountTokensRequest({ model: 'claude-sonnet-4-5' })).status).toBe(422);
  });
});
