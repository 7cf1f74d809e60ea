// SettleRetries on a fake store and jest's fake clock: back-off, retry flag, give-up, bounds, flush and stop; cancels of lost admits.
import type { AdmitRequest, SettleRequest, SettleResult, Store } from '../src/store/store.js';
import { SettleRetries, type SettleRetryLimits } from '../src/pipeline/settle-retries.js';
import { StepsInFlight } from '../src/pipeline/steps-in-flight.js';

const LIMITS: SettleRetryLimits = { maxPending: 2, firstDelayMs: 100, maxDelayMs: 400, giveUpAfterMs: 10_000 };

function request(step: number): SettleRequest {
  return {
    run: { keyId: 'k', runId: 'r' },
    admitId: `a${step}`,
    now: 1,
    ttlMs: 60_000,
    record: { step, model: 'm', status: 'ok', stream: false, costMicros: 7, estimated: false, latencyMs: 1, at: 1 },
    reservation: { micros: 50, day: '2026-11-24', month: '2026-11' },
  };
}

const lostAdmit = (n: number): AdmitRequest & { admitId: string } => ({ run: { keyId: 'k', runId: 'r' }, admitId: `lost${n}`, now: 1, ttlMs: 60_000, maxSteps: 0 });

/** A store whose settle and cancelAdmit fail while `down` is true, recording when each call came (fake clock). */
function flakyStore() {
  const calls: Array<{ at: number; req: SettleRequest }> = [];
  const cancels: Array<{ at: number; admitId: string }> = [];
  const state = { down: true };
  const store = {
    async settle(req: SettleRequest): Promise<SettleResult> {
      calls.push({ at: Date.now(), req });
      if (state.down) throw new Error('Connection is closed.');
      return { runCostMicros: 7, steps: 1 };
    },
    cancelAdmit(req: AdmitRequest & { admitId: string }): Promise<boolean> {
      // Recorded before any await: the cancel must leave in the turn it was asked for.
      cancels.push({ at: Date.now(), admitId: req.admitId });
      return state.down ? Promise.reject(new Error('Connection is closed.')) : Promise.resolve(true);
    },
  } as unknown as Store;
  return { store, calls, cancels, state };
}

function setup(limits = LIMITS) {
  const { store, calls, cancels, state } = flakyStore();
  const inFlight = new StepsInFlight();
  const logs: Array<{ level: string; fields: Record<string, unknown> | undefined }> = [];
  const at = (level: string) => (_m: string, fields?: Record<string, unknown>) => logs.push({ level, fields });
  const retries = new SettleRetries(store, inFlight, { info: at('info'), warn: at('warn'), error: at('error') }, limits);
  return { retries, inFlight, calls, cancels, state, logs };
}

describe('SettleRetries', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('sends the step again with retry set, backing off by doubling up to the cap, and ends it once recorded', async () => {
    const t = setup();
    t.inFlight.begin();
    expect(t.retries.hold(request(3), new Error('Connection is closed.'))).toBe(true);
    expect(t.logs).toEqual([{ level: 'warn', fields: { code: 'AW_SETTLE_DEFERRED', run_id: 'r', step: 3, error: 'Error: Connection is closed.' } }]);
    await jest.advanceTimersByTimeAsync(100 + 200 + 400 + 400);
    expect(t.calls.map((c) => c.at)).toEqual([100, 300, 700, 1100]);
    expect(t.calls.every((c) => c.req.retry === true && c.req.record.step === 3 && c.req.reservation?.micros === 50)).toBe(true);
    expect(t.inFlight.size).toBe(1);
    t.state.down = false;
    await jest.advanceTimersByTimeAsync(400);
    expect(t.calls).toHaveLength(5);
    expect(t.inFlight.size).toBe(0);
    expect(t.retries.size).toBe(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(t.calls).toHaveLength(5);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('gives up after giveUpAfterMs, logging the cost it could not record', async () => {
    const t = setup();
    t.inFlight.begin();
    t.retries.hold(request(1), new Error('down'));
    await jest.advanceTimersByTimeAsync(20_000);
    expect(t.inFlight.size).toBe(0);
    expect(t.retries.size).toBe(0);
    const failed = t.logs.filter((l) => l.fields?.['code'] === 'AW_SETTLE_FAILED');
    expect(failed).toEqual([{ level: 'error', fields: expect.objectContaining({ step: 1, cost_micros: 7 }) }]);
    expect(t.calls.at(-1)!.at).toBeGreaterThanOrEqual(10_000);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('holds at most maxPending steps; past it a failure is logged and left to the caller', () => {
    const t = setup();
    expect(t.retries.hold(request(1), new Error('down'))).toBe(true);
    expect(t.retries.hold(request(2), new Error('down'))).toBe(true);
    expect(t.retries.hold(request(3), new Error('down'))).toBe(false);
    expect(t.retries.size).toBe(2);
    expect(t.logs.at(-1)).toEqual({ level: 'error', fields: expect.objectContaining({ code: 'AW_SETTLE_FAILED', step: 3 }) });
    t.retries.stop();
  });

  it('does not retry a TypeError (a bug, not an outage): logged and left to the caller', () => {
    const t = setup();
    expect(t.retries.hold(request(4), new TypeError('RedisStore: record.costMicros must be a non-negative integer'))).toBe(false);
    expect(t.retries.size).toBe(0);
    expect(t.logs).toEqual([{ level: 'error', fields: expect.objectContaining({ code: 'AW_SETTLE_FAILED', step: 4 }) }]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('flush() retries every held step at once; stop() drops what is left and takes no more', async () => {
    const t = setup();
    t.inFlight.begin();
    t.inFlight.begin();
    t.retries.hold(request(1), new Error('down'));
    t.retries.hold(request(2), new Error('down'));
    t.retries.flush();
    // The same tick: both sent without waiting for their back-off, and not twice while out.
    t.retries.flush();
    await jest.advanceTimersByTimeAsync(0);
    expect(t.calls.map((c) => [c.at, c.req.record.step])).toEqual([
      [0, 1],
      [0, 2],
    ]);
    t.retries.stop();
    expect(t.inFlight.size).toBe(0);
    expect(t.retries.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    t.inFlight.begin();
    expect(t.retries.hold(request(3), new Error('down'))).toBe(false);
  });

  describe('cancels of admits whose answer was lost', () => {
    it('sends the cancel in the same turn, and again with the back-off while the store fails, without counting a step in flight', async () => {
      const t = setup();
      t.retries.cancel(lostAdmit(1), new Error('agentwall: the store did not answer admit within 1000 ms'));
      expect(t.cancels).toEqual([{ at: 0, admitId: 'lost1' }]);
      expect(t.inFlight.size).toBe(0);
      await jest.advanceTimersByTimeAsync(100 + 200 + 400);
      expect(t.cancels.map((c) => c.at)).toEqual([0, 100, 300, 700]);
      t.state.down = false;
      await jest.advanceTimersByTimeAsync(400);
      expect(t.cancels).toHaveLength(5);
      expect(t.retries.size).toBe(0);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(t.cancels).toHaveLength(5);
      expect(jest.getTimerCount()).toBe(0);
      // Nothing logged: the request already logged its store failure.
      expect(t.logs).toEqual([]);
    });

    it('gives up after giveUpAfterMs, logging that the lease will release it', async () => {
      const t = setup();
      t.retries.cancel(lostAdmit(1), new Error('down'));
      await jest.advanceTimersByTimeAsync(20_000);
      expect(t.retries.size).toBe(0);
      expect(t.logs).toEqual([{ level: 'error', fields: { code: 'AW_CANCEL_FAILED', run_id: 'r' } }]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('bounds held cancels apart from held settles, skips a TypeError, and flush() and stop() take them too', async () => {
      const t = setup();
      t.retries.cancel(lostAdmit(0), new TypeError('bad value'));
      expect(t.cancels).toHaveLength(0);
      t.retries.cancel(lostAdmit(1), new Error('down'));
      t.retries.cancel(lostAdmit(2), new Error('down'));
      t.retries.cancel(lostAdmit(3), new Error('down'));
      expect(t.logs.at(-1)).toEqual({ level: 'error', fields: { code: 'AW_CANCEL_FAILED', run_id: 'r' } });
      await jest.advanceTimersByTimeAsync(0);
      // Cancels filled their own bound; a settle still finds room.
      t.inFlight.begin();
      expect(t.retries.hold(request(1), new Error('down'))).toBe(true);
      expect(t.retries.size).toBe(3);
      t.retries.flush();
      await jest.advanceTimersByTimeAsync(0);
      expect(t.cancels.map((c) => c.admitId)).toEqual(['lost1', 'lost2', 'lost1', 'lost2']);
      t.retries.stop();
      expect(t.retries.size).toBe(0);
      expect(t.inFlight.size).toBe(0);
      t.retries.cancel(lostAdmit(4), new Error('down'));
      expect(t.cancels).toHaveLength(4);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
