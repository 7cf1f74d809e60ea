// The data the loop detector trades with the store: per-step fingerprints, window entries and findings.

/**
 * Why a step was judged a loop, as reported in `loop_type`.
 *
 * @example
 * const t: LoopType = 'tool_call_repeat';
 */
export type LoopType = 'exact_repeat' | 'normalized_repeat' | 'cycle' | 'tool_call_repeat' | 'near_repeat';

/**
 * What {@link fingerprintRequest} extracts from one request. Every field is a plain string or integer so the
 * store can keep it as-is (memory or Redis) and a Lua script can compare it without hashing anything.
 *
 * The fingerprint covers the request's *tail*: the last assistant message (content and tool calls) plus every
 * message after it, or the whole list when there is no assistant message. Hashing only the tail is what lets
 * a conversation grow, and "continue" turns follow different replies, without looking like a repeat.
 *
 * @example
 * const fp: StepFingerprint = {
 *   exact: '5f0c…', normalized: '9a1b…', simhash: '00a4100002000810', tool: '', toolRepeatsInRequest: 0,
 * };
 */
export interface StepFingerprint {
  /** sha256 (32 hex chars) of the model and the tail as sent; tool call ids excluded, tool arguments key-sorted. */
  exact: string;
  /** sha256 (32 hex chars) of the model and the tail with each text case-folded, whitespace collapsed and trailing punctuation stripped. */
  normalized: string;
  /**
   * 64-bit word sketch of the tail's non-system text (and media) as 16 lowercase hex chars, compared by Hamming distance;
   * `''` when the text has fewer than 4 distinct words or the tail is a tool exchange (near checks are then skipped).
   */
  simhash: string;
  /** `''` unless the tail is a tool exchange; else sha256 (32 hex chars) of the model, the calls (name + key-sorted arguments) and their results. */
  tool: string;
  /** How many times in a row the tail's tool exchange appears at the end of this request's own messages: 1 if once, 0 if no tool exchange. */
  toolRepeatsInRequest: number;
}

/**
 * What the store keeps for each recent admitted step of a run (oldest first, at most `window` of them).
 * The counters are computed by {@link detectLoop}; the store only appends `decision.entry` and trims.
 *
 * @example
 * const e: WindowEntry = { ...fp, step: 4, nearRun: 1, toolRun: 0 };
 */
export interface WindowEntry extends StepFingerprint {
  /** The step number the store gave this request. */
  step: number;
  /** Length of the run of consecutive near-identical steps ending here; 0 when this step has no sketch or is a tool step. */
  nearRun: number;
  /** Length of the run of consecutive identical tool exchanges ending here; 0 when this step is not a tool exchange. */
  toolRun: number;
}

/**
 * A detected loop.
 *
 * @example
 * const f: LoopFinding = { loopType: 'exact_repeat', confidence: 1, matchedStep: 3, repeats: 2 };
 */
export interface LoopFinding {
  loopType: LoopType;
  /** 0..1: exact 1, normalized 0.95, cycle 0.9, tool 0.9 rising with extra repeats, near = 1 - distance / 64. */
  confidence: number;
  /** The earlier step this request repeats (for a tool repeat found only inside this request's own history: the current step). */
  matchedStep: number;
  /** How many times the repeated thing has now been seen, this request included. */
  repeats: number;
}

/**
 * The verdict for one request.
 *
 * @example
 * const d = detectLoop(window, fingerprintRequest(body), 5, DEFAULT_LOOP_PARAMS);
 * if (!d.finding) window.push(d.entry);
 */
export interface LoopDecision {
  /** Present when the request is a loop. */
  finding?: LoopFinding;
  /** The entry to append to the window if the request is admitted (counters already computed). */
  entry: WindowEntry;
}
