// The loop verdict for one step against the run's recent window: pure, so the store can run it atomically.
import { hammingHex64 } from './hamming.js';
import type { LoopParams } from './params.js';
import type { LoopDecision, LoopFinding, StepFingerprint, WindowEntry } from './types.js';

/** Fewest steps in a block that makes a cycle: a block of one repeating is a repeat, judged by its own rule. */
const MIN_CYCLE = 2;

/** Equal exchanges; an entry from an older version without one matches nothing (Lua: `nil`). */
function same(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && a === b;
}

/**
 * Decides whether the current step of a run is a loop, given the run's window of recent admitted steps, and
 * computes the window entry to append if the step is admitted. Pure: no I/O, no clock, no hashing; it only
 * compares strings for equality, counts and compares integers, and takes Hamming distances of 64-bit sketches
 * ({@link hammingHex64}), so a Redis Lua script runs the very same algorithm inside the atomic admit.
 *
 * Retries after an upstream error need nothing here: the caller removes the failed step's entry from the
 * window (the request never got an answer, so re-sending it is not a repeat). A blocked request is not
 * appended either; in `warn` mode the step is admitted, so `entry` is appended as usual.
 *
 * The algorithm (`w` = `history`, oldest first; `n` = its length; indices 1-based as in Lua):
 *
 * 1. `first = max(1, n - window + 1)` (only the last `window` entries count); `prev = w[n]` if `n >= first`, else none.
 * 2. `entry = current + { step, nearRun = 0, actionRun = 0 }`.
 * 3. Action (`kind == 'action'`): `chained = prev and prev.kind == 'action' and prev.exchange == exchange`;
 *    `entry.actionRun = max(chained and prev.actionRun + 1 or 1, repeatsInRequest)`.
 * 4. Near run, for a `prompt` or `text` step with a sketch (`simhash ~= ''`): it continues the previous step's run
 *    when `prev.kind == kind`, `prev.nearRun > 0`, `d = hamming(prev.simhash, simhash) <= nearMaxDistance`
 *    and, for `text` only (an agent step needs more evidence than a prompt), the same answer came back:
 *    `prev.observed == observed`. Then `entry.nearRun = prev.nearRun + 1`, else 1.
 * 5. `prompt` or `text`, and `prev.exact == exact`: `exact_repeat`, confidence 1, matchedStep `prev.step`,
 *    repeats `1 + #{ i in first..n : w[i].exact == exact }`.
 * 6. `prompt` or `text`, and `prev.normalized == normalized`: `normalized_repeat`, confidence 0.95, matchedStep
 *    `prev.step`, repeats `1 + #{ i in first..n : w[i].normalized == normalized }`.
 * 7. Action and `entry.actionRun >= toolRepeats`: `tool_call_repeat`, confidence
 *    `min(100, 90 + 5 * (actionRun - toolRepeats)) / 100`, matchedStep `chained and prev.step or step`, repeats `actionRun`.
 * 8. Cycle. `s` is the sequence `w[first..n]` then the current step (`L` steps), compared by `exchange`. For
 *    `p = 2, 3, ...` while `2p <= L`: `j` is the number of positions, from the end, where `s[k] == s[k - p]`;
 *    if `j >= p` and the last `p` steps are not all the same exchange, the block of `p` steps has repeated
 *    whole: `cycle`, confidence 0.9, matchedStep the step of `s[L - p]`, repeats `floor(j / p) + 1`.
 *    A single recurrence (A, B, A) is not a cycle; A, B, A, B is.
 * 9. If `entry.nearRun >= nearRepeats`: `near_repeat`, confidence `1 - d / 64`, matchedStep `prev.step`,
 *    repeats `entry.nearRun`.
 * 10. Otherwise no finding. In every case `entry` is returned.
 *
 * @example
 * const window: WindowEntry[] = [];
 * for (const body of requests) {
 *   const decision = detectLoop(window, fingerprintView(chatLoopView(body)), step++, DEFAULT_LOOP_PARAMS);
 *   if (decision.finding) throw new Error(decision.finding.loopType);
 *   window.push(decision.entry);
 *   if (window.length > DEFAULT_LOOP_PARAMS.window) window.shift();
 * }
 */
export function detectLoop(history: readonly WindowEntry[], current: StepFingerprint, step: number, params: LoopParams): LoopDecision {
  const n = history.length;
  const first = Math.max(0, n - params.window);
  const prev = n > first ? history[n - 1] : undefined;
  // Fields listed, not spread: `{ ...current, step }` takes V8's slow path (about 1 µs), on every request.
  const entry: WindowEntry = {
    kind: current.kind,
    exact: current.exact,
    normalized: current.normalized,
    exchange: current.exchange,
    simhash: current.simhash,
    observed: current.observed,
    repeatsInRequest: current.repeatsInRequest,
    step,
    nearRun: 0,
    actionRun: 0,
  };
  const isAction = current.kind === 'action';

  let chained = false;
  if (isAction) {
    chained = prev !== undefined && prev.kind === 'action' && same(prev.exchange, current.exchange);
    entry.actionRun = Math.max(chained ? prev!.actionRun + 1 : 1, current.repeatsInRequest);
  }

  let distance = 64;
  if (!isAction && current.simhash !== '') {
    let near = false;
    if (prev !== undefined && prev.kind === current.kind && prev.nearRun > 0) {
      distance = hammingHex64(prev.simhash, current.simhash);
      near = distance <= params.nearMaxDistance && (current.kind !== 'text' || prev.observed === current.observed);
    }
    entry.nearRun = near ? prev!.nearRun + 1 : 1;
  }

  const count = (match: (e: WindowEntry) => boolean): number => {
    let c = 1;
    for (let i = first; i < n; i++) if (match(history[i]!)) c++;
    return c;
  };

  if (!isAction && prev !== undefined) {
    if (prev.exact === current.exact) {
      return { finding: { loopType: 'exact_repeat', confidence: 1, matchedStep: prev.step, repeats: count((e) => e.exact === current.exact) }, entry };
    }
    if (prev.normalized === current.normalized) {
      const repeats = count((e) => e.normalized === current.normalized);
      return { finding: { loopType: 'normalized_repeat', confidence: 0.95, matchedStep: prev.step, repeats }, entry };
    }
  }
  if (isAction && entry.actionRun >= params.toolRepeats) {
    const finding: LoopFinding = {
      loopType: 'tool_call_repeat',
      // Integer percent first, so 0.95 is 0.95 and not 0.9500000000000001 (same in Lua).
      confidence: Math.min(100, 90 + 5 * (entry.actionRun - params.toolRepeats)) / 100,
      matchedStep: chained ? prev!.step : step,
      repeats: entry.actionRun,
    };
    return { finding, entry };
  }

  // s[k] for k in 0..len-1: the window's entries from `first`, then the current step.
  const len = n - first + 1;
  const key = (k: number): string | undefined => (k === len - 1 ? current.exchange : history[first + k]!.exchange);
  for (let p = MIN_CYCLE; 2 * p <= len; p++) {
    let j = 0;
    while (len - 1 - j - p >= 0 && same(key(len - 1 - j), key(len - 1 - j - p))) j++;
    if (j < p) continue;
    let mixed = false;
    for (let k = len - p; k < len - 1 && !mixed; k++) mixed = key(k) !== current.exchange;
    if (!mixed) continue;
    return { finding: { loopType: 'cycle', confidence: 0.9, matchedStep: history[first + len - 1 - p]!.step, repeats: Math.floor(j / p) + 1 }, entry };
  }

  if (entry.nearRun >= params.nearRepeats) {
    const finding: LoopFinding = { loopType: 'near_repeat', confidence: 1 - distance / 64, matchedStep: prev?.step ?? step, repeats: entry.nearRun };
    return { finding, entry };
  }
  return { entry };
}
