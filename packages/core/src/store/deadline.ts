// Deadlines for store calls: a call that does not answer in time rejects, with one timer for all of them.

/** `performance.now`, looked up on each call (so that a test's fake clock applies). */
export const MONOTONIC = { now: (): number => performance.now() };

/** What a store call rejects with when it did not answer within its deadline. */
export class StoreTimeoutError extends Error {
  /** Stable code, as logged. */
  readonly code = 'AW_STORE_TIMEOUT';

  constructor(
    /** The store method, e.g. `admit`. */
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`agentwall: the store did not answer ${operation} within ${timeoutMs} ms`);
    this.name = 'StoreTimeoutError';
  }
}

interface Pending {
  at: number;
  operation: string;
  reject: (err: Error) => void;
}

/**
 * Races store calls against one shared deadline length. Every call gets the same `timeoutMs`, so calls
 * expire in the order they started: one timer, armed for the oldest call still waiting, serves them all.
 * A timer per call would cost about twice as much on every request (setTimeout and clearTimeout, about
 * 0.3 µs, against 0.05 µs for a Map entry), for a deadline that almost never fires.
 *
 * @example
 * const deadlines = new Deadlines(1000);
 * const verdict = await deadlines.within(store.admit(req), 'admit'); // StoreTimeoutError after 1 s
 */
export class Deadlines {
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly timeoutMs: number,
    private readonly clock: { now(): number } = MONOTONIC,
  ) {}

  /** Calls waiting for their answer. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * `work`'s outcome, or a {@link StoreTimeoutError} once `timeoutMs` have passed without one. A late
   * outcome is dropped (a late rejection is handled, never unhandled).
   */
  within<T>(work: Promise<T>, operation: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = this.seq++;
      this.pending.set(id, { at: this.clock.now() + this.timeoutMs, operation, reject });
      if (this.timer === undefined) this.arm(this.timeoutMs);
      work.then(
        (value) => {
          if (this.pending.delete(id)) resolve(value);
        },
        (err: unknown) => {
          if (this.pending.delete(id)) reject(err);
        },
      );
    });
  }

  /** Rejects every call still waiting (the store is closing). */
  clear(reason: Error): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(reason);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.expire(), Math.max(1, Math.ceil(ms)));
    // A call in flight keeps the process up by its own socket; the deadline need not.
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    for (const [id, p] of this.pending) {
      // Timers may fire a fraction of a millisecond early.
      if (p.at > now + 1) {
        this.arm(p.at - now);
        return;
      }
      this.pending.delete(id);
      p.reject(new StoreTimeoutError(p.operation, this.timeoutMs));
    }
  }
}
