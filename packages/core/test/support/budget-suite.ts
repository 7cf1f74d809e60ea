// Cost metering and budgets through real HTTP (SPEC section 7), run by every adapter.
import http from 'node:http';
import request from 'supertest';
import type { MockLlm } from '@agentwall/mock-llm';
import { ADMIN, KEY_A, KEY_B, appPool, chat, firstStepOnce, parseSse, startMock, type AppFactory, type RunningApp } from './harness.js';

/** $1 per output token and free input: reservations and costs become whole dollars, easy to reason about. */
const DOLLAR_PER_TOKEN = { 'gpt-4o-mini': { inputPerMTok: 0, outputPerMTok: 1_000_000 } };

export function budgetSuite(factory: AppFactory): void {
  describe(`${factory.name}: cost and budgets`, () => {
    let mock: MockLlm;
    const { make, closeAll } = appPool(factory, () => mock);
    const run = (app: RunningApp, id: string) => request(app.server).get(`/agentwall/runs/${id}`).set('Authorization', `Bearer ${KEY_A}`);

    beforeAll(async () => {
      mock = await startMock();
    });
    afterEach(() => mock.reset());
    afterAll(async () => {
      await closeAll();
      await mock.close();
    });

    it('prices answers from the real usage with the package prices, in the metadata, headers and run', async () => {
      const app = await make();
      const res = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('What is AI?', { agentwall_run_id: 'priced' }));
      const { prompt_tokens: p, completion_tokens: c } = res.body.usage;
      // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens; integer micro-dollars, rounded up.
      const expected = Math.ceil(p * 0.15 + c * 0.6) / 1e6;
      expect(res.body.agentwall).toMatchObject({ cost_usd: expected, run_cost_usd: expected });
      expect(res.headers['x-agentwall-cost-usd']).toBe(expected.toFixed(6));
      expect(res.headers['x-agentwall-run-cost-usd']).toBe(expected.toFixed(6));
      const again = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('And ML?', { agentwall_run_id: 'priced' }));
      expect(again.body.agentwall.run_cost_usd).toBeCloseTo(expected + again.body.agentwall.cost_usd, 9);
      const summary = await run(app, 'priced');
      expect(summary.body.cost_usd).toBeCloseTo(again.body.agentwall.run_cost_usd, 9);
      expect(summary.body.reserved_usd).toBe(0);
      expect(summary.body.step_details[0]).toMatchObject({ prompt_tokens: p, completion_tokens: c, cost_usd: expected, estimated: false });
    });

    it('prices streams from the usage chunk, reported in the closing comment', async () => {
      const app = await make({ prices: DOLLAR_PER_TOKEN });
      const res = await request(app.server)
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${KEY_A}`)
        .send(chat('stream me a reply please', { stream: true, max_tokens: 3, agentwall_run_id: 'streamed-cost' }))
        .buffer(true)
        .parse((r, cb) => {
          let t = '';
          r.on('data', (b: Buffer) => (t += b.toString()));
          r.on('end', () => cb(null, t));
        });
      const meta = JSON.parse(parseSse(res.body as string).comments[0]!.replace(/^: agentwall /, ''));
      expect(meta).toMatchObject({ cost_usd: 3, run_cost_usd: 3 });
      expect(meta.estimated).toBeUndefined();
    });

    it('never overspends a run budget under 100 concurrent requests; every request is charged or refused, never both', async () => {
      const app = await make({ prices: DOLLAR_PER_TOKEN, maxRunCostUsd: 50 });
      // Each request reserves $5 (max_tokens 5 at $1) and costs $5: the budget fits exactly 10.
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat(`budget test number ${i}`, { max_tokens: 5, agentwall_run_id: 'burst' })),
        ),
      );
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status !== 200);
      expect(ok).toHaveLength(10);
      for (const r of refused) {
        expect(r.status).toBe(429);
        expect(r.headers['x-should-retry']).toBe('false');
        expect(r.body.error).toMatchObject({ type: 'budget_exceeded', scope: 'run', limit_usd: 50 });
        expect(r.body.error.spent_usd + r.body.error.reserved_usd).toBeLessThanOrEqual(50);
      }
      expect(ok.every((r) => r.body.agentwall.cost_usd === 5)).toBe(true);
      expect(mock.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(10);
      const summary = await run(app, 'burst');
      expect(summary.body).toMatchObject({ cost_usd: 50, reserved_usd: 0, steps: 10, blocked_attempts: 90 });
      expect(summary.body.blocked[0].type).toBe('budget_exceeded');
    });

    it('charges a stream cut off by the client for what was sent, estimated', async () => {
      const app = await make({ prices: DOLLAR_PER_TOKEN, maxRunCostUsd: null });
      mock.fail({ kind: 'stall', afterChunks: 3 });
      await new Promise<void>((resolve, reject) => {
        const req = http.request(`${app.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' } });
        let seen = 0;
        req.on('response', (res) =>
          res.on('data', () => {
            if (++seen === 1) {
              req.destroy();
              resolve();
            }
          }),
        );
        req.on('error', (e) => (e.message.includes('socket hang up') ? resolve() : reject(e)));
        req.end(JSON.stringify(chat('one two three four five six seven', { stream: true, agentwall_run_id: 'client-cut' })));
      });
      const detail = await firstStepOnce(app.server, 'client-cut', 'aborted');
      expect(detail).toMatchObject({ status: 'aborted', estimated: true });
      expect(detail!['cost_usd']).toBeGreaterThan(0);
      expect((await run(app, 'client-cut')).body.reserved_usd).toBe(0);
    });

    it('charges a stream cut off by the upstream for what was sent, estimated', async () => {
      const app = await make({ prices: DOLLAR_PER_TOKEN, maxRunCostUsd: null });
      mock.fail({ kind: 'drop', afterChunks: 4 });
      // The client sees the stream end abruptly; wait for that, however it shows.
      await new Promise<void>((resolve) => {
        const req = http.request(`${app.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' } });
        req.on('response', (res) => {
          res.resume();
          res.on('close', resolve);
        });
        req.on('error', () => resolve());
        req.end(JSON.stringify(chat('one two three four five six seven eight', { stream: true, agentwall_run_id: 'upstream-cut' })));
      });
      const detail = await firstStepOnce(app.server, 'upstream-cut', 'error');
      expect(detail).toMatchObject({ status: 'error', estimated: true });
      // Three content chunks of one word each were relayed before the drop (role chunk first): $1 per estimated token.
      expect(detail!['cost_usd']).toBeGreaterThanOrEqual(3);
    });

    it('charges nothing and leaves no reservation for an upstream 500 or timeout', async () => {
      const app = await make({ prices: DOLLAR_PER_TOKEN, timeouts: { firstByteMs: 200 }, dailyBudgetUsd: 100 });
      mock.fail({ kind: 'status', status: 500 });
      const r500 = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi', { agentwall_run_id: 'failing', max_tokens: 5 }));
      expect(r500.status).toBe(500);
      mock.fail({ kind: 'hang' });
      const r504 = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('hi', { agentwall_run_id: 'failing', max_tokens: 5 }));
      expect(r504.status).toBe(504);
      const summary = await run(app, 'failing');
      expect(summary.body).toMatchObject({ cost_usd: 0, reserved_usd: 0, steps: 2 });
      expect(summary.body.step_details.map((d: { status: string }) => d.status)).toEqual(['error', 'error']);
      const usage = await request(app.server).get('/agentwall/usage').set('Authorization', `Bearer ${KEY_A}`);
      expect(usage.body.daily).toEqual({ spent_usd: 0, reserved_usd: 0, limit_usd: 100 });
    });

    it('rolls the daily budget over at UTC midnight, and reports usage per key', async () => {
      let now = Date.parse('2026-03-31T23:59:00.000Z');
      const app = await make({ prices: DOLLAR_PER_TOKEN, dailyBudgetUsd: 6, monthlyBudgetUsd: 100, now: () => now });
      const send = (id: string) => request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send(chat('daily budget check', { max_tokens: 5, agentwall_run_id: id }));
      expect((await send('d1')).status).toBe(200);
      const refused = await send('d2');
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ type: 'budget_exceeded', scope: 'key_daily', limit_usd: 6, spent_usd: 5 });
      const before = await request(app.server).get('/agentwall/usage').set('Authorization', `Bearer ${KEY_A}`);
      expect(before.body).toMatchObject({ key_id: 'alpha', day: '2026-03-31', month: '2026-03', daily: { spent_usd: 5, limit_usd: 6 }, monthly: { spent_usd: 5, limit_usd: 100 } });
      now = Date.parse('2026-04-01T00:00:01.000Z');
      expect((await send('d3')).status).toBe(200);
      const after = await request(app.server).get('/agentwall/usage').query({ key: 'alpha' }).set('Authorization', `Bearer ${ADMIN}`);
      expect(after.body).toMatchObject({ day: '2026-04-01', month: '2026-04', daily: { spent_usd: 5 }, monthly: { spent_usd: 5 } });
    });

    it('applies per-key budget overrides and the step limit per key', async () => {
      const app = await make({
        prices: DOLLAR_PER_TOKEN,
        keys: [
          { key: KEY_A, name: 'alpha', budgets: { runUsd: 5 } },
          { key: KEY_B, name: 'bravo', maxSteps: 1 },
        ],
      });
      const send = (key: string, n: number) =>
        request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${key}`).send(chat(`per key request number ${n}`, { max_tokens: 5, agentwall_run_id: 'per-key' }));
      expect((await send(KEY_A, 1)).status).toBe(200);
      const second = await send(KEY_A, 2);
      expect(second.body.error).toMatchObject({ type: 'budget_exceeded', scope: 'run', limit_usd: 5 });
      expect((await send(KEY_B, 1)).status).toBe(200);
      expect((await send(KEY_B, 2)).body.error).toMatchObject({ type: 'step_limit_exceeded', limit: 1 });
    });

    it('meters an unknown model at 0 with one warning, or refuses it when asked', async () => {
      const warnings: string[] = [];
      const app = await make({ logger: { info() {}, error() {}, warn: (m: string) => warnings.push(m) } });
      for (let i = 0; i < 2; i++) {
        const res = await request(app.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ ...chat(`hi ${i}`), model: 'my-private-llm' });
        expect(res.status).toBe(200);
        expect(res.body.agentwall.cost_usd).toBe(0);
      }
      expect(warnings.filter((w) => w.includes('my-private-llm'))).toHaveLength(1);
      const strict = await make({ unknownModel: 'reject' });
      const refused = await request(strict.server).post('/v1/chat/completions').set('Authorization', `Bearer ${KEY_A}`).send({ ...chat('hi'), model: 'my-private-llm' });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ type: 'unknown_model', model: 'my-private-llm' });
    });
  });
}
