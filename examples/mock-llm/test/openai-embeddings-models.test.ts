// Embeddings and model routes served by the mock, driven by the `openai` package (which asks for base64 by default).
import OpenAI from 'openai';
import { startMockLlm, type MockLlm } from '../src/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('embeddings and models through the openai SDK', () => {
  let mock: MockLlm;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockLlm();
    client = new OpenAI({ baseURL: mock.url, apiKey: 'sk-mock', maxRetries: 0 });
  });
  afterEach(() => mock.reset());
  afterAll(() => mock.close());

  it('serves base64 by default as the SDK requests it, decoding to the same floats as encoding_format float', async () => {
    const viaBase64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world' });
    expect(mock.requests[0]!.body).toMatchObject({ encoding_format: 'base64' });
    const vector = viaBase64.data[0]!.embedding;
    expect(vector).toHaveLength(1536);
    expect(norm(vector)).toBeCloseTo(1, 5);

    const viaFloat = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'float' });
    expect(viaFloat.data[0]!.embedding).toEqual(vector);
    expect(viaFloat).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: 3, total_tokens: 3 } });
  });

  it('embeds arrays of strings and token arrays deterministically, honouring dimensions', async () => {
    const batch = await client.embeddings.create({ model: 'text-embedding-3-large', input: ['a', 'b', 'a'], dimensions: 8 });
    expect(batch.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(batch.data.every((d) => d.embedding.length === 8)).toBe(true);
    expect(batch.data[0]!.embedding).toEqual(batch.data[2]!.embedding);
    expect(batch.data[0]!.embedding).not.toEqual(batch.data[1]!.embedding);
    expect(batch.usage.prompt_tokens).toBe(3);

    const large = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'x' });
    expect(large.data[0]!.embedding).toHaveLength(3072);

    const tokens = await client.embeddings.create({ model: 'text-embedding-3-small', input: [[1, 2, 3], [4, 5]], encoding_format: 'float' });
    expect(tokens.usage.prompt_tokens).toBe(5);
    expect(tokens.data).toHaveLength(2);
  });

  it('rejects bad input in OpenAI error shape', async () => {
    for (const body of [{ model: 'm', input: '' }, { model: 'm', input: [] }, { model: 'm', input: [1, 'a'] }, { input: 'x' }, { model: 'm', input: 'x', dimensions: -1 }, { model: 'm', input: 'x', encoding_format: 'hex' }]) {
      const res = await fetch(`${mock.url}/embeddings`, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).error.type).toBe('invalid_request_error');
    }
  });

  it('retrieves any model by id and still lists the fixed models', async () => {
    expect(await client.models.retrieve('gpt-4.1-nano')).toEqual({ id: 'gpt-4.1-nano', object: 'model', created: expect.any(Number), owned_by: 'mock' });
    const listed = [];
    for await (const model of client.models.list()) listed.push(model.id);
    expect(listed).toEqual(['gpt-4o-mini', 'gpt-4o']);
  });
});
