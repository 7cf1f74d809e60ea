// The seam: a protocol written here, one object and one route-table entry, is guarded like chat completions.
import { z } from 'zod';
import { ROUTES, type RouteDef } from '../../src/routes/index.js';
import type { Protocol, ProtocolRequest } from '../../src/protocols/protocol.js';
import { requireObject, validationError } from '../../src/validation/issues.js';
import { MemoryStore } from '../../src/index.js';
import { inMemory, UPSTREAM_KEY } from '../support/in-memory.js';

const KEY = 'aw-echo-key-000001';
const auth = { authorization: `Bearer ${KEY}` };

interface EchoCall extends ProtocolRequest {
  readonly body: { text: string; [k: string]: unknown };
}

const schema = z.looseObject({ text: z.string().min(1) });

/** A trivial endpoint: `{ text }` goes upstream, `{ echo, usage: { in, out } }` comes back. */
const echo: Protocol<EchoCall> = {
  name: 'echo',
  upstreamPath: '/echo',
  errorFormat: 'openai',
  parse(body) {
    const obj = requireObject(body);
    const r = schema.safeParse(obj);
    if (!r.success) throw validationError(r.error, obj);
    return { body: obj as EchoCall['body'], model: 'echo-1', stream: false };
  },
  mask(request, scan) {
    const r = scan(request.body.text);
    const masked = r.text === request.body.text ? request : { ...request, body: { ...request.body, text: r.text } };
    return { request: masked, counts: r.counts, blocked: r.blocked };
  },
  inputTokens: (r) => Math.ceil(r.body.text.length / 4),
  maxOutputTokens: () => 100,
  upstreamBody: ({ body }) => Object.fromEntries(Object.entries(body).filter(([k]) => !k.startsWith('agentwall_'))),
  answerUsage(_raw, parse) {
    const u = parse()?.['usage'] as { in: number; out: number } | undefined;
    return { usage: u ? { promptTokens: u.in, completionTokens: u.out, cachedTokens: 0, reasoningTokens: 0, totalTokens: u.in + u.out } : undefined, outputTokens: 0 };
  },
  streamObserver: () => ({ event: () => undefined, usage: undefined, outputTokens: 0 }),
};

/** The one line that makes it an AgentWall endpoint. */
const routes: RouteDef[] = [...ROUTES, { method: 'POST', path: '/v1/echo', auth: 'key', protocol: echo }];

describe('a protocol added in one object and one route entry', () => {
  const store = new MemoryStore();
  const h = inMemory(
    { keys: [{ key: KEY, name: 'echoer' }], store, prices: { 'echo-1': { inputPerMTok: 1_000_000, outputPerMTok: 1_000_000 } }, maxRunCostUsd: 130 },
    { routes },
  );
  h.upstream('/v1/echo', (call) => ({ json: { echo: (call.body as { text: string }).text, usage: { in: 3, out: 2 } } }));
  afterAll(() => h.close());

  it('is authenticated: no key, no forward', async () => {
    const res = await h.send('POST', '/v1/echo', { text: 'hello' });
    expect(res?.status).toBe(401);
    expect((res?.json['error'] as Record<string, unknown>)['code']).toBe('invalid_api_key');
    expect(h.calls).toHaveLength(0);
  });

  it('is validated by its own schema, in the error shape', async () => {
    const res = await h.send('POST', '/v1/echo', { text: '' }, auth);
    expect(res?.status).toBe(422);
    expect(res?.json['detail']).toEqual([expect.objectContaining({ loc: ['body', 'text'] })]);
  });

  it('counts run steps, sends the provider key and strips AgentWall fields, prices from usage', async () => {
    const one = await h.send('POST', '/v1/echo', { text: 'first', agentwall_run_id: 'echo-run' }, auth);
    const two = await h.send('POST', '/v1/echo', { text: 'second', agentwall_run_id: 'echo-run' }, auth);
    expect(one?.status).toBe(200);
    expect(two?.json['agentwall']).toMatchObject({ run_id: 'echo-run', step: 2, run_steps: 2, cost_usd: 5 });
    const seen = h.calls.at(-1)!;
    expect(seen.body).toEqual({ text: 'second' });
    expect(seen.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(seen.headers)).not.toContain(KEY);
    const run = await store.getRun({ keyId: 'echoer', runId: 'echo-run' });
    expect(run).toMatchObject({ steps: 2, costMicros: 10_000_000, reservedMicros: 0 });
  });

  it('masks secrets in its texts before they go upstream', async () => {
    const secret = 'sk-proj-' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
    const res = await h.send('POST', '/v1/echo', { text: `my key is ${secret}` }, auth);
    expect(res?.status).toBe(200);
    expect((h.calls.at(-1)!.body as { text: string }).text).toBe('my key is [REDACTED:openai_key]');
    expect(res?.json['agentwall']).toMatchObject({ dlp: { openai_key: 1 } });
  });

  it('is held to the run budget: the worst case is reserved, the request refused before it is forwarded', async () => {
    const before = h.calls.length;
    // 25 input tokens + 100 output tokens at $1 each is $125 reserved; each step costs $5: against $130, the first
    // two fit (0 + 125, 5 + 125), the third (10 + 125) does not.
    const text = 'x'.repeat(100);
    expect((await h.send('POST', '/v1/echo', { text, agentwall_run_id: 'echo-budget' }, auth))?.status).toBe(200);
    const run = await store.getRun({ keyId: 'echoer', runId: 'echo-budget' });
    expect(run?.costMicros).toBe(5_000_000);
    await h.send('POST', '/v1/echo', { text, agentwall_run_id: 'echo-budget' }, auth);
    const refused = await h.send('POST', '/v1/echo', { text, agentwall_run_id: 'echo-budget' }, auth);
    expect(refused?.status).toBe(429);
    expect((refused?.json['error'] as Record<string, unknown>)['code']).toBe('budget_exceeded');
    expect(h.calls.length).toBe(before + 2);
  });
});
