// Admits from two stores on two connections, interleaved: still atomic (step numbers, budgets, loop checks).
import { DEFAULT_LOOP_PARAMS, chatLoopView, fingerprintView, type AdmitRequest, type LoopCheck } from '@agentwall/core';
import { RedisStore } from '@agentwall/redis';
import { REDIS_URL, deletePrefix, describeWithRedis, quiet, uniquePrefix } from './redis-available.js';

const prefix = uniquePrefix('concurrency');
const TTL = 60_000;

describeWithRedis('RedisStore: two stores, one Redis', () => {
  let a: RedisStore;
  let b: RedisStore;
  let n = 0;
  const run = () => ({ keyId: `key-${++n}`, runId: 'shared' });
  // Alternate the two stores, as a load balancer would.
  const spread = (count: number, make: (i: number) => AdmitRequest) => Promise.all(Array.from({ length: count }, (_, i) => (i % 2 ? a : b).admit(make(i))));

  beforeAll(() => {
    a = new RedisStore({ url: REDIS_URL, prefix, logger: quiet });
    b = new RedisStore({ url: REDIS_URL, prefix, logger: quiet });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await deletePrefix(prefix);
  });

  it('never hands out a step number twice', async () => {
    const r = run();
    const verdicts = await spread(200, () => ({ run: r, now: 1, ttlMs: TTL, maxSteps: 0 }));
    expect(verdicts.map((v) => (v.admitted ? v.step : 0)).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('fits exactly what the run, day and month budgets allow, whichever is tightest', async () => {
    const r = run();
    const budget = { micros: 7, day: '2026-11-24', month: '2026-11', runLimitMicros: 1000, dailyLimitMicros: 500, monthlyLimitMicros: 300 };
    const verdicts = await spread(100, () => ({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, budget }));
    // 300 / 7 = 42 reservations fit the monthly limit, the tightest.
    expect(verdicts.filter((v) => v.admitted)).toHaveLength(42);
    expect(verdicts.filter((v) => !v.admitted).every((v) => !v.admitted && v.block === 'budget_exceeded' && v.scope === 'key_monthly')).toBe(true);
    expect(await a.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 0, reservedMicros: 294 }, monthly: { spentMicros: 0, reservedMicros: 294 } });
  });

  it('lets one of many identical simultaneous requests through, on either store', async () => {
    const r = run();
    const loop: LoopCheck = { mode: 'block', params: { ...DEFAULT_LOOP_PARAMS }, fingerprint: fingerprintView(chatLoopView({ model: 'm', messages: [{ role: 'user', content: 'same' }] })) };
    const verdicts = await spread(40, () => ({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, loop }));
    expect(verdicts.filter((v) => v.admitted)).toHaveLength(1);
    expect((await b.getRun(r))?.blockedCount).toBe(39);
  });

  it('keeps the spend exact when settles race admits', async () => {
    const r = run();
    const reservation = { micros: 10, day: '2026-11-24', month: '2026-11' };
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const store = i % 2 ? a : b;
        const v = await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, budget: { ...reservation, runLimitMicros: 400 } });
        if (v.admitted) {
          await (i % 3 ? a : b).settle({ run: r, now: 2, ttlMs: TTL, record: { step: v.step, model: 'm', status: 'ok', stream: false, costMicros: 4, estimated: false, latencyMs: 1, at: 2 }, reservation });
        }
      }),
    );
    const state = await a.getRun(r);
    // Settles free room as they go, so more than 40 can fit; whatever fit was settled at 4 each.
    expect(state!.reservedMicros).toBe(0);
    expect(state!.costMicros).toBe(state!.steps * 4);
    expect(state!.costMicros).toBeLessThanOrEqual(400);
    expect(await b.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: state!.costMicros, reservedMicros: 0 }, monthly: { spentMicros: state!.costMicros, reservedMicros: 0 } });
  });
});
