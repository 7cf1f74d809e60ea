// The store contract suite: every Store implementation must pass it (MemoryStore here, RedisStore in its package).
import type { LoopCheck, RunKey, Store, StepRecord } from '@agentwall/core';
import { DEFAULT_LOOP_PARAMS, RUN_LIMITS, chatLoopView, fingerprintView } from '@agentwall/core';

const TTL = 60_000;

function record(step: number, costMicros = 0, status: StepRecord['status'] = 'ok'): StepRecord {
  return { step, model: 'm', status, stream: false, costMicros, estimated: false, latencyMs: 1, at: 1 };
}

function loop(content: string, mode: LoopCheck['mode'] = 'block'): LoopCheck {
  return { mode, params: { ...DEFAULT_LOOP_PARAMS }, fingerprint: fingerprintView(chatLoopView({ model: 'm', messages: [{ role: 'user', content }] })) };
}

const budget = (micros: number, limits: { run?: number; day?: number; month?: number }, day = '2026-11-24', month = '2026-11') => ({
  micros,
  day,
  month,
  ...(limits.run !== undefined ? { runLimitMicros: limits.run } : {}),
  ...(limits.day !== undefined ? { dailyLimitMicros: limits.day } : {}),
  ...(limits.month !== undefined ? { monthlyLimitMicros: limits.month } : {}),
});

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

    it('keeps the newest RUN_LIMITS.stepRecords step records and RUN_LIMITS.blocked blocked attempts, and counts them all', async () => {
      const r = run();
      const steps = RUN_LIMITS.stepRecords + 3;
      for (let i = 1; i <= steps; i++) {
        await store.admit({ run: r, now: i, ttlMs: TTL, maxSteps: 0 });
        await store.settle({ run: r, now: i, ttlMs: TTL, record: record(i, 1) });
      }
      const blocked = RUN_LIMITS.blocked + 2;
      for (let i = 1; i <= blocked; i++) await store.recordBlocked(r, { at: i, type: 'dlp_blocked' }, i, TTL);
      const state = await store.getRun(r);
      expect(state?.steps).toBe(steps);
      expect(state?.costMicros).toBe(steps);
      expect(state?.stepRecords.map((s) => s.step)).toEqual(Array.from({ length: RUN_LIMITS.stepRecords }, (_, i) => i + 4));
      expect(state?.blockedCount).toBe(blocked);
      expect(state?.blocked.map((b) => b.at)).toEqual(Array.from({ length: RUN_LIMITS.blocked }, (_, i) => i + 3));
    });

    it('revokes keys', async () => {
      const k = run().keyId;
      expect(await store.isRevoked(k)).toBe(false);
      await store.revokeKey(k);
      expect(await store.isRevoked(k)).toBe(true);
    });

    it('checks revocation inside admit when asked: a revoked key is refused and nothing is recorded', async () => {
      if (store.checksRevocationInAdmit !== true) return;
      const r = run();
      expect(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, checkRevoked: true, budget: budget(100, { run: 1000 }) })).toEqual({ admitted: true, step: 1 });
      await store.revokeKey(r.keyId);
      const other = { keyId: r.keyId, runId: 'fresh' };
      const refused = await store.admit({ run: other, now: 2, ttlMs: TTL, maxSteps: 0, checkRevoked: true, budget: budget(100, { run: 1000, day: 5000 }), loop: loop('x') });
      expect(refused).toEqual({ admitted: false, block: 'key_revoked', steps: 0 });
      // No run made, no step counted, no money held, no blocked attempt recorded.
      expect(await store.getRun(other)).toBeUndefined();
      expect(await store.getRun(r)).toMatchObject({ steps: 1, reservedMicros: 100, blockedCount: 0 });
      expect((await store.getUsage(r.keyId, '2026-11-24', '2026-11')).daily.reservedMicros).toBe(100);
      // Not asked: admit leaves revocation to the caller.
      expect(await store.admit({ run: r, now: 3, ttlMs: TTL, maxSteps: 0 })).toEqual({ admitted: true, step: 2 });
    });

    it('reserves against every budget at once, all or nothing, and never fits more than the limit under concurrency', async () => {
      const r = run();
      const verdicts = await Promise.all(Array.from({ length: 50 }, () => store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, budget: budget(100, { run: 1000, day: 5000 }) })));
      expect(verdicts.filter((v) => v.admitted)).toHaveLength(10);
      const refused = verdicts.find((v) => !v.admitted);
      expect(refused).toEqual({ admitted: false, block: 'budget_exceeded', steps: 10, scope: 'run', limitMicros: 1000, spentMicros: 0, reservedMicros: 1000 });
      expect(await store.getRun(r)).toMatchObject({ reservedMicros: 1000, costMicros: 0, blockedCount: 40 });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 0, reservedMicros: 1000 }, monthly: { spentMicros: 0, reservedMicros: 1000 } });
      // A refusal by the daily budget holds nothing on the run budget either.
      const other = { keyId: r.keyId, runId: 'other-run' };
      const day = await store.admit({ run: other, now: 1, ttlMs: TTL, maxSteps: 0, budget: budget(4500, { run: 10_000, day: 5000 }) });
      expect(day).toMatchObject({ admitted: false, scope: 'key_daily', limitMicros: 5000, reservedMicros: 1000 });
      expect((await store.getRun(other))?.reservedMicros).toBe(0);
    });

    it('settles: releases the reservation and adds the real cost to the run, the day and the month', async () => {
      const r = run();
      await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, budget: budget(100, { run: 1000 }) });
      await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, budget: budget(100, { run: 1000 }) });
      await store.settle({ run: r, now: 2, ttlMs: TTL, record: record(1, 40), reservation: { micros: 100, day: '2026-11-24', month: '2026-11' } });
      await store.settle({ run: r, now: 2, ttlMs: TTL, record: record(2, 0, 'error'), reservation: { micros: 100, day: '2026-11-24', month: '2026-11' } });
      expect(await store.getRun(r)).toMatchObject({ costMicros: 40, reservedMicros: 0 });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 40, reservedMicros: 0 }, monthly: { spentMicros: 40, reservedMicros: 0 } });
      expect(await store.getUsage(r.keyId, '2026-11-25', '2026-11')).toEqual({ daily: { spentMicros: 0, reservedMicros: 0 }, monthly: { spentMicros: 40, reservedMicros: 0 } });
    });

    it('applies a retried settle only when the run holds no record of that step (a lost answer is not counted twice)', async () => {
      const r = run();
      const reservation = { micros: 100, day: '2026-11-24', month: '2026-11' };
      const admitted = () => store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, budget: budget(100, { run: 1000 }) });
      await admitted();
      await admitted();
      // Step 1's first settle was applied, its answer lost: the retry changes nothing.
      await store.settle({ run: r, now: 2, ttlMs: TTL, record: record(1, 40), reservation });
      expect(await store.settle({ run: r, now: 3, ttlMs: TTL, record: record(1, 40), reservation, retry: true })).toEqual({ runCostMicros: 40, steps: 2 });
      // Step 2's first settle never arrived: the retry is applied.
      expect(await store.settle({ run: r, now: 3, ttlMs: TTL, record: record(2, 25), reservation, retry: true })).toEqual({ runCostMicros: 65, steps: 2 });
      expect(await store.getRun(r)).toMatchObject({ costMicros: 65, reservedMicros: 0, stepRecords: [{ step: 1 }, { step: 2 }] });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({
        daily: { spentMicros: 65, reservedMicros: 0 },
        monthly: { spentMicros: 65, reservedMicros: 0 },
      });
    });

    it('detects loops inside admit: an exact repeat is refused with its finding and recorded', async () => {
      const r = run();
      expect(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, loop: loop('hello') })).toEqual({ admitted: true, step: 1 });
      const v = await store.admit({ run: r, now: 2, ttlMs: TTL, maxSteps: 0, loop: loop('hello') });
      expect(v).toMatchObject({ admitted: false, block: 'loop_detected', steps: 1, step: 2, killed: false, finding: { loopType: 'exact_repeat', matchedStep: 1, confidence: 1 } });
      expect(await store.getRun(r)).toMatchObject({ steps: 1, blockedCount: 1, blocked: [{ type: 'loop_detected', loopType: 'exact_repeat' }] });
    });

    it('of 20 identical concurrent admits, exactly one passes the loop check', async () => {
      const r = run();
      const verdicts = await Promise.all(Array.from({ length: 20 }, () => store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, loop: loop('same') })));
      expect(verdicts.filter((v) => v.admitted)).toHaveLength(1);
    });

    it('warn mode admits and reports; kill mode refuses and kills the run', async () => {
      const r = run();
      await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, loop: loop('again', 'warn') });
      expect(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, loop: loop('again', 'warn') })).toMatchObject({ admitted: true, step: 2, loop: { loopType: 'exact_repeat' } });
      const k = run();
      await store.admit({ run: k, now: 1, ttlMs: TTL, maxSteps: 0, loop: loop('again', 'kill') });
      expect(await store.admit({ run: k, now: 1, ttlMs: TTL, maxSteps: 0, loop: loop('again', 'kill') })).toMatchObject({ admitted: false, block: 'loop_detected', killed: true });
      expect(await store.getRun(k)).toMatchObject({ status: 'killed', killReason: 'loop detected (exact_repeat)' });
    });

    it('drops a failed step from the loop window, so a retry passes', async () => {
      const r = run();
      await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, loop: loop('flaky') });
      await store.settle({ run: r, now: 2, ttlMs: TTL, record: record(1, 0, 'error') });
      expect(await store.admit({ run: r, now: 3, ttlMs: TTL, maxSteps: 0, loop: loop('flaky') })).toEqual({ admitted: true, step: 2 });
      await store.settle({ run: r, now: 4, ttlMs: TTL, record: record(2, 0, 'ok') });
      expect(await store.admit({ run: r, now: 5, ttlMs: TTL, maxSteps: 0, loop: loop('flaky') })).toMatchObject({ admitted: false, block: 'loop_detected' });
    });

    it('refuses a run past its duration', async () => {
      const r = run();
      await store.admit({ run: r, now: 1000, ttlMs: TTL, maxSteps: 0, maxDurationMs: 500 });
      expect(await store.admit({ run: r, now: 1400, ttlMs: TTL, maxSteps: 0, maxDurationMs: 500 })).toEqual({ admitted: true, step: 2 });
      expect(await store.admit({ run: r, now: 1600, ttlMs: TTL, maxSteps: 0, maxDurationMs: 500 })).toEqual({ admitted: false, block: 'run_duration_exceeded', steps: 2, limitMs: 500, startedAt: 1000 });
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
