// The route table: AgentWall's routes by method and path, 405 with Allow, and what it hands on.
import { RouteTable, ROUTES } from '../../src/routes/index.js';
import { inMemory, UPSTREAM_KEY } from '../support/in-memory.js';

const KEY = 'aw-routes-key-00001';
const ADMIN = 'aw-routes-admin-0001';

describe('RouteTable', () => {
  const table = new RouteTable(ROUTES);

  it('matches static and parameterised paths, with a trailing slash, and GET routes on HEAD', () => {
    expect(table.match('POST', '/v1/chat/completions')).toMatchObject({ route: { path: '/v1/chat/completions' }, params: {} });
    expect(table.match('POST', '/v1/chat/completions/')).toMatchObject({ route: { path: '/v1/chat/completions' } });
    expect(table.match('GET', '/agentwall/runs/r%3A1')).toMatchObject({ route: { path: '/agentwall/runs/:runId' }, params: { runId: 'r:1' } });
    expect(table.match('POST', '/agentwall/runs/r1/kill')).toMatchObject({ params: { runId: 'r1' } });
    expect(table.match('HEAD', '/health')).toMatchObject({ route: { path: '/health' } });
  });

  it('names the methods a known path allows, and leaves unknown paths alone', () => {
    expect(table.match('GET', '/v1/chat/completions')).toEqual({ allow: ['POST'] });
    expect(table.match('DELETE', '/agentwall/runs/r1')).toEqual({ allow: ['GET', 'HEAD'] });
    expect(table.match('POST', '/health/ready')).toEqual({ allow: ['GET', 'HEAD'] });
    expect(table.match('GET', '/agentwall/runs/')).toBeUndefined();
    expect(table.match('GET', '/agentwall/runs/a/b/c')).toBeUndefined();
    expect(table.match('POST', '/v1/unknown')).toBeUndefined();
  });

  it('knows the Responses routes by method, the embeddings and single-model routes', () => {
    expect(table.match('POST', '/v1/responses')).toMatchObject({ route: { path: '/v1/responses' } });
    expect(table.match('GET', '/v1/responses')).toEqual({ allow: ['POST'] });
    expect(table.match('GET', '/v1/responses/resp_1')).toMatchObject({ route: { path: '/v1/responses/:id', method: 'GET' }, params: { id: 'resp_1' } });
    expect(table.match('DELETE', '/v1/responses/resp_1')).toMatchObject({ route: { path: '/v1/responses/:id', method: 'DELETE' } });
    expect(table.match('POST', '/v1/responses/resp_1')).toEqual({ allow: ['GET', 'HEAD', 'DELETE'] });
    expect(table.match('GET', '/v1/responses/resp_1/input_items')).toMatchObject({ params: { id: 'resp_1' } });
    expect(table.match('POST', '/v1/responses/resp_1/cancel')).toMatchObject({ route: { path: '/v1/responses/:id/cancel' } });
    expect(table.match('GET', '/v1/embeddings')).toEqual({ allow: ['POST'] });
    expect(table.match('GET', '/v1/models/gpt-4o-mini')).toMatchObject({ route: { path: '/v1/models/:id' }, params: { id: 'gpt-4o-mini' } });
  });
});

describe('routes through handle()', () => {
  const h = inMemory({ keys: [{ key: KEY, name: 'routes' }], adminKey: ADMIN });
  h.upstream('/v1/models', { json: { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] } });
  afterAll(() => h.close());

  it('answers a wrong method on an AgentWall route with 405, Allow and the error shape, before auth', async () => {
    const res = await h.send('GET', '/v1/chat/completions');
    expect(res?.status).toBe(405);
    expect(res?.headers['allow']).toBe('POST');
    const error = res?.json['error'] as Record<string, unknown>;
    expect(error).toMatchObject({ type: 'method_not_allowed', code: 'method_not_allowed', param: null });
    expect(res?.json['detail']).toEqual({ error });
  });

  it('answers an unknown /v1 route with a JSON 404 naming the path, before auth, and hands other paths to the host app', async () => {
    // Until issue 15 unknown /v1 paths went to the host app; OpenAI's clients could not read its HTML 404.
    const res = await h.send('GET', '/v1/embeddings-of-the-host?x=1');
    expect(res?.status).toBe(404);
    const error = res?.json['error'] as Record<string, unknown>;
    expect(error).toMatchObject({ type: 'not_found', code: 'not_found', param: null, path: '/v1/embeddings-of-the-host' });
    expect(error['message']).toContain('GET /v1/embeddings-of-the-host');
    expect(res?.json['detail']).toEqual({ error });
    expect(await h.send('GET', '/somewhere/else')).toBeUndefined();
    expect(await h.send('GET', '/v1')).toBeUndefined();
  });

  it('hands unknown /v1 routes to the host app with passUnknownV1Routes', async () => {
    const own = inMemory({ keys: [{ key: KEY, name: 'routes' }], passUnknownV1Routes: true });
    try {
      expect(await own.send('POST', '/v1/host-owned/thing', {})).toBeUndefined();
      // AgentWall's own /v1 routes are still its own.
      expect((await own.send('GET', '/v1/embeddings'))?.status).toBe(405);
    } finally {
      await own.close();
    }
  });

  it('refuses an admin route to a key that is not the admin key (403), after authenticating it', async () => {
    expect((await h.send('POST', '/agentwall/keys/routes/revoke'))?.status).toBe(401);
    const res = await h.send('POST', '/agentwall/keys/routes/revoke', {}, { authorization: `Bearer ${KEY}` });
    expect(res?.status).toBe(403);
    expect((res?.json['error'] as Record<string, unknown>)['code']).toBe('forbidden');
  });

  it('forwards GET /v1/models/{id} to the upstream, with the provider key and without the query string', async () => {
    h.upstream('/v1/models/ft%3Agpt-4o-mini%3Aacme', { json: { id: 'ft:gpt-4o-mini:acme', object: 'model' } });
    const res = await h.send('GET', `/v1/models/ft%3Agpt-4o-mini%3Aacme?api_key=${KEY}`, undefined, { authorization: `Bearer ${KEY}` });
    expect(res?.status).toBe(200);
    expect(res?.json).toEqual({ id: 'ft:gpt-4o-mini:acme', object: 'model' });
    const seen = h.calls.at(-1)!;
    expect(seen.path).toBe('/v1/models/ft%3Agpt-4o-mini%3Aacme');
    expect(seen.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(seen)).not.toContain(KEY);
    expect((await h.send('GET', '/v1/models/gpt-4o'))?.status).toBe(401);
  });

  it('forwards GET /v1/models without the client query string (a key put there stays here)', async () => {
    const res = await h.send('GET', `/v1/models?api_key=${KEY}&limit=2`, undefined, { authorization: `Bearer ${KEY}` });
    expect(res?.status).toBe(200);
    const seen = h.calls.at(-1)!;
    expect(seen.path).toBe('/v1/models');
    expect(seen.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(seen)).not.toContain(KEY);
  });
});
