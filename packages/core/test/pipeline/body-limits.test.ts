// Client input never reaches a recursion without a bound: bodies nested too deep are a 400 before any work.
import { MemoryStore } from '../../src/index.js';
import { MAX_JSON_DEPTH } from '../../src/http/body.js';
import { chatAnswer, inMemory } from '../support/in-memory.js';

const KEY = 'aw-limits-key-00001';
const auth = { authorization: `Bearer ${KEY}` };

function nested(levels: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = i % 2 === 0 ? { a: v } : [v];
  return v;
}

/** The same deep value as JSON text, built without recursion (JSON.stringify of 5,000 levels overflows). */
function nestedText(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

describe('deeply nested bodies', () => {
  const store = new MemoryStore();
  const h = inMemory({ keys: [{ key: KEY, name: 'deep' }], store, maxRunCostUsd: 5 });
  h.upstream('/v1/chat/completions', { json: chatAnswer('ok') });
  afterAll(() => h.close());

  it.each(['extra', 'tools', 'response_format', 'agentwall_metadata'])('refuses 5,000 levels in `%s` with 400 invalid_json, recording nothing', async (field) => {
    const body = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"agentwall_run_id":"deep-${field}","${field}":${nestedText(5000)}}`;
    const res = await h.send('POST', '/v1/chat/completions', body, auth);
    expect(res?.status).toBe(400);
    expect(res?.json['error']).toMatchObject({ code: 'invalid_json', max_depth: MAX_JSON_DEPTH });
    expect(h.calls).toHaveLength(0);
    expect(await store.getRun({ keyId: 'deep', runId: `deep-${field}` })).toBeUndefined();
  });

  it('refuses a deep body the host app parsed itself, streamed or not', async () => {
    const value = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }], tools: nested(5000) };
    const res = await h.aw.handle({
      method: 'POST',
      path: '/v1/chat/completions',
      query: '',
      headers: auth,
      body: { kind: 'parsed', value },
      signal: new AbortController().signal,
    });
    expect(res?.status).toBe(400);
    expect(h.calls).toHaveLength(0);
  });

  it('accepts nesting up to the limit', async () => {
    const body = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"response_format":${nestedText(MAX_JSON_DEPTH - 1)}}`;
    expect((await h.send('POST', '/v1/chat/completions', body, auth))?.status).toBe(200);
  });
});
