// The loop verdict for one step against the run's recent window: pure, so the store can run it atomically.
import { hammingHex64 } from './hamming.js';
import type { LoopParams } from './params.js';
import type { LoopDecision, LoopFinding, StepFingerprint, WindowEntry } from './types.js';

/**
 * Decides whether the current step of a run is a loop, given the run's window of recent admitted steps, and
 * computes the window entry to append if the step is admitted. Pure: no I/O, no clock, no hashing; it only
 * compares strings for equality, counts and compares integers, and takes Hamming distances of 64-bit sketches
 * ({@link hammingHex64}), so a Redis Lua script can run the very same algorithm inside the atomic admit.
 *
 * Retries after an upstream error need nothing here: the caller removes the failed step's entry from the
 * window (the request never got an answer, so re-sending it is not a repeat). A blocked request is not
 * appended either; in `warn` mode the step is admitted, so `entry` is appended as usual.
 *
 * The algorithm (`w` = `history`, oldest first; `n` = its length; indices 1-based as in Lua):
 *
 * 1. `first = max(1, n - window + 1)` (only the last `window` entries count); `prev = w[n]` if `n >= first`, else none.
 * 2. `entry = current + { step, nearRun = 0, toolRun = 0 }`.
 * 3. Tool step (`current.tool ~= ''`), judged by this rule only (polling the same tool twice is fine):
 *    - `chained = prev and prev.tool == current.tool`
 *    - `entry.toolRun = max(chained and prev.toolRun + 1 or 1, current.toolRepeatsInRequest)`
 *    - if `entry.toolRun >= toolRepeats`: `tool_call_repeat`, confidence `min(100, 90 + 5 * (toolRun - toolRepeats)) / 100`,
 *      matchedStep `chained and prev.step or step`, repeats `toolRun`.
 *    - return (no other rule applies to a tool step).
 * 4. Near run, for a step with a sketch (`current.simhash ~= ''`):
 *    - `d = (prev and prev.nearRun > 0) and hamming(prev.simhash, current.simhash) or 64` (a tool step or a
 *      sketch-less step has `nearRun = 0`, so chains never pass through one)
 *    - `entry.nearRun = (prev and prev.nearRun > 0 and d <= nearMaxDistance) and prev.nearRun + 1 or 1`
 * 5. If `prev` and `prev.exact == current.exact`: `exact_repeat`, confidence 1, matchedStep `prev.step`,
 *    repeats `1 + #{ i in first..n : w[i].exact == current.exact }`.
 * 6. If `prev` and `prev.normalized == current.normalized`: `normalized_repeat`, confidence 0.95, matchedStep
 *    `prev.step`, repeats `1 + #{ i in first..n : w[i].normalized == current.normalized }`.
 * 7. Cycle: for `i = n - 1` down to `first`, the first `w[i]` with `w[i].exact == current.exact or
 *    w[i].normalized == current.normalized`: `cycle`, confidence 0.9, matchedStep `w[i].step`, repeats
 *    `1 + #{ j in first..n : w[j].exact == current.exact or w[j].normalized == current.normalized }`.
 * 8. If `entry.nearRun >= nearRepeats`: `near_repeat`, confidence `1 - d / 64`, matchedStep `prev.step`,
 *    repeats `entry.nearRun`.
 * 9. Otherwise no finding. In every case `entry` is returned.
 *
 * @example
 * const window: WindowEntry[] = [];
 * for (const body of requests) {
 *   const decision = detectLoop(window, fingerprintRequest(body), step++, DEFAULT_LOOP_PARAMS);
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
    exact: current.exact,
    normalized: current.normalized,
    simhash: current.simhash,
    tool: current.tool,
    toolRepeatsInRequest: current.toolRepeatsInRequest,
    step,
    nearRun: 0,
    toolRun: 0,
  };

  if (current.tool !== '') {
    const chained = prev !== undefined && prev.tool === current.tool;
    entry.toolRun = Math.max(chained ? prev.toolRun + 1 : 1, current.toolRepeatsInRequest);
    if (entry.toolRun < params.toolRepeats) return { entry };
    const finding: LoopFinding = {
      loopType: 'tool_call_repeat',
      // Integer percent first, so 0.95 is 0.95 and not 0.9500000000000001 (same in Lua).
      confidence: Math.min(100, 90 + 5 * (entry.toolRun - params.toolRepeats)) / 100,
      matchedStep: chained ? prev.step : step,
      repeats: entry.toolRun,
    };
    return { finding, entry };
  }

  let distance = 64;
  if (current.simhash !== '') {
    if (prev !== undefined && prev.nearRun > 0) distance = hammingHex64(prev.simhash, current.simhash);
    entry.nearRun = prev !== undefined && distance <= params.nearMaxDistance ? prev.nearRun + 1 : 1;
  }

  const count = (match: (e: WindowEntry) => boolean): number => {
    let c = 1;
    for (let i = first; i < n; i++) if (match(history[i]!)) c++;
    return c;
  };
  const sameExact = (e: WindowEntry): boolean => e.exact === current.exact;
  const sameNormalized = (e: WindowEntry): boolean => e.normalized === current.normalized;
  const sameEither = (e: WindowEntry): boolean => sameExact(e) || sameNormalized(e);

  if (prev !== undefined && sameExact(prev)) {
    return { finding: { loopType: 'exact_repeat', confidence: 1, matchedStep: prev.step, repeats: count(sameExact) }, entry };
  }
  if (prev !== undefined && sameNormalized(prev)) {
    return { finding: { loopType: 'normalized_repeat', confidence: 0.95, matchedStep: prev.step, repeats: count(sameNormalized) }, entry };
  }
  for (let i = n - 2; i >= first; i--) {
    const older = history[i]!;
    if (sameEither(older)) {
      return { finding: { loopType: 'cycle', confidence: 0.9, matchedStep: older.step, repeats: count(sameEither) }, entry };
    }
  }
  if (entry.nearRun >= params.nearRepeats) {
    const finding: LoopFinding = { loopType: 'near_repeat', confidence: 1 - distance / 64, matchedStep: prev?.step ?? step, repeats: entry.nearRun };
    return { finding, entry };
  }
  return { entry };
}
