// The budget race on POST /v1/messages through real HTTP: however many requests arrive at once, no budget is overspent.
import request from 'supertest';
import type { AgentWallOptions } from '@agentwall/core';
import type { MockLlm } from '@agentwall/mock-llm';
import { KEY_A, PROVIDER_KEY, appPool, chat, parseSse, startMock, type AppFactory, type RunningApp } from './harness.js';

const MODEL = 'claude-sonnet-4-5';
const CONCURRENT = 60;

/**
 * $1 per output token, input free: a request with max_tokens 5 reserves $5, and the mock cuts its answer to 5
 * tokens, so each one also costs $5. The chat model is priced the same, for the mixed race.
 */
const DOLLAR_PER_TOKEN = { [MODEL]: { inputPerMTok: 0, outputPerMTok: 1_000_000 }, 'gpt-4o-mini': { inputPerMTok: 0, outputPerMTok: 1_000_000 } };

const message = (text: string, extra: Record<string, unknown> = {}) => ({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: text }], ...extra });

/** The stream's text as one string (supertest does not buffer event streams by itself). */
const asText = (res: request.Response, cb: (err: Error | null, body: string) => void): void => {
  let text = '';
  res.on('data', (b: Buffer) => (text += b.toString()));
  res.on('end', () => cb(null, text));
};

/**
 * Runs the race on `/v1/messages` with an adapter's host app. `extra` adds options to every app (a Redis
 * store, say); `label` names the store in the suite's title.
 *
 * @example
 * messagesBudgetSuite(factory, () => ({ store: redisStore }), 'redis');
 */
export function messagesBudgetSuite(factory: AppFactory, extra: () => Partial<AgentWallOptions> = () => ({}), label = 'memory'): void {
  describe(`${factory.name} (${label}): budgets on /v1/messages`, () => {
    let mock: MockLlm;
    const { make, closeAll } = appPool(factory, () => mock);
    const app = (options: Partial<AgentWallOptions>) =>
      make({
        upstream: undefined,
        upstreams: [
          { url: mock.url, apiKey: PROVIDER_KEY },
          { kind: 'anthropic', url: mock.origin, apiKey: PROVIDER_KEY },
        ],
        prices: DOLLAR_PER_TOKEN,
        ...extra(),
        ...options,
      });
    const send = (a: RunningApp, body: unknown, runId?: string) => {
      const req = request(a.server).post('/v1/messages').set('x-api-key', KEY_A).set('anthropic-version', '2023-06-01');
      return (runId ? req.set('X-AgentWall-Run-ID', runId) : req).send(body as object);
    };
    const run = (a: RunningApp, id: string) => request(a.server).get(`/agentwall/runs/${id}`).set('Authorization', `Bearer ${KEY_A}`);
    const upstreamCalls = (path: string) => mock.requests.filter((r) => r.path.endsWith(path)).length;

    beforeAll(async () => {
      mock = await startMock();
    });
    afterEach(() => mock.reset());
    afterAll(async () => {
      await closeAll();
      await mock.close();
    });

    it(`never overspends a run budget under ${CONCURRENT} concurrent requests; each is charged or refused, never both`, async () => {
      const a = await app({ maxRunCostUsd: 50 });
      const runId = `messages-burst-${label}`;
      const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => send(a, message(`budget test number ${i}`), runId)));
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status !== 200);
      expect(ok).toHaveLength(10);
      expect(ok.every((r) => r.body.agentwall.cost_usd === 5)).toBe(true);
      for (const r of refused) {
        expect(r.status).toBe(429);
        expect(r.headers['x-should-retry']).toBe('false');
        expect(r.body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', code: 'budget_exceeded', scope: 'run', limit_usd: 50 } });
        expect(r.body.error.spent_usd + r.body.error.reserved_usd).toBeLessThanOrEqual(50);
      }
      expect(upstreamCalls('/v1/messages')).toBe(10);
      expect((await run(a, runId)).body).toMatchObject({ cost_usd: 50, reserved_usd: 0, steps: 10, blocked_attempts: CONCURRENT - 10 });
    });

    it(`never overspends with ${CONCURRENT} concurrent streams, each settled from its message_delta`, async () => {
      const a = await app({ maxRunCostUsd: 50 });
      const runId = `messages-stream-burst-${label}`;
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) => send(a, message(`streamed budget test ${i}`, { stream: true }), runId).buffer(true).parse(asText)),
      );
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(10);
      for (const r of ok) {
        const meta = JSON.parse(parseSse(r.body as string).comments[0]!.replace(/^: agentwall /, '')) as Record<string, unknown>;
        expect(meta).toMatchObject({ cost_usd: 5 });
        expect(meta['estimated']).toBeUndefined();
      }
      expect(results.filter((r) => r.status === 429)).toHaveLength(CONCURRENT - 10);
      expect((await run(a, runId)).body).toMatchObject({ cost_usd: 50, reserved_usd: 0, steps: 10 });
    });

    it(`never overspends a key's daily budget: ${CONCURRENT} concurrent runs of Messages and chat completions together`, async () => {
      const a = await app({ maxRunCostUsd: null, dailyBudgetUsd: 50 });
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          i % 2
            ? send(a, message(`daily budget test ${i}`), `daily-${label}-${i}`)
            : request(a.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat(`daily budget test ${i}`, { max_tokens: 5, agentwall_run_id: `daily-${label}-${i}` })),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(10);
      expect(results.filter((r) => r.status === 429).every((r) => (r.body.error.code ?? r.body.error.type) === 'budget_exceeded' && r.body.error.scope === 'key_daily')).toBe(true);
      expect(upstreamCalls('/v1/messages') + upstreamCalls('/v1/chat/completions')).toBe(10);
      const usage = await request(a.server).get('/agentwall/usage').set('Authorization', `Bearer ${KEY_A}`);
      expect(usage.body.daily).toEqual({ spent_usd: 50, reserved_usd: 0, limit_usd: 50 });
    });
  });
}
