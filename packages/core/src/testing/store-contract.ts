// The store contract suite: every Store implementation must pass it (MemoryStore, RedisStore, a store of your own).
import { fingerprintView } from '../loop/fingerprint.js';
import { chatLoopView } from '../protocols/openai-chat/loop-view.js';
import type { AdmitRequest, AdmitVerdict, LoopCheck, ResponseRecord, RunKey, StepRecord, Store } from '../store/store.js';
import { DEFAULT_LOOP_PARAMS } from '../loop/index.js';
import { RUN_LIMITS, SWEEP_LIMIT } from '../store/store.js';

/**
 * The test functions the suite runs with: jest's (or vitest's, with globals) by default. Matchers used: toBe,
 * toEqual, toStrictEqual, toMatchObject, toHaveLength, toBeUndefined, not.toHaveProperty, resolves, expect.any.
 */
export interface TestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void> | void): void;
  beforeEach(fn: () => Promise<void> | void): void;
  afterEach(fn: () => Promise<void> | void): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the runner's own matcher types are not ours to restate
  expect: any;
}

const fingerprintChat = (body: { model: string; messages: Array<Record<string, unknown>> }) => fingerprintView(chatLoopView(body));

/** The runner's globals, resolved when the suite is declared (so importing this module needs no runner). */
let t: TestApi;

const TTL = 60_000;

/** The verdict of an admit that passed, whatever token the store made. */
const passed = (step: number) => ({ admitted: true, step, admitId: t.expect.any(String) });

/** The token of an admit that must have passed. */
function tokenOf(v: AdmitVerdict): string {
  if (!v.admitted) throw new Error(`expected an admitted step, got ${JSON.stringify(v)}`);
  return v.admitId;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function record(step: number, costMicros = 0, status: StepRecord['status'] = 'ok'): StepRecord {
  return { step, model: 'm', status, stream: false, costMicros, estimated: false, latencyMs: 1, at: 1 };
}

function loop(content: string, mode: LoopCheck['mode'] = 'block'): LoopCheck {
  return { mode, params: { ...DEFAULT_LOOP_PARAMS }, fingerprint: fingerprintChat({ model: 'm', messages: [{ role: 'user', content }] }) };
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
/**
 * Declares the contract's tests against stores made by `make` (a fresh one per test; `teardown` closes it).
 * Runs with jest's globals unless `api` gives other test functions.
 *
 * @example
 * import { storeContract } from '@agentwall/core/testing';
 * storeContract('MyStore', async () => new MyStore(...));
 */
export function storeContract(name: string, make: () => Promise<Store>, teardown: (s: Store) => Promise<void> = (s) => s.close(), api?: TestApi): void {
  t = api ?? (globalThis as unknown as TestApi);
  const { describe, it, beforeEach, afterEach, expect } = t;
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
      const one = tokenOf(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0 }));
      const two = tokenOf(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0 }));
      expect(await store.settle({ run: r, admitId: one, now: 2, ttlMs: TTL, record: record(1, 150) })).toEqual({ runCostMicros: 150, steps: 2 });
      expect(await store.settle({ run: r, admitId: two, now: 3, ttlMs: TTL, record: record(2, 50) })).toEqual({ runCostMicros: 200, steps: 2 });
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
      expect(await store.admit({ run: b, now: 1, ttlMs: TTL, maxSteps: 0 })).toEqual(passed(1));
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
        const admitId = tokenOf(await store.admit({ run: r, now: i, ttlMs: TTL, maxSteps: 0 }));
        await store.settle({ run: r, admitId, now: i, ttlMs: TTL, record: record(i, 1) });
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
      expect(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, checkRevoked: true, budget: budget(100, { run: 1000 }) })).toEqual(passed(1));
      await store.revokeKey(r.keyId);
      const other = { keyId: r.keyId, runId: 'fresh' };
      const refused = await store.admit({ run: other, now: 2, ttlMs: TTL, maxSteps: 0, checkRevoked: true, budget: budget(100, { run: 1000, day: 5000 }), loop: loop('x') });
      expect(refused).toEqual({ admitted: false, block: 'key_revoked', steps: 0 });
      // No run made, no step counted, no money held, no blocked attempt recorded.
      expect(await store.getRun(other)).toBeUndefined();
      expect(await store.getRun(r)).toMatchObject({ steps: 1, reservedMicros: 100, blockedCount: 0 });
      expect((await store.getUsage(r.keyId, '2026-11-24', '2026-11')).daily.reservedMicros).toBe(100);
      // Not asked: admit leaves revocation to the caller.
      expect(await store.admit({ run: r, now: 3, ttlMs: TTL, maxSteps: 0 })).toEqual(passed(2));
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
      const one = tokenOf(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, budget: budget(100, { run: 1000 }) }));
      const two = tokenOf(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, budget: budget(100, { run: 1000 }) }));
      await store.settle({ run: r, admitId: one, now: 2, ttlMs: TTL, record: record(1, 40), reservation: { micros: 100, day: '2026-11-24', month: '2026-11' } });
      await store.settle({ run: r, admitId: two, now: 2, ttlMs: TTL, record: record(2, 0, 'error'), reservation: { micros: 100, day: '2026-11-24', month: '2026-11' } });
      expect(await store.getRun(r)).toMatchObject({ costMicros: 40, reservedMicros: 0 });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 40, reservedMicros: 0 }, monthly: { spentMicros: 40, reservedMicros: 0 } });
      expect(await store.getUsage(r.keyId, '2026-11-25', '2026-11')).toEqual({ daily: { spentMicros: 0, reservedMicros: 0 }, monthly: { spentMicros: 40, reservedMicros: 0 } });
    });

    it('applies a retried settle only when the run holds no record of that step (a lost answer is not counted twice)', async () => {
      const r = run();
      const reservation = { micros: 100, day: '2026-11-24', month: '2026-11' };
      const admitted = async () => tokenOf(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, budget: budget(100, { run: 1000 }) }));
      const one = await admitted();
      const two = await admitted();
      // Step 1's first settle was applied, its answer lost: the retry changes nothing, and is not stale.
      await store.settle({ run: r, admitId: one, now: 2, ttlMs: TTL, record: record(1, 40), reservation });
      expect(await store.settle({ run: r, admitId: one, now: 3, ttlMs: TTL, record: record(1, 40), reservation, retry: true })).toStrictEqual({ runCostMicros: 40, steps: 2 });
      // Step 2's first settle never arrived: the retry is applied.
      expect(await store.settle({ run: r, admitId: two, now: 3, ttlMs: TTL, record: record(2, 25), reservation, retry: true })).toStrictEqual({ runCostMicros: 65, steps: 2 });
      expect(await store.getRun(r)).toMatchObject({ costMicros: 65, reservedMicros: 0, stepRecords: [{ step: 1 }, { step: 2 }] });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({
        daily: { spentMicros: 65, reservedMicros: 0 },
        monthly: { spentMicros: 65, reservedMicros: 0 },
      });
    });

    it('detects loops inside admit: an exact repeat is refused with its finding and recorded', async () => {
      const r = run();
      expect(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, loop: loop('hello') })).toEqual(passed(1));
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
      const one = tokenOf(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, loop: loop('flaky') }));
      await store.settle({ run: r, admitId: one, now: 2, ttlMs: TTL, record: record(1, 0, 'error') });
      const two = await store.admit({ run: r, now: 3, ttlMs: TTL, maxSteps: 0, loop: loop('flaky') });
      expect(two).toEqual(passed(2));
      await store.settle({ run: r, admitId: tokenOf(two), now: 4, ttlMs: TTL, record: record(2, 0, 'ok') });
      expect(await store.admit({ run: r, now: 5, ttlMs: TTL, maxSteps: 0, loop: loop('flaky') })).toMatchObject({ admitted: false, block: 'loop_detected' });
    });

    it('refuses a run past its duration', async () => {
      const r = run();
      await store.admit({ run: r, now: 1000, ttlMs: TTL, maxSteps: 0, maxDurationMs: 500 });
      expect(await store.admit({ run: r, now: 1400, ttlMs: TTL, maxSteps: 0, maxDurationMs: 500 })).toEqual(passed(2));
      expect(await store.admit({ run: r, now: 1600, ttlMs: TTL, maxSteps: 0, maxDurationMs: 500 })).toEqual({ admitted: false, block: 'run_duration_exceeded', steps: 2, limitMs: 500, startedAt: 1000 });
    });

    // Admit tokens (SPEC section 9: a settle applies only to the admit it belongs to).

    it('hands each admit a token: the id it was given, or one of its own, never the same twice', async () => {
      const r = run();
      expect(await store.admit({ run: r, admitId: 'given-1', now: 1, ttlMs: TTL, maxSteps: 0 })).toEqual({ admitted: true, step: 1, admitId: 'given-1' });
      const made = await Promise.all(Array.from({ length: 20 }, () => store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0 })));
      const ids = made.map(tokenOf);
      expect(new Set([...ids, 'given-1']).size).toBe(21);
      // A refusal carries none.
      expect(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 5 })).not.toHaveProperty('admitId');
    });

    it('drops a settle whose admit it does not hold (lost with the store, or of an earlier run of that id): nothing recorded, charged or released', async () => {
      const r = run();
      const reservation = { micros: 100, day: '2026-11-24', month: '2026-11' };
      const stale = { run: r, admitId: 'before-the-restart', now: 2, ttlMs: TTL, record: record(1, 40), reservation };
      // No such run: it is not made.
      expect(await store.settle(stale)).toStrictEqual({ runCostMicros: 0, steps: 0, stale: true });
      expect(await store.getRun(r)).toBeUndefined();
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 0, reservedMicros: 0 }, monthly: { spentMicros: 0, reservedMicros: 0 } });
      // A new run of the same id, with a step 1 of its own in flight: the old step 1 changes nothing, a retry of it neither.
      const fresh = tokenOf(await store.admit({ run: r, now: 3, ttlMs: TTL, maxSteps: 0, budget: budget(100, { run: 1000 }) }));
      expect(await store.settle(stale)).toStrictEqual({ runCostMicros: 0, steps: 1, stale: true });
      expect(await store.settle({ ...stale, retry: true })).toStrictEqual({ runCostMicros: 0, steps: 1, stale: true });
      expect(await store.getRun(r)).toMatchObject({ steps: 1, costMicros: 0, reservedMicros: 100, stepRecords: [] });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 0, reservedMicros: 100 }, monthly: { spentMicros: 0, reservedMicros: 100 } });
      // Its own settle still lands, once.
      expect(await store.settle({ ...stale, admitId: fresh, record: record(1, 25) })).toStrictEqual({ runCostMicros: 25, steps: 1 });
      expect(await store.settle({ ...stale, admitId: fresh, record: record(1, 25) })).toStrictEqual({ runCostMicros: 25, steps: 1, stale: true });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 25, reservedMicros: 0 }, monthly: { spentMicros: 25, reservedMicros: 0 } });
    });

    it('cancels an admit whose answer was lost: its reservation, window entry, DLP counts and step number undone, once', async () => {
      const r = run();
      const request = (content: string, dlp: Record<string, number>): AdmitRequest => ({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, dlp, loop: loop(content), budget: budget(100, { run: 1000 }) });
      const first = tokenOf(await store.admit(request('one', { email: 1 })));
      await store.settle({ run: r, admitId: first, now: 2, ttlMs: TTL, record: record(1, 10), reservation: { micros: 100, day: '2026-11-24', month: '2026-11' } });
      const lost = request('two', { email: 2 });
      const second = tokenOf(await store.admit(lost));
      expect(await store.cancelAdmit({ ...lost, admitId: second })).toBe(true);
      const state = await store.getRun(r);
      expect(state).toMatchObject({ steps: 1, costMicros: 10, reservedMicros: 0, dlp: { email: 1 } });
      expect(state!.loopWindow.map((e) => e.step)).toEqual([1]);
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 10, reservedMicros: 0 }, monthly: { spentMicros: 10, reservedMicros: 0 } });
      // Sent twice, or for an admit that never ran: nothing happens.
      expect(await store.cancelAdmit({ ...lost, admitId: second })).toBe(false);
      expect(await store.cancelAdmit({ ...lost, admitId: 'never-ran' })).toBe(false);
      // The client's retry of the same request is not a repeat of a step that never happened; it takes the number back.
      expect(await store.admit(request('two', { email: 2 }))).toEqual(passed(2));
      // A settle of the cancelled admit is stale.
      expect(await store.settle({ run: r, admitId: second, now: 3, ttlMs: TTL, record: record(2, 10) })).toMatchObject({ stale: true });
    });

    it('cancels an admit that a later step followed: its money and window entry go, the later step keeps its number', async () => {
      const r = run();
      const a: AdmitRequest = { run: r, now: 1, ttlMs: TTL, maxSteps: 0, loop: loop('first'), budget: budget(100, { run: 1000 }) };
      const one = tokenOf(await store.admit(a));
      await store.admit({ ...a, loop: loop('second') });
      expect(await store.cancelAdmit({ ...a, admitId: one })).toBe(true);
      const state = await store.getRun(r);
      expect(state).toMatchObject({ steps: 2, reservedMicros: 100 });
      expect(state!.loopWindow.map((e) => e.step)).toEqual([2]);
      expect((await store.getUsage(r.keyId, '2026-11-24', '2026-11')).daily.reservedMicros).toBe(100);
    });

    it('releases the reservation of an admit whose lease expired; a settle after that records its cost and releases nothing twice', async () => {
      const r = run();
      const reservation = { micros: 100, day: '2026-11-24', month: '2026-11' };
      const short = tokenOf(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, leaseMs: 150, budget: budget(100, { run: 250 }) }));
      const long = tokenOf(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, leaseMs: 60_000, budget: budget(100, { run: 250 }) }));
      // Both held: a third does not fit the run's budget.
      expect(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, budget: budget(100, { run: 250 }) })).toMatchObject({ admitted: false, block: 'budget_exceeded' });
      await sleep(200);
      // The first lease ran out: admit releases it before checking, so the third fits now.
      const third = tokenOf(await store.admit({ run: r, now: 2, ttlMs: TTL, maxSteps: 0, budget: budget(100, { run: 250 }) }));
      expect(await store.getRun(r)).toMatchObject({ reservedMicros: 200 });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 0, reservedMicros: 200 }, monthly: { spentMicros: 0, reservedMicros: 200 } });
      // The request of the first lease answers after all: its step and cost count, its reservation is not released again.
      expect(await store.settle({ run: r, admitId: short, now: 3, ttlMs: TTL, record: record(1, 30), reservation })).toStrictEqual({ runCostMicros: 30, steps: 3 });
      expect(await store.getRun(r)).toMatchObject({ costMicros: 30, reservedMicros: 200, stepRecords: [{ step: 1 }] });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 30, reservedMicros: 200 }, monthly: { spentMicros: 30, reservedMicros: 200 } });
      await store.settle({ run: r, admitId: long, now: 4, ttlMs: TTL, record: record(2, 20), reservation });
      await store.settle({ run: r, admitId: third, now: 4, ttlMs: TTL, record: record(3, 5), reservation });
      expect(await store.getRun(r)).toMatchObject({ costMicros: 55, reservedMicros: 0 });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 55, reservedMicros: 0 }, monthly: { spentMicros: 55, reservedMicros: 0 } });
    });

    it('renews a live lease past its first length, and says when a lease is gone', async () => {
      const r = run();
      const reservation = { micros: 100, day: '2026-11-24', month: '2026-11' };
      const admitId = tokenOf(await store.admit({ run: r, now: 1, ttlMs: TTL, maxSteps: 0, leaseMs: 100, budget: budget(100, { day: 1000 }) }));
      await sleep(30);
      expect(await store.renewLease({ run: r, admitId, reservation }, 60_000)).toBe(true);
      await sleep(120);
      expect((await store.getUsage(r.keyId, '2026-11-24', '2026-11')).daily.reservedMicros).toBe(100);
      await store.settle({ run: r, admitId, now: 2, ttlMs: TTL, record: record(1, 10), reservation });
      expect(await store.renewLease({ run: r, admitId, reservation }, 60_000)).toBe(false);
      expect(await store.renewLease({ run: r, admitId: 'unknown', reservation }, 60_000)).toBe(false);
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 10, reservedMicros: 0 }, monthly: { spentMicros: 10, reservedMicros: 0 } });
    });

    it(`releases at most SWEEP_LIMIT (${SWEEP_LIMIT}) expired leases per call, the rest with the next calls`, async () => {
      const keyId = run().keyId;
      // All at once, so that none has expired when the last is taken (an admit sweeps too).
      await Promise.all(
        Array.from({ length: SWEEP_LIMIT + 5 }, (_, i) => store.admit({ run: { keyId, runId: `r${i}` }, now: 1, ttlMs: TTL, maxSteps: 0, leaseMs: 250, budget: budget(10, { day: 100_000 }) })),
      );
      await sleep(300);
      expect((await store.getUsage(keyId, '2026-11-24', '2026-11')).daily.reservedMicros).toBe(5 * 10);
      expect((await store.getUsage(keyId, '2026-11-24', '2026-11')).daily.reservedMicros).toBe(0);
      expect(await store.getRun({ keyId, runId: 'r0' })).toMatchObject({ reservedMicros: 0 });
    });

    it("records a step whose run's state expired while it ran, as long as its lease holds the money", async () => {
      const r = run();
      const reservation = { micros: 100, day: '2026-11-24', month: '2026-11' };
      const admitId = tokenOf(await store.admit({ run: r, now: 1, ttlMs: 30, maxSteps: 0, budget: budget(100, { day: 1000 }) }));
      await sleep(60);
      expect(await store.getRun(r)).toBeUndefined();
      expect(await store.settle({ run: r, admitId, now: 2, ttlMs: TTL, record: record(1, 40), reservation })).toStrictEqual({ runCostMicros: 40, steps: 0 });
      expect(await store.getRun(r)).toMatchObject({ costMicros: 40, reservedMicros: 0, stepRecords: [{ step: 1 }] });
      expect(await store.getUsage(r.keyId, '2026-11-24', '2026-11')).toEqual({ daily: { spentMicros: 40, reservedMicros: 0 }, monthly: { spentMicros: 40, reservedMicros: 0 } });
    });

    // ---- Responses API chains: remembered responses (putResponse / getResponse) ----

    const response = (extra: Partial<ResponseRecord> = {}): ResponseRecord => ({
      responseId: `resp_${process.pid}_${Date.now()}_${++n}`,
      keyId: 'k-responses',
      runId: 'r-responses',
      model: 'gpt-4o-mini',
      calls: [{ callId: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      outputDigest: '0123456789abcdef0123456789abcdef',
      inputTokens: 120,
      outputTokens: 30,
      ...extra,
    });

    it('remembers a relayed response by its id, whichever key made it, and knows nothing of other ids', async () => {
      const r = response();
      await store.putResponse(r, TTL);
      expect(await store.getResponse(r.responseId)).toEqual(r);
      expect(await store.getResponse(`${r.responseId}-other`)).toBeUndefined();
    });

    it('replaces the record of an id written again, and hands out copies', async () => {
      const r = response();
      await store.putResponse(r, TTL);
      const again = { ...r, keyId: 'k-other', runId: 'r-other', calls: [], outputDigest: '' };
      await store.putResponse(again, TTL);
      expect(await store.getResponse(r.responseId)).toEqual(again);
      // Neither the object written nor one read is the stored record.
      const kept = response();
      await store.putResponse(kept, TTL);
      kept.calls.length = 0;
      (await store.getResponse(kept.responseId))!.calls.push({ callId: 'x', name: 'x', arguments: '' });
      expect((await store.getResponse(kept.responseId))?.calls).toEqual([{ callId: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    });

    it('forgets a remembered response after its ttl', async () => {
      const r = response();
      await store.putResponse(r, 30);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await store.getResponse(r.responseId)).toBeUndefined();
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
