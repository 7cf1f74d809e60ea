// The store contract suite: every Store implementation must pass it (MemoryStore here, RedisStore in its package).
import type { RunKey, Store, StepRecord } from '@agentwall/core';

const TTL = 60_000;

function record(step: number, costMicros = 0): StepRecord {
  return { step, model: 'm', status: 'ok', stream: false, costMicros, estimated: false, latencyMs: 1, at: 1 };
}

/** Runs the contract against stores made by `make`; `unique` gives a fresh namespace per test. */
export function storeContract(name: string, make: () => Promise<Store>, teardown: (s: Store) => Promise<void> = (s) => s.close()): void {
  describe(`${name}: Store contract`, () => {
    let store: Store;
    let n = 0;
    const run = (id = 'r'): RunKey => ({ keyId: `k${process.pid}-${Date.now()}-${++n}`, runId: id });

    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => teardown(store));

    it('admits steps with an atomic counter: concurrent admits never share a number', async () => {
      const r = run();
      const verdicts = await Promise.all(Array.from({ length: 50 }, () => store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0 })));
      const steps = verdicts.map((v) => (v.admitted ? v.step : -1)).sort((a, b) => a - b);
      expect(steps).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect((await store.getRun(r))?.steps).toBe(50);
    });

    it('refuses at the step limit, exactly, under concurrency, recording the blocked attempts', async () => {
      const r = run();
      const verdicts = await Promise.all(Array.from({ length: 20 }, () => store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 5 })));
      expect(verdicts.filter((v) => v.admitted)).toHaveLength(5);
      const refused = verdicts.find((v) => !v.admitted);
      expect(refused).toEqual({ admitted: false, block: 'step_limit_exceeded', steps: 5, limit: 5 });
      const state = await store.getRun(r);
      expect(state).toMatchObject({ steps: 5, blockedCount: 15 });
      expect(state!.blocked[0]!.type).toBe('step_limit_exceeded');
    });

    it('keeps agent id, metadata and DLP counts on the run', async () => {
      const r = run();
      await store.admit({ run: r, now: 1000, ttlMs: TTL, maxSteps: 0, agentId: 'planner', metadata: { a: 1 }, dlp: { email: 2 } });
      await store.admit({ run: r, now: 2000, ttlMs: TTL, maxSteps: 0, dlp: { email: 1, jwt: 1 } });
      expect(await store.getRun(r)).toMatchObject({ agentId: 'planner', metadata: { a: 1 }, dlp: { email: 3, jwt: 1 }, createdAt: 1000, updatedAt: 2000, status: 'active' });
    });

    it('settles steps: records them and sums the cost', async () => {
      const r = run();
      await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0 });
      await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0 });
      expect(await store.settle({ run: r, now: 2, ttlMs: TTL, record: record(1, 150) })).toEqual({ runCostMicros: 150, steps: 2 });
      expect(await store.settle({ run: r, now: 3, ttlMs: TTL, record: record(2, 50) })).toEqual({ runCostMicros: 200, steps: 2 });
      const state = await store.getRun(r);
      expect(state?.costMicros).toBe(200);
      expect(state?.stepRecords.map((s) => s.step)).toEqual([1, 2]);
    });

    it('kills known runs only; a killed run refuses admits with its reason', async () => {
      const r = run();
      expect(await store.killRun(r, 'nope', 1, TTL)).toBe(false);
      expect(await store.getRun(r)).toBeUndefined();
      await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0 });
      expect(await store.killRun(r, 'runaway', 2, TTL)).toBe(true);
      expect(await store.admit({ run: r, now: 3, ttlMs: TTL, maxSteps: 0 })).toEqual({ admitted: false, block: 'run_killed', steps: 1, reason: 'runaway' });
      expect(await store.getRun(r)).toMatchObject({ status: 'killed', killReason: 'runaway', blockedCount: 1 });
    });

    it('namespaces runs by key', async () => {
      const a = run('same');
      const b = { keyId: `${a.keyId}-other`, runId: 'same' };
      await store.admit({ run: a, now: 1, ttlMs: TTL, maxSteps: 0 });
      await store.admit({ run: a, now: 1, ttlMs: TTL, maxSteps: 0 });
      expect(await store.admit({ run: b, now: 1, ttlMs: TTL, maxSteps: 0 })).toEqual({ admitted: true, step: 1 });
    });

    it('records blocked attempts with their loop type', async () => {
      const r = run();
      await store.recordBlocked(r, { at: 5, type: 'loop_detected', loopType: 'exact_repeat' }, 5, TTL);
      expect(await store.getRun(r)).toMatchObject({ blockedCount: 1, blocked: [{ at: 5, type: 'loop_detected', loopType: 'exact_repeat' }] });
    });

    it('revokes keys', async () => {
      const k = run().keyId;
      expect(await store.isRevoked(k)).toBe(false);
      await store.revokeKey(k);
      expect(await store.isRevoked(k)).toBe(true);
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
