// GuardedStore on fake stores and jest's fake clock: deadlines, cancels of lost admits, lease renewals, stale settles.
import { GuardedStore, StoreTimeoutError } from '../src/store/guarded-store.js';
import { MemoryStore, type Store } from '../src/index.js';
import { type AdmitRequest, type LeaseRef, type SettleRequest } from '../src/entry/store.js';

const budget = { micros: 100, day: '2026-11-24', month: '2026-11', runLimitMicros: 10_000 };
const admitRequest = (extra: Partial<AdmitRequest> = {}): AdmitRequest => ({ run: { keyId: 'k', runId: 'r' }, now: 1, ttlMs: 60_000, maxSteps: 0, ...extra });
const settleRequest = (admitId: string, step = 1): SettleRequest => ({
  run: { keyId: 'k', runId: 'r' },
  admitId,
  now: 2,
  ttlMs: 60_000,
  record: { step, model: 'm', status: 'ok', stream: false, costMicros: 7, estimated: false, latencyMs: 1, at: 2 },
  reservation: { micros: 100, day: '2026-11-24', month: '2026-11' },
});

/** A MemoryStore whose calls can be frozen (never answer until thawed) or made to fail, recording calls. */
class FaultyStore extends MemoryStore {
  frozen = false;
  failing: Error | undefined;
  readonly calls: string[] = [];
  readonly renewed: Array<{ lease: LeaseRef; leaseMs: number }> = [];
  readonly cancelled: AdmitRequest[] = [];
  private readonly thaws: Array<() => void> = [];

  thaw(): void {
    this.frozen = false;
    for (const t of this.thaws.splice(0)) t();
  }

  private async gate(name: string): Promise<void> {
    this.calls.push(name);
    if (this.failing) throw this.failing;
    if (this.frozen) await new Promise<void>((resolve) => this.thaws.push(resolve));
  }

  override async admit(req: AdmitRequest) {
    await this.gate('admit');
    return super.admit(req);
  }
  override async settle(req: SettleRequest) {
    await this.gate('settle');
    return super.settle(req);
  }
  override async cancelAdmit(req: AdmitRequest & { admitId: string }) {
    this.cancelled.push(req);
    await this.gate('cancelAdmit');
    return super.cancelAdmit(req);
  }
  override async renewLease(lease: LeaseRef, leaseMs: number) {
    this.renewed.push({ lease, leaseMs });
    await this.gate('renewLease');
    return super.renewLease(lease, leaseMs);
  }
  override async ping() {
    await this.gate('ping');
  }
  override async getUsage(keyId: string, day: string, month: string) {
    await this.gate('getUsage');
    return super.getUsage(keyId, day, month);
  }
}

function setup(extra: { onUnanswered?: (req: AdmitRequest & { admitId: string }, err: unknown) => void } = {}) {
  const inner = new FaultyStore();
  const logs: Array<{ level: string; msg: string; fields: Record<string, unknown> | undefined }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => logs.push({ level, msg, fields });
  const store = new GuardedStore(inner, { timeoutMs: 1000, leaseMs: 3000, logger: { info: at('info'), warn: at('warn'), error: at('error') }, ...extra });
  return { inner, store, logs };
}

describe('GuardedStore', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('answers as the store it wraps while the store answers in time', async () => {
    const { store } = setup();
    const v = await store.admit(admitRequest({ budget }));
    expect(v).toEqual({ admitted: true, step: 1, admitId: expect.any(String) });
    expect(await store.settle(settleRequest(v.admitted ? v.admitId : ''))).toStrictEqual({ runCostMicros: 7, steps: 1 });
    expect(store.checksRevocationInAdmit).toBe(true);
    await store.close();
  });

  it.each<[string, (s: Store) => Promise<unknown>]>([
    ['admit', (s) => s.admit(admitRequest())],
    ['settle', (s) => s.settle(settleRequest('x'))],
    ['ping', (s) => s.ping()],
    ['getUsage', (s) => s.getUsage('k', '2026-11-24', '2026-11')],
    ['renewLease', (s) => s.renewLease({ run: { keyId: 'k', runId: 'r' }, admitId: 'x', reservation: budget }, 1000)],
  ])('rejects %s with StoreTimeoutError once the store has not answered for timeoutMs', async (name, call) => {
    const { inner, store } = setup({ onUnanswered: () => undefined });
    inner.frozen = true;
    const outcome = call(store).then(
      () => 'answered',
      (err: unknown) => err,
    );
    await jest.advanceTimersByTimeAsync(999);
    await Promise.resolve();
    let settled = false;
    void outcome.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(2);
    const err = await outcome;
    expect(err).toBeInstanceOf(StoreTimeoutError);
    expect(err).toMatchObject({ code: 'AW_STORE_TIMEOUT', operation: name, timeoutMs: 1000 });
    // The store's late answer changes nothing (and rejects nothing unhandled).
    inner.thaw();
    await jest.advanceTimersByTimeAsync(0);
    await store.close();
  });

  it('serves every waiting call with one timer', async () => {
    const { inner, store } = setup({ onUnanswered: () => undefined });
    inner.frozen = true;
    const before = jest.getTimerCount();
    const calls = Array.from({ length: 100 }, (_, i) => store.getUsage('k', '2026-11-24', '2026-11').catch((e: unknown) => [i, e]));
    await jest.advanceTimersByTimeAsync(10);
    const more = Array.from({ length: 100 }, () => store.ping().catch((e: unknown) => e));
    expect(jest.getTimerCount() - before).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    const results = await Promise.all([...calls, ...more]);
    expect(results.every((r) => (Array.isArray(r) ? r[1] : r) instanceof StoreTimeoutError)).toBe(true);
    expect(jest.getTimerCount() - before).toBe(0);
    inner.thaw();
    await store.close();
  });

  it('hands an admit whose answer never came to onUnanswered with its id, and the cancel undoes it once the store answers', async () => {
    const unanswered: Array<AdmitRequest & { admitId: string }> = [];
    const { inner, store } = setup({ onUnanswered: (req) => unanswered.push(req) });
    inner.frozen = true;
    const req = admitRequest({ budget });
    const admitted = store.admit(req).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(1000);
    expect(await admitted).toBeInstanceOf(StoreTimeoutError);
    expect(unanswered).toEqual([expect.objectContaining({ run: req.run, budget, admitId: expect.any(String), leaseMs: 3000 })]);
    // The store wakes: the admit runs late; the cancel sent after it undoes it.
    inner.thaw();
    await jest.advanceTimersByTimeAsync(0);
    expect((await inner.getRun(req.run))?.reservedMicros).toBe(100);
    expect(await store.cancelAdmit(unanswered[0]!)).toBe(true);
    expect(await inner.getRun(req.run)).toMatchObject({ steps: 0, reservedMicros: 0 });
    await store.close();
  });

  it('cancels an admit whose connection dropped, by default at once; not one the store refused as a bad value', async () => {
    const { inner, store } = setup();
    inner.failing = new Error('Connection is closed.');
    await expect(store.admit(admitRequest())).rejects.toThrow('Connection is closed.');
    expect(inner.cancelled).toEqual([expect.objectContaining({ admitId: expect.any(String) })]);
    inner.failing = new TypeError('RedisStore: budget.micros must be a non-negative integer');
    await expect(store.admit(admitRequest())).rejects.toThrow(TypeError);
    expect(inner.cancelled).toHaveLength(1);
    inner.failing = undefined;
    await store.close();
  });

  it('renews the lease of a request still running every third of the lease, and stops at its settle', async () => {
    const { inner, store } = setup();
    const v = await store.admit(admitRequest({ budget }));
    const admitId = v.admitted ? v.admitId : '';
    expect(store.leasesHeld).toBe(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(inner.renewed).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(inner.renewed).toEqual([{ lease: { run: { keyId: 'k', runId: 'r' }, admitId, reservation: { micros: 100, day: '2026-11-24', month: '2026-11' } }, leaseMs: 3000 }]);
    // A stream of minutes: renewed all along, so its reservation stays held.
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(inner.renewed.length).toBeGreaterThanOrEqual(600);
    expect((await inner.getUsage('k', '2026-11-24', '2026-11')).daily.reservedMicros).toBe(100);
    await store.settle(settleRequest(admitId));
    const renewals = inner.renewed.length;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(inner.renewed).toHaveLength(renewals);
    expect(jest.getTimerCount()).toBe(0);
    await store.close();
  });

  it('stops renewing a lease the store says is gone, and takes none for an admit without a reservation', async () => {
    const { inner, store } = setup();
    const v = await store.admit(admitRequest({ budget }));
    await inner.cancelAdmit({ ...admitRequest({ budget }), admitId: v.admitted ? v.admitId : '' });
    await store.admit(admitRequest());
    await jest.advanceTimersByTimeAsync(1000);
    expect(inner.renewed).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(5000);
    expect(inner.renewed).toHaveLength(1);
    expect(store.leasesHeld).toBe(0);
    await store.close();
  });

  it('keeps renewing through a store that fails for a while', async () => {
    const { inner, store } = setup();
    await store.admit(admitRequest({ budget }));
    inner.failing = new Error('Connection is closed.');
    await jest.advanceTimersByTimeAsync(2000);
    expect(inner.renewed.length).toBe(2);
    inner.failing = undefined;
    await jest.advanceTimersByTimeAsync(1000);
    expect(inner.renewed.length).toBe(3);
    expect(store.leasesHeld).toBe(1);
    await store.close();
  });

  it('logs a stale settle once, with a stable code and no key', async () => {
    const { store, logs } = setup();
    const result = await store.settle(settleRequest('from-before-the-restart', 4));
    expect(result).toStrictEqual({ runCostMicros: 0, steps: 0, stale: true });
    expect(logs).toEqual([{ level: 'warn', msg: expect.any(String), fields: { code: 'AW_SETTLE_STALE', run_id: 'r', step: 4 } }]);
    await store.close();
  });

  it('close() stops renewals, rejects calls still waiting and closes the wrapped store', async () => {
    const { inner, store } = setup({ onUnanswered: () => undefined });
    await store.admit(admitRequest({ budget }));
    inner.frozen = true;
    const waiting = store.ping().catch((e: unknown) => e);
    const closing = jest.spyOn(inner, 'close');
    await store.close();
    expect(await waiting).toBeInstanceOf(StoreTimeoutError);
    expect(closing).toHaveBeenCalledTimes(1);
    expect(store.leasesHeld).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    inner.thaw();
  });
});
