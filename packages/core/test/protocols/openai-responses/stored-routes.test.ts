// GET/DELETE /v1/responses/{id}, input_items and cancel: forwarded only for the key that created the response.
import { MemoryStore } from '../../../src/index.js';
import { allowedQuery } from '../../../src/forward/pass-through.js';
import { inMemory, UPSTREAM_KEY } from '../../support/in-memory.js';
import { event, message, response } from './fixtures.js';

const KEY = 'aw-stored-key-a-0001';
const OTHER = 'aw-stored-key-b-0002';
const auth = { authorization: `Bearer ${KEY}` };

describe('stored Responses routes', () => {
  const store = new MemoryStore();
  const h = inMemory({ keys: [{ key: KEY, name: 'alpha' }, { key: OTHER, name: 'bravo' }], store });
  const created = response([message('stored answer')]);
  const path = `/v1/responses/${created.id}`;
  h.upstream('/v1/responses', { json: created });
  h.upstream((p: string) => p.startsWith(path), (call) =>
    call.path.includes('stream=true') ? { text: event('response.completed', { response: created }, 7) } : { json: call.method === 'DELETE' ? { id: created.id, deleted: true } : created },
  );
  afterAll(() => h.close());

  beforeAll(async () => {
    expect((await h.send('POST', '/v1/responses', { model: 'gpt-4o-mini', input: 'remember me' }, auth))?.status).toBe(200);
  });

  it('forwards GET with the provider key and only the query parameters the endpoint takes', async () => {
    const res = await h.send('GET', `${path}?include[]=message.output_text.logprobs&api_key=${KEY}&token=x`, undefined, auth);
    expect(res?.status).toBe(200);
    expect(res?.json).toEqual(created);
    const seen = h.calls.at(-1)!;
    expect(seen.method).toBe('GET');
    expect(seen.path).toBe(`${path}?include%5B%5D=message.output_text.logprobs`);
    expect(seen.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(seen)).not.toContain(KEY);
  });

  it('streams a replay (?stream=true) through as it comes', async () => {
    const res = await h.send('GET', `${path}?stream=true&starting_after=6`, undefined, auth);
    expect(res?.text).toBe(event('response.completed', { response: created }, 7));
    expect(h.calls.at(-1)!.path).toBe(`${path}?stream=true&starting_after=6`);
  });

  it('forwards input_items with its pagination, DELETE and cancel, without a body', async () => {
    await h.send('GET', `${path}/input_items?after=msg_1&limit=2&order=asc&api_key=${KEY}`, undefined, auth);
    expect(h.calls.at(-1)!.path).toBe(`${path}/input_items?after=msg_1&limit=2&order=asc`);
    const deleted = await h.send('DELETE', path, undefined, auth);
    expect(deleted?.json).toEqual({ id: created.id, deleted: true });
    expect(h.calls.at(-1)).toMatchObject({ method: 'DELETE', path });
    await h.send('POST', `${path}/cancel`, { ignored: true }, auth);
    expect(h.calls.at(-1)).toMatchObject({ method: 'POST', path: `${path}/cancel`, body: undefined });
  });

  it("answers 404 not_found naming the path for another key's response, or one AgentWall never relayed, without forwarding", async () => {
    const before = h.calls.length;
    for (const [method, url] of [
      ['GET', path],
      ['DELETE', path],
      ['GET', `${path}/input_items`],
      ['POST', `${path}/cancel`],
    ] as const) {
      const res = await h.send(method, url, undefined, { authorization: `Bearer ${OTHER}` });
      expect(res?.status).toBe(404);
      expect(res?.json['error']).toMatchObject({ type: 'not_found', code: 'not_found', param: null, path: url });
    }
    const unknown = await h.send('GET', '/v1/responses/resp_unknown', undefined, auth);
    expect(unknown?.json['error']).toMatchObject({ type: 'not_found', path: '/v1/responses/resp_unknown' });
    expect((await h.send('GET', path))?.status).toBe(401);
    expect(h.calls.length).toBe(before);
  });
});

describe('allowedQuery', () => {
  it('keeps the named parameters, every value of a repeated one, in order', () => {
    expect(allowedQuery('include=a&api_key=k&include=b&limit=3', ['include', 'limit'])).toBe('include=a&include=b&limit=3');
    expect(allowedQuery('api_key=k', ['limit'])).toBe('');
    expect(allowedQuery('', ['limit'])).toBe('');
  });
});
