// The leftmost-longest scan over all enabled detectors, and the rendering of accepted matches as redactions.

import type { Detector, DetectorMatch, FindMemo, HintCache } from './detector.js';
import { redactionFor } from './kinds.js';
import type { DlpTally } from './tally.js';

/**
 * The compiled policy: enabled detectors in priority order and, per detector, whether its kind blocks.
 *
 * @example
 * const policy: CompiledPolicy = { detectors: [jwtDetector], blocking: [false] };
 */
export interface CompiledPolicy {
  readonly detectors: readonly Detector[];
  readonly blocking: readonly boolean[];
}

/**
 * An accepted match and the index of the detector (in {@link CompiledPolicy.detectors}) that produced it.
 *
 * @example
 * const match: EngineMatch = { start: 0, end: 20, detector: 3 };
 */
export interface EngineMatch extends DetectorMatch {
  readonly detector: number;
}

/**
 * Scans `text` from `from`, repeatedly taking the candidate that starts first (longest on ties, then the
 * detector listed first) and resuming after it. Stops before candidates starting at or after `limit`.
 * The state between steps is only the resume position, which is what lets a stream resume mid-text and
 * agree with a whole-text scan. Returns the accepted matches and the resume position after the last one.
 *
 * @defaultValue `limit` = `Infinity` (the whole text)
 * @example
 * const { matches, pos } = findMatches(text, policy.detectors, 0);
 */
export function findMatches(
  text: string,
  detectors: readonly Detector[],
  from: number,
  limit = Infinity,
): { matches: EngineMatch[]; pos: number } {
  const matches: EngineMatch[] = [];
  // One hint cache for the whole scan: detectors that look for the same hint (`sk-`, `AKIA`) search for it once;
  // `shared` carries other per-scan work, such as the assignments every `name = value` kind reads.
  const hints: HintCache = { at: [], from: [] };
  const shared = {};
  const memos: FindMemo[] = detectors.map(() => ({ hints, shared }));
  const next: (DetectorMatch | null)[] = detectors.map((d, i) => d.find(text, from, memos[i]));
  let pos = from;
  for (;;) {
    let best = -1;
    let bestStart = Infinity;
    let bestEnd = -1;
    for (let i = 0; i < detectors.length; i++) {
      let candidate = next[i] ?? null;
      if (candidate === null) continue;
      if (candidate.start < pos) {
        // Overlapped by the match just taken: look again from where the scan resumes.
        candidate = (detectors[i] as Detector).find(text, pos, memos[i]);
        next[i] = candidate;
        if (candidate === null) continue;
      }
      if (candidate.start < bestStart || (candidate.start === bestStart && candidate.end > bestEnd)) {
        best = i;
        bestStart = candidate.start;
        bestEnd = candidate.end;
      }
    }
    if (best === -1 || bestStart >= limit) return { matches, pos };
    matches.push({ start: bestStart, end: bestEnd, detector: best });
    pos = bestEnd;
  }
}

/**
 * Renders `text[from, to)` with every match replaced by `[REDACTED:<kind>]`, recording each in `tally`.
 * Matches must be sorted, non-overlapping and inside the range (as {@link findMatches} returns them).
 *
 * @example
 * renderMatches('key AKIA…', 0, 24, matches, policy, tally); // 'key [REDACTED:aws_access_key]'
 */
export function renderMatches(
  text: string,
  from: number,
  to: number,
  matches: readonly EngineMatch[],
  policy: CompiledPolicy,
  tally: DlpTally,
): string {
  let out = '';
  let prev = from;
  for (const m of matches) {
    const kind = (policy.detectors[m.detector] as Detector).kind;
    out += text.slice(prev, m.start) + redactionFor(kind);
    tally.add(kind, policy.blocking[m.detector] === true);
    prev = m.end;
  }
  return out + text.slice(prev, to);
}
