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

  it('hands paths that are not its own to the host app', async () => {
    expect(await h.send('GET', '/v1/embeddings-of-the-host')).toBeUndefined();
    expect(await h.send('GET', '/somewhere/else')).toBeUndefined();
  });

  it('refuses an admin route to a key that is not the admin key (403), after authenticating it', async () => {
    expect((await h.send('POST', '/agentwall/keys/routes/revoke'))?.status).toBe(401);
    const res = await h.send('POST', '/agentwall/keys/routes/revoke', {}, { authorization: `Bearer ${KEY}` });
    expect(res?.status).toBe(403);
    expect((res?.json['error'] as Record<string, unknown>)['code']).toBe('forbidden');
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
