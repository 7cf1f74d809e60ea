// POST /v1/embeddings through the guarded pipeline in memory: DLP on the input strings, input-only budgets, no loop check.
import { MemoryStore } from '../../../src/index.js';
import { embeddingsInputTokens } from '../../../src/protocols/openai-embeddings/index.js';
import { inMemory, UPSTREAM_KEY } from '../../support/in-memory.js';
import { POSITIVES } from '../../dlp/fixtures.js';

const KEY = 'aw-embeddings-key-0001';
const auth = { authorization: `Bearer ${KEY}` };
const SECRET = POSITIVES.openai_key[0] as string;
const vectors = (n: number) => Array.from({ length: n }, (_, index) => ({ object: 'embedding', index, embedding: [0.1, -0.2, 0.3] }));

describe('openai-embeddings in memory', () => {
  const store = new MemoryStore();
  const h = inMemory({ keys: [{ key: KEY, name: 'emb' }], store, maxRunCostUsd: null });
  h.upstream('/v1/embeddings', (call) => {
    const input = (call.body as { input: unknown }).input;
    const n = Array.isArray(input) && typeof input[0] !== 'number' ? input.length : 1;
    return { json: { object: 'list', data: vectors(n), model: 'text-embedding-3-small', usage: { prompt_tokens: 1000, total_tokens: 1000 } } };
  });
  afterAll(() => h.close());

  it('masks secrets in input strings, leaves token arrays alone, strips AgentWall fields, sends the provider key', async () => {
    const res = await h.send('POST', '/v1/embeddings', { model: 'text-embedding-3-small', input: ['plain', `key ${SECRET}`], agentwall_run_id: 'emb-1' }, auth);
    expect(res?.status).toBe(200);
    const seen = h.calls.at(-1)!;
    expect(seen.body).toEqual({ model: 'text-embedding-3-small', input: ['plain', 'key [REDACTED:openai_key]'] });
    expect(seen.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(res?.json['agentwall']).toMatchObject({ run_id: 'emb-1', dlp: { openai_key: 1 } });
    await h.send('POST', '/v1/embeddings', { model: 'text-embedding-3-small', input: `only ${SECRET}` }, auth);
    expect(h.calls.at(-1)!.body).toMatchObject({ input: 'only [REDACTED:openai_key]' });
    await h.send('POST', '/v1/embeddings', { model: 'text-embedding-3-small', input: [[1, 2, 3], [4]] }, auth);
    expect(h.calls.at(-1)!.body).toMatchObject({ input: [[1, 2, 3], [4]] });
  });

  it('meters usage.prompt_tokens at the input price (no output), into the metadata, the headers and the run', async () => {
    const res = await h.send('POST', '/v1/embeddings', { model: 'text-embedding-3-small', input: 'hello', agentwall_run_id: 'emb-cost' }, auth);
    // 1000 tokens at $0.02 per million.
    expect(res?.json['agentwall']).toMatchObject({ cost_usd: 0.00002, run_cost_usd: 0.00002, step: 1 });
    expect(res?.headers['x-agentwall-cost-usd']).toBe('0.000020');
    expect(res?.json['data']).toEqual(vectors(1));
    expect((await store.getRun({ keyId: 'emb', runId: 'emb-cost' }))?.stepRecords[0]).toMatchObject({ promptTokens: 1000, completionTokens: 0, estimated: false });
  });

  it('is not loop-checked: the same text embedded again in a run passes', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await h.send('POST', '/v1/embeddings', { model: 'text-embedding-3-small', input: 'the same text', agentwall_run_id: 'emb-same' }, auth);
      expect(res?.status).toBe(200);
    }
    expect((await store.getRun({ keyId: 'emb', runId: 'emb-same' }))?.steps).toBe(4);
  });

  it('reserves the input tokens alone against the budget', async () => {
    const tight = inMemory({ keys: [{ key: KEY, name: 'emb' }], prices: { 'embed-x': { inputPerMTok: 1_000_000, outputPerMTok: 1_000_000 } }, maxRunCostUsd: 10 });
    tight.upstream('/v1/embeddings', { json: { object: 'list', data: vectors(1), usage: { prompt_tokens: 2, total_tokens: 2 } } });
    try {
      // 'abcdefgh' is 2 tokens: $2 reserved, no output reserved although the output price is high.
      expect((await tight.send('POST', '/v1/embeddings', { model: 'embed-x', input: 'abcdefgh', agentwall_run_id: 'eb' }, auth))?.json['agentwall']).toMatchObject({ cost_usd: 2 });
      const big = await tight.send('POST', '/v1/embeddings', { model: 'embed-x', input: 'x'.repeat(40), agentwall_run_id: 'eb' }, auth);
      expect(big?.json['error']).toMatchObject({ type: 'budget_exceeded', scope: 'run', limit_usd: 10, spent_usd: 2 });
    } finally {
      await tight.close();
    }
  });

  it('refuses a bad body in the error shape, and only POST', async () => {
    const res = await h.send('POST', '/v1/embeddings', { model: 'text-embedding-3-small', input: [1, 'a'] }, auth);
    expect(res?.status).toBe(422);
    expect(res?.json['detail']).toEqual([expect.objectContaining({ loc: ['body', 'input'] })]);
    const get = await h.send('GET', '/v1/embeddings');
    expect(get?.status).toBe(405);
    expect(get?.headers['allow']).toBe('POST');
  });
});

describe('embeddingsInputTokens', () => {
  it('estimates strings and counts token arrays exactly', () => {
    expect(embeddingsInputTokens({ model: 'm', input: 'Hello, world!' })).toBe(4);
    expect(embeddingsInputTokens({ model: 'm', input: ['abcd', 'abcdefgh'] })).toBe(3);
    expect(embeddingsInputTokens({ model: 'm', input: [1, 2, 3] })).toBe(3);
    expect(embeddingsInputTokens({ model: 'm', input: [[1, 2], [3]] })).toBe(3);
  });
});
