// What one mock remembers between requests: id counters, stored Responses and Anthropic's prompt cache.
import { PromptCache } from './protocols/anthropic/prompt-cache.js';
import { ResponseStore } from './protocols/openai-responses/store.js';

/** Mutable state shared by a mock's routes; {@link MockState.reset} forgets everything but the id counters. */
export class MockState {
  private readonly counters = new Map<string, number>();
  readonly responses: ResponseStore;
  readonly promptCache: PromptCache;

  constructor(maxStoredResponses: number) {
    this.responses = new ResponseStore(maxStoredResponses);
    this.promptCache = new PromptCache(maxStoredResponses);
  }

  /** The next number in a named sequence, from 1: ids stay unique for the mock's lifetime, across resets. */
  next(sequence: string): number {
    const value = (this.counters.get(sequence) ?? 0) + 1;
    this.counters.set(sequence, value);
    return value;
  }

  /** Forget stored responses and cached prompts. */
  reset(): void {
    this.responses.clear();
    this.promptCache.clear();
  }
}
