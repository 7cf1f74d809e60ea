// Steps whose settle the store failed to answer, and admits whose answer was lost: sent again until the store answers.
import type { Logger } from '../options.js';
import type { AdmitRequest, SettleRequest, Store } from '../store/store.js';
import type { StepsInFlight } from './steps-in-flight.js';

/** Bounds of the retries. */
export interface SettleRetryLimits {
  /** Steps held for retry at once; past it a failed settle is logged and dropped. The same bound, counted apart, holds for cancels. */
  maxPending: number;
  /** Wait before the first retry; it doubles after each failure, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A step not recorded this long after its first failure is given up (logged with its cost). */
  giveUpAfterMs: number;
}

export const SETTLE_RETRY_LIMITS: SettleRetryLimits = { maxPending: 10_000, firstDelayMs: 500, maxDelayMs: 30_000, giveUpAfterMs: 60 * 60_000 };

type CancelRequest = AdmitRequest & { admitId: string };

interface Held {
  /** A settle (its step counts in `StepsInFlight` until it is recorded), or the cancel of an admit. */
  settle?: SettleRequest;
  cancel?: CancelRequest;
  /** The first attempt went out at once, outside the back-off: the first retry waits `firstDelayMs`. */
  first?: boolean;
  delayMs: number;
  giveUpAt: number;
  timer: NodeJS.Timeout | undefined;
  /** A settle of this step is out to the store now. */
  busy: boolean;
}

/**
 * Holds the steps whose settle failed (the store was unreachable, or the connection dropped with the
 * answer lost) and sends each again, with `retry: true`, with a doubling back-off, until the store
 * records it. A retried settle may meet a first attempt that was applied after all; the store then
 * changes nothing (see `SettleRequest.retry`), so nothing is counted twice. Without this, a blip of the
 * store between a step's admit and its settle would lose the step's cost, and hold its reservation until
 * its lease expires.
 *
 * It also takes over the cancel of an admit whose answer was lost ({@link SettleRetries.cancel}): sent at
 * once, and again with the same back-off while the store does not answer, so an admit that ran (and
 * was persisted) just before the store went down is undone once it is back: no phantom step, no window
 * entry that would make the client's retry a loop. A cancel is harmless when the admit never ran.
 *
 * A held step stays counted in `StepsInFlight`, so `close()` waits for it within its bound; `flush()`
 * retries everything at once (close() calls it), `stop()` drops what is left.
 *
 * @example
 * const retries = new SettleRetries(store, inFlight, logger);
 * try { await store.settle(req); } catch (err) { if (!retries.hold(req, err)) inFlight.end(); }
 */
export class SettleRetries {
  private readonly held = new Set<Held>();
  private cancels = 0;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly inFlight: StepsInFlight,
    private readonly logger: Logger,
    private readonly limits: SettleRetryLimits = SETTLE_RETRY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Steps and cancels waiting for a retry. */
  get size(): number {
    return this.held.size;
  }

  /**
   * Takes over a step whose settle failed with `err`; it ends the step in `inFlight` once recorded or
   * given up. False (logged, nothing held) when stopped, full, or `err` is a TypeError (a bug, which a
   * retry would only repeat): the caller ends the step itself.
   */
  hold(req: SettleRequest, err: unknown): boolean {
    // A TypeError is a bug (RedisStore refuses fractional money with one): sending it again cannot help.
    const refusal = err instanceof TypeError ? 'the store refused it' : undefined;
    if (refusal || this.stopped || this.held.size - this.cancels >= this.limits.maxPending) {
      this.logFailed(req, err, refusal ?? (this.stopped ? 'shutting down' : `${this.limits.maxPending} steps already wait for a retry`));
      return false;
    }
    const h: Held = { settle: { ...req, retry: true }, delayMs: this.limits.firstDelayMs, giveUpAt: this.now() + this.limits.giveUpAfterMs, timer: undefined, busy: false };
    this.held.add(h);
    this.logger.warn('agentwall: could not record a step outcome; retrying until the store answers', {
      code: 'AW_SETTLE_DEFERRED',
      run_id: req.run.runId,
      step: req.record.step,
      error: String(err),
    });
    this.schedule(h);
    return true;
  }

  /**
   * Cancels an admit whose answer never came (`err`: why), at once, in the same turn, so that on a
   * connection that keeps order the cancel follows its admit; held and sent again while the store fails
   * to answer. Not counted as a step in flight: a cancel that cannot land is left to the admit's lease.
   */
  cancel(req: CancelRequest, err: unknown): void {
    if (err instanceof TypeError || this.stopped) return;
    if (this.cancels >= this.limits.maxPending) {
      this.logCancelFailed(req, `${this.limits.maxPending} cancels already wait for a retry`);
      return;
    }
    const h: Held = { cancel: req, first: true, delayMs: this.limits.firstDelayMs, giveUpAt: this.now() + this.limits.giveUpAfterMs, timer: undefined, busy: false };
    this.held.add(h);
    this.cancels++;
    void this.attempt(h);
  }

  /** Retries every held step and cancel now (close() calls it, so a store that is back gets them at once). */
  flush(): void {
    for (const h of this.held) {
      if (h.busy) continue;
      clearTimeout(h.timer);
      h.timer = undefined;
      void this.attempt(h);
    }
  }

  /** Drops every held step, unrecorded (close() calls it last; it has logged how many). */
  stop(): void {
    this.stopped = true;
    for (const h of this.held) this.release(h);
  }

  private schedule(h: Held): void {
    h.timer = setTimeout(() => {
      h.timer = undefined;
      void this.attempt(h);
    }, h.delayMs);
    // A retry alone does not keep the process up; close() is what waits for them.
    h.timer.unref();
  }

  private async attempt(h: Held): Promise<void> {
    h.busy = true;
    try {
      if (h.settle) await this.store.settle(h.settle);
      else await this.store.cancelAdmit(h.cancel!);
      h.busy = false;
      if (this.held.has(h)) this.release(h);
    } catch (err) {
      h.busy = false;
      if (!this.held.has(h)) return;
      if (this.now() >= h.giveUpAt) {
        const why = `gave up after ${Math.round(this.limits.giveUpAfterMs / 1000)} s of retries`;
        if (h.settle) this.logFailed(h.settle, err, why);
        else this.logCancelFailed(h.cancel!, why);
        this.release(h);
        return;
      }
      if (h.first) h.first = false;
      else h.delayMs = Math.min(h.delayMs * 2, this.limits.maxDelayMs);
      this.schedule(h);
    }
  }

  private release(h: Held): void {
    clearTimeout(h.timer);
    h.timer = undefined;
    this.held.delete(h);
    if (h.settle) this.inFlight.end();
    else this.cancels--;
  }

  private logCancelFailed(req: CancelRequest, why: string): void {
    this.logger.error(`agentwall: could not undo an admit whose answer was lost (${why}); its reservation is released when its lease expires`, {
      code: 'AW_CANCEL_FAILED',
      run_id: req.run.runId,
    });
  }

  private logFailed(req: SettleRequest, err: unknown, why: string): void {
    this.logger.error(`agentwall: could not record a step outcome (${why})`, {
      code: 'AW_SETTLE_FAILED',
      run_id: req.run.runId,
      step: req.record.step,
      cost_micros: req.record.costMicros,
      error: String(err),
    });
  }
}
