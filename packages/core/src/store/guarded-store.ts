// Any Store made safe to wait on: a deadline on every call, admits undone when their answer is lost, leases renewed.
import type { Logger } from '../options.js';
import { newAdmitId } from './admit-id.js';
import { Deadlines, MONOTONIC, StoreTimeoutError } from './deadline.js';
import type { AdmitRequest, AdmitVerdict, BlockedAttempt, KeyUsage, LeaseRef, ResponseRecord, RunKey, RunState, SettleRequest, SettleResult, Store } from './store.js';

export { StoreTimeoutError } from './deadline.js';

/** Options of {@link guardStore}. */
export interface GuardStoreOptions {
  /** Deadline of every store call, ms. */
  timeoutMs: number;
  /** Lease of each reservation, ms (`AdmitRequest.leaseMs`); a request still running renews it every third of it. */
  leaseMs: number;
  /** Where a stale settle is reported (`AW_SETTLE_STALE`). */
  logger: Logger;
  /**
   * Takes over an admit whose answer never came (timed out, or its connection dropped): it may have
   * run, so it must be cancelled (`Store.cancelAdmit`), and sent again while the store is down.
   * AgentWall passes its settle-retry queue. Default: one cancel, sent at once.
   */
  onUnanswered?: ((req: AdmitRequest & { admitId: string }, err: unknown) => void) | undefined;
  /** Clock of the renewals, for tests. Default: `performance`. */
  clock?: { now(): number } | undefined;
}

interface Tracked {
  lease: LeaseRef;
  /** When the lease was taken or last renewed (`clock`). */
  at: number;
}

/**
 * Wraps a store so that AgentWall can rely on three things whatever the store does:
 *
 * - **A deadline on every call** (`timeoutMs`): a store that is slow or frozen is a store that is down.
 *   The call rejects with {@link StoreTimeoutError}; AgentWall then fails open or closed per guard, and
 *   `/health/ready` (`ping`) says 503.
 * - **No phantom admits.** An admit that timed out or lost its connection may still run (a frozen Redis
 *   runs it when it wakes; a killed one may have run and persisted it). Every admit carries an id, so
 *   such an admit is cancelled (`cancelAdmit`, handed to `onUnanswered`): the cancel is sent after it
 *   on the same connection, so it runs after it and undoes it, and when the store is down it is sent
 *   again until it answers. Whatever is not undone that way is released by the lease.
 * - **Leases that outlive no request and cut short none.** Each admit with a reservation asks for a
 *   lease of `leaseMs`; while its request is running (until its first settle attempt) the lease is
 *   renewed every third of that, so a stream of minutes keeps its reservation, and one that died (an
 *   instance killed, a settle never sent) frees it within `leaseMs`.
 *
 * A settle the store reports `stale` (its admit is gone: the store lost its data, or the run is a new
 * one under the same id) is logged once, as `AW_SETTLE_STALE`, without any key.
 *
 * `admit` names the request it is given in place (`admitId`, `leaseMs`, when absent): a copy would cost
 * 1.6 µs a request against 0.03 µs (Node 20), so each admit takes a request object of its own.
 *
 * @example
 * const store = guardStore(new RedisStore({ url }), { timeoutMs: 1000, leaseMs: 60_000, logger: console });
 */
export class GuardedStore implements Store {
  private readonly deadlines: Deadlines;
  private readonly tracked = new Map<string, Tracked>();
  private renewTimer: NodeJS.Timeout | undefined;
  private readonly renewEveryMs: number;
  private readonly clock: { now(): number };
  private readonly onUnanswered: (req: AdmitRequest & { admitId: string }, err: unknown) => void;
  private closed = false;

  constructor(
    /** The store wrapped. */
    readonly inner: Store,
    private readonly options: GuardStoreOptions,
  ) {
    this.deadlines = new Deadlines(options.timeoutMs);
    this.renewEveryMs = Math.max(1, Math.floor(options.leaseMs / 3));
    this.clock = options.clock ?? MONOTONIC;
    this.onUnanswered =
      options.onUnanswered ??
      ((req) => {
        this.cancelAdmit(req).catch(() => undefined);
      });
  }

  get checksRevocationInAdmit(): boolean {
    return this.inner.checksRevocationInAdmit === true;
  }

  /** Admits in flight whose lease is being renewed (for tests). */
  get leasesHeld(): number {
    return this.tracked.size;
  }

  async admit(req: AdmitRequest): Promise<AdmitVerdict> {
    // The request is the caller's own object for this one call; naming it here lets a lost answer be cancelled.
    req.admitId ??= newAdmitId();
    req.leaseMs ??= this.options.leaseMs;
    let verdict: AdmitVerdict;
    try {
      verdict = await this.deadlines.within(this.inner.admit(req), 'admit');
    } catch (err) {
      // A TypeError is the store refusing a bad value: nothing ran.
      if (!(err instanceof TypeError)) this.onUnanswered(req as AdmitRequest & { admitId: string }, err);
      throw err;
    }
    if (verdict.admitted && req.budget) this.track({ run: req.run, admitId: verdict.admitId, reservation: { micros: req.budget.micros, day: req.budget.day, month: req.budget.month } });
    return verdict;
  }

  async settle(req: SettleRequest): Promise<SettleResult> {
    // The request is over: from now on the lease runs out by itself if the settle cannot land in time.
    this.tracked.delete(req.admitId);
    const result = await this.deadlines.within(this.inner.settle(req), 'settle');
    if (result.stale) {
      this.options.logger.warn("agentwall: dropped a step outcome: the store no longer holds the step's admit (it lost its data, or the run is a new one under the same id)", {
        code: 'AW_SETTLE_STALE',
        run_id: req.run.runId,
        step: req.record.step,
      });
    }
    return result;
  }

  cancelAdmit(req: AdmitRequest & { admitId: string }): Promise<boolean> {
    this.tracked.delete(req.admitId);
    return this.deadlines.within(this.inner.cancelAdmit(req), 'cancelAdmit');
  }

  renewLease(lease: LeaseRef, leaseMs: number): Promise<boolean> {
    return this.deadlines.within(this.inner.renewLease(lease, leaseMs), 'renewLease');
  }

  recordBlocked(run: RunKey, attempt: BlockedAttempt, now: number, ttlMs: number): Promise<void> {
    return this.deadlines.within(this.inner.recordBlocked(run, attempt, now, ttlMs), 'recordBlocked');
  }

  getRun(run: RunKey): Promise<RunState | undefined> {
    return this.deadlines.within(this.inner.getRun(run), 'getRun');
  }

  killRun(run: RunKey, reason: string, now: number, ttlMs: number): Promise<boolean> {
    return this.deadlines.within(this.inner.killRun(run, reason, now, ttlMs), 'killRun');
  }

  getUsage(keyId: string, day: string, month: string): Promise<KeyUsage> {
    return this.deadlines.within(this.inner.getUsage(keyId, day, month), 'getUsage');
  }

  revokeKey(keyId: string): Promise<void> {
    return this.deadlines.within(this.inner.revokeKey(keyId), 'revokeKey');
  }

  isRevoked(keyId: string): Promise<boolean> {
    return this.deadlines.within(this.inner.isRevoked(keyId), 'isRevoked');
  }

  putResponse(record: ResponseRecord, ttlMs: number): Promise<void> {
    return this.deadlines.within(this.inner.putResponse(record, ttlMs), 'putResponse');
  }

  getResponse(responseId: string): Promise<ResponseRecord | undefined> {
    return this.deadlines.within(this.inner.getResponse(responseId), 'getResponse');
  }

  ping(): Promise<void> {
    return this.deadlines.within(this.inner.ping(), 'ping');
  }

  /** Stops renewing, rejects calls still waiting, and closes the wrapped store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    this.tracked.clear();
    this.deadlines.clear(new StoreTimeoutError('a call (the store is closing)', this.options.timeoutMs));
    await this.inner.close();
  }

  private track(lease: LeaseRef): void {
    if (this.closed) return;
    this.tracked.set(lease.admitId, { lease, at: this.clock.now() });
    if (this.renewTimer === undefined) {
      this.renewTimer = setInterval(() => this.renewDue(), this.renewEveryMs);
      // A request in flight keeps the process up by its own sockets; renewing its lease need not.
      this.renewTimer.unref();
    }
  }

  /** Renews every lease taken or renewed a third of a lease ago or more; the map is in that order. */
  private renewDue(): void {
    const now = this.clock.now();
    for (const [id, t] of this.tracked) {
      if (now - t.at < this.renewEveryMs) break;
      // To the end, so the map stays in order; a renewal that fails is tried again next time.
      this.tracked.delete(id);
      t.at = now;
      this.tracked.set(id, t);
      this.renewLease(t.lease, this.options.leaseMs).then(
        (live) => {
          if (!live) this.tracked.delete(id);
        },
        () => undefined,
      );
    }
    if (this.tracked.size === 0) {
      clearInterval(this.renewTimer);
      this.renewTimer = undefined;
    }
  }
}

/**
 * Wraps `store` in a {@link GuardedStore} (once: a store already guarded is returned as it is).
 *
 * @example
 * const store = guardStore(new MemoryStore(), { timeoutMs: 1000, leaseMs: 60_000, logger: console });
 */
export function guardStore(store: Store, options: GuardStoreOptions): GuardedStore {
  return store instanceof GuardedStore ? store : new GuardedStore(store, options);
}
