// FIFO of queued failures, each consumed `times` times by successive chat completion requests.
import type { MockFailure } from './types.js';

interface QueuedFailure {
  failure: MockFailure;
  remaining: number;
}

/** Holds queued {@link MockFailure}s; the head one applies until its `times` run out. */
export class FailureQueue {
  private readonly items: QueuedFailure[] = [];

  /** Append a failure; `times` defaults to 1 and non-positive values queue nothing. */
  push(failure: MockFailure): void {
    const remaining = failure.times ?? 1;
    if (!(remaining > 0)) return;
    this.items.push({ failure, remaining });
  }

  /** Consume one use of the head failure, if any. */
  take(): MockFailure | undefined {
    const head = this.items[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.items.shift();
    return head.failure;
  }

  /** Drop every queued failure. */
  clear(): void {
    this.items.length = 0;
  }
}
