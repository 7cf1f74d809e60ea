// Admitted steps whose outcome is not recorded yet, so that close() can wait for them.

/**
 * Counts steps between their admit and their settle. `close()` waits until the count is zero before
 * it closes the store, so a shutdown neither loses a step's record nor leaves its reservation held.
 * A counter, not a set: the hot path pays an increment and a decrement.
 */
export class StepsInFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  /** A step was admitted; its settle is owed. */
  begin(): void {
    this.count++;
  }

  /** A step's settle finished (recorded, or logged as failed). */
  end(): void {
    this.count--;
    if (this.count === 0 && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Steps admitted and not settled yet. */
  get size(): number {
    return this.count;
  }

  /** Resolves once no step is in flight (at once when none is). */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
