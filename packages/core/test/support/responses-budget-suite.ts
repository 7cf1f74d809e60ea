// The budget race on /v1/responses (SPEC section 7): however many requests arrive at once, the spend never passes a budget.
import request from 'supertest';
import type { MockLlm } from '@agentwall/mock-llm';
import type { Store } from '@agentwall/core';
import { KEY_A, appPool, startMock, type AppFactory } from './harness.js';

/** $1 per output token and free input: a request with `max_output_tokens: 5` reserves $5, and the mock's answer, cut to 5 tokens, costs $5. */
const DOLLAR_PER_TOKEN = { 'gpt-4o-mini': { inputPerMTok: 0, outputPerMTok: 1_000_000 } };

/** Where the suite keeps state: a fresh store per test (the memory store AgentWall makes when absent). */
export interface SuiteStore {
  name: string;
  make: () => Store;
}

export function responsesBudgetSuite(factory: AppFactory, store?: SuiteStore): void {
  describe(`${factory.name}${store ? ` on ${store.name}` : ''}: budgets on /v1/responses`, () => {
    let mock: MockLlm;
    const stores: Store[] = [];
    const { make, closeAll } = appPool(factory, () => mock);
    const withStore = (): { store?: Store } => {
      if (!store) return {};
      const s = store.make();
      stores.push(s);
      return { store: s };
    };
    const create = (app: { server: import('node:http').Server }, body: Record<string, unknown>) =>
      request(app.server).post('/v1/responses').set('Authorization', `Bearer ${KEY_A}`).send({ model: 'gpt-4o-mini', max_output_tokens: 5, ...body });
    const summary = (app: { server: import('node:http').Server }, id: string) => request(app.server).get(`/agentwall/runs/${id}`).set('Authorization', `Bearer ${KEY_A}`);

    beforeAll(async () => {
      mock = await startMock();
    });
    afterEach(() => mock.reset());
    afterAll(async () => {
      await closeAll();
      for (const s of stores) await s.close();
      await mock.close();
    });

    it('never overspends a run budget under 50 concurrent JSON requests; each is charged or refused, never both', async () => {
      const app = await make({ prices: DOLLAR_PER_TOKEN, maxRunCostUsd: 50, ...withStore() });
      const runId = `burst-${Date.now()}`;
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => create(app, { input: `budget race number ${i}, a long enough prompt`, agentwall_run_id: runId })));
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(10);
      for (const r of ok) expect(r.body).toMatchObject({ status: 'incomplete', usage: { output_tokens: 5 }, agentwall: { cost_usd: 5 } });
      for (const r of results.filter((x) => x.status !== 200)) {
        expect(r.status).toBe(429);
        expect(r.headers['x-should-retry']).toBe('false');
        expect(r.body.error).toMatchObject({ type: 'budget_exceeded', scope: 'run', limit_usd: 50 });
        expect(r.body.error.spent_usd + r.body.error.reserved_usd).toBeLessThanOrEqual(50);
      }
      expect(mock.requests.filter((r) => r.path.endsWith('/responses'))).toHaveLength(10);
      expect((await summary(app, runId)).body).toMatchObject({ cost_usd: 50, reserved_usd: 0, steps: 10, blocked_attempts: 40 });
    });

    it('never overspends a daily key budget under 50 concurrent streams in separate runs', async () => {
      const app = await make({ prices: DOLLAR_PER_TOKEN, maxRunCostUsd: null, dailyBudgetUsd: 30, ...withStore() });
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          create(app, { input: `streamed race ${i}, a long enough prompt`, stream: true })
            .buffer(true)
            .parse((r, cb) => {
              let t = '';
              r.on('data', (b: Buffer) => (t += b.toString()));
              r.on('end', () => cb(null, t));
            }),
        ),
      );
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(6);
      for (const r of ok) {
        const comment = (r.body as string).split('\n\n').find((b) => b.startsWith(': agentwall '))!;
        expect(JSON.parse(comment.slice(': agentwall '.length))).toMatchObject({ cost_usd: 5 });
        expect(r.body as string).toMatch(/event: response\.incomplete\n[^\n]+\n\n$/);
      }
      expect(results.filter((r) => r.status === 429).every((r) => JSON.parse(r.body as string).error.scope === 'key_daily')).toBe(true);
      const usage = await request(app.server).get('/agentwall/usage').set('Authorization', `Bearer ${KEY_A}`);
      expect(usage.body.daily).toMatchObject({ spent_usd: 30, reserved_usd: 0, limit_usd: 30 });
    });

    it('never overspends the run of a chain that 50 concurrent continuations join', async () => {
      const app = await make({ prices: DOLLAR_PER_TOKEN, maxRunCostUsd: 30, ...withStore() });
      const runId = `chain-${Date.now()}`;
      const parent = await create(app, { input: 'the start of a chain', agentwall_run_id: runId });
      expect(parent.body.agentwall).toMatchObject({ run_id: runId, cost_usd: 5 });
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => create(app, { previous_response_id: parent.body.id, input: `branch ${i} of the chain` })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(5);
      for (const r of results.filter((x) => x.status === 200)) expect(r.body.agentwall.run_id).toBe(runId);
      expect((await summary(app, runId)).body).toMatchObject({ cost_usd: 30, reserved_usd: 0, steps: 6 });
    });
  });
}
