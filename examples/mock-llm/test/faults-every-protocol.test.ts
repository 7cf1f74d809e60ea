// Fault controls and request recording hold on every protocol: queued failures, x-mock-* headers, cut streams.
import { startMockLlm, type MockLlm } from '../src/index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const anthropicHeaders = { 'anthropic-version': '2023-06-01', 'x-api-key': 'k' };

/** One POST per protocol route, streamed where the route streams. */
const ROUTES: { name: string; path: string; body: Json; headers?: Record<string, string>; errorType: (body: Json) => string }[] = [
  { name: 'chat', path: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, errorType: (b) => `${b.error.type}/${b.error.code}` },
  { name: 'responses', path: '/v1/responses', body: { model: 'm', input: 'hi' }, errorType: (b) => `${b.error.type}/${b.error.code}` },
  { name: 'embeddings', path: '/v1/embeddings', body: { model: 'm', input: 'hi' }, errorType: (b) => `${b.error.type}/${b.error.code}` },
  {
    name: 'messages',
    path: '/v1/messages',
    body: { model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
    headers: anthropicHeaders,
    errorType: (b) => `${b.type}/${b.error.type}`,
  },
  { name: 'count_tokens', path: '/v1/messages/count_tokens', body: { model: 'c', messages: [] }, headers: anthropicHeaders, errorType: (b) => `${b.type}/${b.error.type}` },
];

const STREAMS = ROUTES.filter((r) => ['chat', 'responses', 'messages'].includes(r.name));

async function countEventsUntilCut(res: Response): Promise<{ events: number; error: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { events: text.split('\n\n').length - 1, error: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { events: text.split('\n\n').length - 1, error: true };
  }
}

describe('faults on every protocol', () => {
  let mock: MockLlm;
  const post = (route: (typeof ROUTES)[number], init: { body?: Json; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> =>
    fetch(`${mock.origin}${route.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...route.headers, ...init.headers },
      body: JSON.stringify(init.body ?? route.body),
      signal: init.signal ?? null,
    });

  beforeAll(async () => {
    mock = await startMockLlm();
  });
  afterEach(() => mock.reset());
  afterAll(() => mock.close());

  it.each(ROUTES)('$name: queued status in its own error shape, then a normal answer', async (route) => {
    mock.fail({ kind: 'status', status: 429 });
    const limited = await post(route);
    expect(limited.status).toBe(429);
    expect(route.errorType((await limited.json()) as Json)).toMatch(/rate_limit/);
    expect((await post(route)).status).toBe(200);
  });

  it.each(ROUTES)('$name: x-mock-status, x-mock-delay-ms and drop before any byte', async (route) => {
    expect((await post(route, { headers: { 'x-mock-status': '503', 'x-mock-delay-ms': '5' } })).status).toBe(503);
    mock.fail({ kind: 'drop', afterChunks: 0 });
    await expect(post(route)).rejects.toThrow();
    expect(mock.requests.map((r) => r.aborted)).toEqual([false, false]);
  });

  it.each(ROUTES)('$name: hang until the client aborts, recorded as aborted', async (route) => {
    const controller = new AbortController();
    const pending = post(route, { headers: { 'x-mock-hang': '1' }, signal: controller.signal });
    for (let i = 0; i < 200 && mock.requests[0]?.body === undefined; i += 1) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    for (let i = 0; i < 200 && !mock.requests[0]!.aborted; i += 1) await new Promise((r) => setTimeout(r, 5));
    expect(mock.requests[0]).toMatchObject({ method: 'POST', path: route.path, body: route.body, aborted: true });
  });

  it.each(STREAMS)('$name: streams drop after N events (queued) and stall after N events (header)', async (route) => {
    mock.fail({ kind: 'drop', afterChunks: 3 });
    const dropped = await countEventsUntilCut(await post(route, { body: { ...route.body, stream: true } }));
    expect(dropped).toEqual({ events: 3, error: true });

    const controller = new AbortController();
    const stalled = await post(route, { body: { ...route.body, stream: true }, headers: { 'x-mock-stall-after': '2' }, signal: controller.signal });
    const reader = stalled.body!.getReader();
    let text = '';
    while (text.split('\n\n').length - 1 < 2) text += new TextDecoder().decode((await reader.read()).value);
    const next = reader.read();
    let settled = false;
    next.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    controller.abort();
    await expect(next).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('records GET and DELETE routes too, and applies no queued failure to them', async () => {
    mock.fail({ kind: 'status', status: 500 });
    const created = (await (await fetch(`${mock.url}/responses`, { method: 'POST', body: JSON.stringify({ model: 'm', input: 'hi' }) })).json()) as Json;
    expect(created.error.type).toBe('server_error');
    mock.fail({ kind: 'status', status: 500 });
    expect((await fetch(`${mock.url}/models/gpt-4o`)).status).toBe(200);
    expect((await fetch(`${mock.url}/responses/resp_x`, { method: 'DELETE' })).status).toBe(404);
    expect(mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/responses', 'GET /v1/models/gpt-4o', 'DELETE /v1/responses/resp_x']);
    // The queued failure still waits for the next POST.
    expect((await fetch(`${mock.url}/embeddings`, { method: 'POST', body: JSON.stringify({ model: 'm', input: 'x' }) })).status).toBe(500);
  });

  it('requires the configured key on every protocol', async () => {
    const secured = await startMockLlm({ apiKey: 'sk-secret' });
    try {
      const statuses = async (headers: Record<string, string>): Promise<number[]> =>
        Promise.all(
          ROUTES.map(async (route) => {
            const res = await fetch(`${secured.origin}${route.path}`, { method: 'POST', headers: { ...route.headers, ...headers }, body: JSON.stringify(route.body) });
            return res.status;
          }),
        );
      expect(await statuses({ 'x-api-key': 'wrong' })).toEqual([401, 401, 401, 401, 401]);
      expect(await statuses({ authorization: 'Bearer sk-secret', 'x-api-key': 'sk-secret' })).toEqual([200, 200, 200, 200, 200]);
      expect((await fetch(`${secured.url}/responses/resp_x`)).status).toBe(401);
    } finally {
      await secured.close();
    }
  });
});
