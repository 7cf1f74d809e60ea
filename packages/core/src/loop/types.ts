// The data the loop detector trades with the store: per-step fingerprints, window entries and findings.

/**
 * Why a step was judged a loop, as reported in `loop_type`.
 *
 * @example
 * const t: LoopType = 'tool_call_repeat';
 */
export type LoopType = 'exact_repeat' | 'normalized_repeat' | 'cycle' | 'tool_call_repeat' | 'near_repeat';

/**
 * What a step is, which decides the rules that judge it:
 * - `prompt`: a request without an assistant message (a user's prompt, or a stateless client's one-shot);
 * - `text`: an assistant message without tool calls or fenced command blocks, and what came back;
 * - `action`: an assistant message's tool calls, or else its fenced command blocks, and the observation
 *   that came back (tool results, or the user message after a text agent's command).
 *
 * @example
 * const k: StepKind = 'action';
 */
export type StepKind = 'prompt' | 'text' | 'action';

/**
 * What `fingerprintView` extracts from one request: its newest step, the exchange at the end of the
 * conversation (the last assistant message and everything after it; the whole request when there is no
 * assistant message). Every field is a plain string or integer so the store can keep it as-is (memory or
 * Redis) and a Lua script can compare it without hashing anything.
 *
 * @example
 * const fp: StepFingerprint = {
 *   kind: 'action', exact: '', normalized: '', exchange: '5f0c…', simhash: '', observed: '', repeatsInRequest: 1,
 * };
 */
export interface StepFingerprint {
  kind: StepKind;
  /** `prompt` and `text`: sha256 (32 hex chars) of the model and the step as sent (tool call ids excluded); `''` for an action. */
  exact: string;
  /**
   * `prompt`: the same over texts case-folded, whitespace collapsed and trailing punctuation stripped; `text`:
   * equal to `exact` (a model does not re-send its own words in other case); `''` for an action.
   */
  normalized: string;
  /**
   * The step's identity for cycles and repeated actions, 32 hex chars: for an action, sha256 of the model, the
   * action (tool calls with canonical arguments, or the command blocks) and the observation, the reasoning
   * left out; for `prompt` and `text`, equal to `normalized`.
   */
  exchange: string;
  /**
   * 64-bit word sketch (16 hex chars, compared by Hamming distance) of the step's words: for a `prompt`, its
   * non-system text and media; for `text`, the assistant's message only. `''` for an action, or fewer than
   * 4 distinct words.
   */
  simhash: string;
  /**
   * `text` only: what came back after the assistant's message, as `h` and 16 hex chars of the sha256 of its
   * normalized form, so two steps share it when the answer was the same; `''` when nothing came back or the
   * assistant's message has no sketch (no near chain can use it), and for the other kinds.
   */
  observed: string;
  /** `action` only: how many times in a row this exchange ends the request's own messages (1 if once); 0 otherwise. */
  repeatsInRequest: number;
}

/**
 * What the store keeps for each recent admitted step of a run (oldest first, at most `window` of them).
 * The counters are computed by `detectLoop`; the store only appends `decision.entry` and trims. Entries
 * written by an older version lack some fields; the detector treats a missing field as matching nothing.
 *
 * @example
 * const e: WindowEntry = { ...fp, step: 4, nearRun: 0, actionRun: 1 };
 */
export interface WindowEntry extends StepFingerprint {
  /** The step number the store gave this request. */
  step: number;
  /** Length of the run of consecutive near-identical steps of one kind (`prompt` or `text`) ending here; 0 without a sketch or for an action. */
  nearRun: number;
  /** Length of the run of consecutive identical action exchanges ending here; 0 when this step is not an action. */
  actionRun: number;
}

/**
 * A detected loop.
 *
 * @example
 * const f: LoopFinding = { loopType: 'exact_repeat', confidence: 1, matchedStep: 3, repeats: 2 };
 */
export interface LoopFinding {
  loopType: LoopType;
  /** 0..1: exact 1, normalized 0.95, cycle 0.9, repeated action 0.9 rising with extra repeats, near = 1 - distance / 64. */
  confidence: number;
  /** The earlier step this request repeats (for a repeat found only inside this request's own history: the current step). */
  matchedStep: number;
  /** How many times the repeated thing has now been seen, this request included (for a cycle: the block). */
  repeats: number;
}

/**
 * The verdict for one request.
 *
 * @example
 * const d = detectLoop(window, fingerprintView(chatLoopView(body)), 5, DEFAULT_LOOP_PARAMS);
 * if (!d.finding) window.push(d.entry);
 */
export interface LoopDecision {
  /** Present when the request is a loop. */
  finding?: LoopFinding;
  /** The entry to append to the window if the request is admitted (counters already computed). */
  entry: WindowEntry;
}
