// Loop detector thresholds and the similarity → Hamming distance conversion behind the near-repeat default.

/**
 * Thresholds of the loop detector. The option schema validates them; the detector trusts them.
 *
 * @example
 * const strict: LoopParams = { ...DEFAULT_LOOP_PARAMS, toolRepeats: 2 };
 */
export interface LoopParams {
  /** How many recent admitted steps a run's window keeps and cycles are searched in. Default 10. */
  window: number;
  /** Largest Hamming distance (0..64) between two word sketches that still counts as near. Default 6 (similarity 0.9). */
  nearMaxDistance: number;
  /** Consecutive near-identical prompts, or agent text steps with a near answer, that make a loop (2 or more). Default 3. */
  nearRepeats: number;
  /**
   * Consecutive identical action exchanges that make a loop: the same tool calls with the same arguments and
   * results, or the same fenced command with the same output, whatever reasoning surrounds it. Default 3.
   */
  toolRepeats: number;
}

/**
 * Converts a similarity (the share of equal bits between two 64-bit sketches, 0..1) into the largest
 * Hamming distance that still meets it: `floor(64 * (1 - similarity))`.
 *
 * @example
 * similarityToDistance(0.9); // 6
 * similarityToDistance(1); // 0
 */
export function similarityToDistance(similarity: number): number {
  if (!Number.isFinite(similarity) || similarity < 0 || similarity > 1) {
    throw new RangeError(`similarity must be a number from 0 to 1, got ${similarity}`);
  }
  // The epsilon absorbs float error such as 64 * (1 - 0.9) = 6.3999…, without ever crossing an integer.
  return Math.floor(64 * (1 - similarity) + 1e-9);
}

/**
 * The defaults: window 10, near = similarity 0.9 (distance 6) three times in a row, the same action and observation three times in a row.
 *
 * @example
 * detectLoop(window, fp, step, DEFAULT_LOOP_PARAMS);
 */
export const DEFAULT_LOOP_PARAMS: Readonly<LoopParams> = Object.freeze({
  window: 10,
  nearMaxDistance: similarityToDistance(0.9),
  nearRepeats: 3,
  toolRepeats: 3,
});
