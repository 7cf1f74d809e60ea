// Steps whose settle the store failed to answer: sent again until recorded, so an outage loses no record.
import type { Logger } from '../options.js';
import type { SettleRequest, Store } from '../store/store.js';
import type { StepsInFlight } from './steps-in-flight.js';

/** Bounds of the retries. */
export interface SettleRetryLimits {
  /** Steps held for retry at once; past it a failed settle is logged and dropped. */
  maxPending: number;
  /** Wait before the first retry; it doubles after each failure, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A step not recorded this long after its first failure is given up (logged with its cost). */
  giveUpAfterMs: number;
}

export const SETTLE_RETRY_LIMITS: SettleRetryLimits = { maxPending: 10_000, firstDelayMs: 500, maxDelayMs: 30_000, giveUpAfterMs: 60 * 60_000 };

interface Held {
  req: SettleRequest;
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
 * applies it only when the run holds no record of that step (see `SettleRequest.retry`), so nothing is
 * counted twice. Without this, a blip of the store between a step's admit and its settle would lose
 * the step's cost and leave its reservation held in the run, day and month counters until they expire.
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
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly inFlight: StepsInFlight,
    private readonly logger: Logger,
    private readonly limits: SettleRetryLimits = SETTLE_RETRY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Steps waiting for a retry. */
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
    if (refusal || this.stopped || this.held.size >= this.limits.maxPending) {
      this.logFailed(req, err, refusal ?? (this.stopped ? 'shutting down' : `${this.limits.maxPending} steps already wait for a retry`));
      return false;
    }
    const h: Held = { req: { ...req, retry: true }, delayMs: this.limits.firstDelayMs, giveUpAt: this.now() + this.limits.giveUpAfterMs, timer: undefined, busy: false };
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

  /** Retries every held step now (close() calls it, so a store that is back gets them at once). */
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
      await this.store.settle(h.req);
      h.busy = false;
      if (this.held.has(h)) this.release(h);
    } catch (err) {
      h.busy = false;
      if (!this.held.has(h)) return;
      if (this.now() >= h.giveUpAt) {
        this.logFailed(h.req, err, `gave up after ${Math.round(this.limits.giveUpAfterMs / 1000)} s of retries`);
        this.release(h);
        return;
      }
      h.delayMs = Math.min(h.delayMs * 2, this.limits.maxDelayMs);
      this.schedule(h);
    }
  }

  private release(h: Held): void {
    clearTimeout(h.timer);
    h.timer = undefined;
    this.held.delete(h);
    this.inFlight.end();
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
