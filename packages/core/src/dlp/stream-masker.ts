// Incremental masking of streamed text deltas with a bounded, usually tiny, hold-back.

import { DEFAULT_LOOK_BEHIND, type Detector } from './detector.js';
import { findMatches, renderMatches, type CompiledPolicy } from './scan-engine.js';
import { DlpTally } from './tally.js';

/**
 * Incremental masker for streamed text deltas: `push(delta)` returns the text safe to emit now (everything
 * except a bounded tail that could still be the start of a secret), `end()` flushes the tail. A secret split
 * across pushes is still masked, and the concatenated output equals `scanText` of the concatenated input.
 * Use one masker per text channel (e.g. per choice's `delta.content`).
 *
 * @example
 * const masker = scanner.createStreamMasker();
 * let out = '';
 * for (const delta of ['my key is sk-pr', 'oj-abc123…', ' ok']) out += masker.push(delta);
 * out += masker.end();
 */
export interface DlpStreamMasker {
  /** Adds a delta; returns the text that can be emitted now (possibly empty). */
  push(delta: string): string;
  /** Flushes the held-back tail. The masker can then be reused for a new stream; counts keep accumulating. */
  end(): string;
  /** Matches per kind so far (a copy). */
  readonly counts: Record<string, number>;
  /** Kinds in `block` mode found so far (masked like `mask`: a stream can't be refused after it started). */
  readonly blocked: string[];
}

/** Least original text kept before the resume point; more when a detector declares a longer look-behind. */
const MIN_CONTEXT = 64;

/**
 * Creates a stream masker for a compiled policy. The hold-back is not a fixed window: each detector reports
 * where an unfinished match could start in the buffered tail, and only from the earliest such point on is text
 * held, so ordinary prose flows through with at most a word or so of delay. The held tail never exceeds the
 * largest detector `maxLength` (plus one character rather than split a surrogate pair). Custom patterns can't
 * be asked whether a suffix may grow into a match, so with custom patterns their whole `maxLength` is held.
 *
 * @example
 * const masker = createStreamMasker(policy);
 */
export function createStreamMasker(policy: CompiledPolicy): DlpStreamMasker {
  const detectors: readonly Detector[] = policy.detectors;
  // Emitted text the detectors' look-behinds may still read (a key name before its value, `Bearer ` before a token).
  const context = detectors.reduce((max, d) => Math.max(max, d.lookBehind ?? DEFAULT_LOOK_BEHIND), MIN_CONTEXT);
  const tally = new DlpTally();
  let buffer = '';
  let at = 0;

  const emit = (limit: number): string => {
    const { matches, pos } = findMatches(buffer, detectors, at, limit);
    const stop = Math.min(buffer.length, Math.max(pos, limit));
    const out = renderMatches(buffer, at, stop, matches, policy, tally);
    at = stop;
    if (at > 2 * context) {
      buffer = buffer.slice(at - context);
      at = context;
    }
    return out;
  };

  return {
    push(delta: string): string {
      if (typeof delta !== 'string' || delta.length === 0) return '';
      buffer += delta;
      if (detectors.length === 0) return emit(buffer.length);
      let cut = buffer.length;
      for (const detector of detectors) {
        const from = Math.max(at, buffer.length - detector.maxLength);
        if (from >= cut) continue;
        const start = detector.tailStart(buffer, from);
        if (start < cut) cut = start;
      }
      // Never split a surrogate pair across two emitted chunks.
      if (cut > at && isHighSurrogate(buffer.charCodeAt(cut - 1))) cut--;
      return cut > at ? emit(cut) : '';
    },
    end(): string {
      const out = emit(buffer.length);
      buffer = '';
      at = 0;
      return out;
    },
    get counts() {
      return { ...tally.counts };
    },
    get blocked() {
      return [...tally.blocked];
    },
  };
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
