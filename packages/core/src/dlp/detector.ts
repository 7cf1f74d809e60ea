// The contract between the scan engine and a detector, plus the factory that turns a regex spec into one.

/**
 * A span a detector accepted: `[start, end)` in UTF-16 code units of the scanned text.
 *
 * @example
 * const span: DetectorMatch = { start: 4, end: 24 };
 */
export interface DetectorMatch {
  readonly start: number;
  readonly end: number;
}

/**
 * Per-scan scratch space the engine hands to every `find` call of one detector during one scan, so a detector
 * can remember work (such as where its hint strings occur) without holding on to texts between scans.
 *
 * @example
 * const memo: FindMemo = {};
 */
export interface FindMemo {
  /**
   * Where each hint string occurs, shared by every detector of one scan (several look for `sk-` or `AKIA`):
   * `at[id]` is the first occurrence at or after `from[id]`, or -1, by the hint's registry id. The engine hands
   * the same cache to all memos of a scan.
   */
  hints?: HintCache;
  /** Other work shared by the detectors of one scan, such as the parsed `name = value` assignments. */
  shared?: Record<string, unknown>;
}

/**
 * Per-scan hint positions, indexed by hint id (see {@link hintId}). Plain arrays: a scan of a short message
 * should not pay for a map.
 *
 * @example
 * const cache: HintCache = { at: [], from: [] };
 */
export interface HintCache {
  readonly at: number[];
  readonly from: number[];
}

const HINT_IDS = new Map<string, number>();

/**
 * The registry id of a hint, shared by every detector that uses the same string or regex source.
 *
 * @example
 * hintId('sk-') === hintId('sk-'); // true
 */
export function hintId(hint: string | RegExp): number {
  const key = typeof hint === 'string' ? `s:${hint}` : `r:${hint.source}`;
  let id = HINT_IDS.get(key);
  if (id === undefined) {
    id = HINT_IDS.size;
    HINT_IDS.set(key, id);
  }
  return id;
}

/** First index at or after `from` where `hint` occurs, or -1. */
function indexOfHint(text: string, hint: string | RegExp, from: number): number {
  if (typeof hint === 'string') return text.indexOf(hint, from);
  hint.lastIndex = from;
  const m = hint.exec(text);
  return m === null ? -1 : m.index;
}

/**
 * One kind's recogniser. Both methods are pure functions of `(text, from)` that read at most
 * `maxLength` characters past a candidate's start, which is what lets the stream masker hold back
 * a bounded tail and still produce exactly what a whole-text scan would.
 *
 * @example
 * const hit = detector.find('key: AKIAABCDEFGHIJKLMNOP', 0); // { start: 5, end: 25 }
 */
export interface Detector {
  /** The kind id reported in counts and in `[REDACTED:<kind>]`. */
  readonly kind: string;
  /** Upper bound on the characters, from a candidate's start, that deciding the candidate may read (match plus look-ahead). */
  readonly maxLength: number;
  /**
   * Upper bound on the characters before a candidate's start that deciding it may read (look-behind: a scheme word,
   * a key name and its `=`). The stream masker keeps at least this much emitted text as context. Default `16`.
   */
  readonly lookBehind?: number;
  /** Every regex the detector runs, exposed so tests can audit them for backtracking hazards. */
  readonly regexes: readonly RegExp[];
  /**
   * The first accepted candidate starting at or after `from`, or `null` when there is none. `memo` is the same
   * object for every call within one scan of one text (a fresh one when omitted).
   */
  find(text: string, from: number, memo?: FindMemo): DetectorMatch | null;
  /**
   * The earliest position `>= from` at which a candidate may start whose outcome still depends on
   * characters after the end of `text` (an incomplete match at the end of a stream buffer); `text.length` if none.
   */
  tailStart(text: string, from: number): number;
}

/**
 * Declarative description of a regex-driven detector.
 *
 * @example
 * const spec: RegexDetectorSpec = {
 *   kind: 'google_api_key',
 *   pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/,
 *   hints: ['AIza'],
 *   tail: prefixTail('(?<![A-Za-z0-9_-])', [{ atoms: ['A', 'I', 'z', 'a'], rest: '[0-9A-Za-z_-]{0,35}' }]),
 *   maxLength: 40,
 * };
 */
export interface RegexDetectorSpec {
  readonly kind: string;
  /** The candidate pattern; flags other than `g` are kept, `g` is added. */
  readonly pattern: RegExp;
  /**
   * Substrings of which one must occur for a match to be possible: a cheap pre-check (`indexOf`, or one regex pass
   * for a family of prefixes such as `/gh[pousr]_|github_pat_/`). Default: none (always run).
   */
  readonly hints?: readonly (string | RegExp)[];
  /** How far before a hint occurrence a match may start, so the regex can begin there instead of at 0. Default `0`. */
  readonly hintOffset?: number;
  /**
   * Second-stage check in code (checksums, structure). Returns the accepted end (which may be shorter
   * than the regex match) or `-1` to reject, in which case the search resumes one character later.
   * Default: accept the regex match as is.
   */
  readonly resolve?: (text: string, start: number, end: number) => number;
  /** `$`-anchored pattern matching any suffix that could be the start of an unfinished match. */
  readonly tail: RegExp;
  readonly maxLength: number;
  /** Longest look-behind of `pattern` and `tail`, in characters. Default `16`. */
  readonly lookBehind?: number;
  /**
   * The candidate is `pattern`'s first capture group, and the text before it in the match is context (`Basic `,
   * `-u user:`, `://user:`), which must fit in `lookBehind`. Lets a pattern start with its literal instead of a
   * look-behind, which the regex engine can skip to instead of trying at every position. Default `false`.
   */
  readonly valueGroup?: boolean;
}

/** How far back a hint may sit before the match it announces (covers look-behind hints such as `Bearer `). */
const HINT_LOOKBACK = 16;

/**
 * Look-behind assumed for detectors that don't declare one: the built-in patterns' one-character boundary checks
 * and the `Bearer ` scheme word fit in it.
 *
 * @defaultValue 16
 * @example
 * const context = Math.max(DEFAULT_LOOK_BEHIND, detector.lookBehind ?? 0);
 */
export const DEFAULT_LOOK_BEHIND = 16;

/**
 * Builds a detector from a {@link RegexDetectorSpec}. The regexes are compiled once and reused; `lastIndex`
 * is reset on every call, so one detector can serve any number of scans (JavaScript runs them one at a time).
 *
 * @example
 * const detector = createRegexDetector(spec);
 * detector.find('AIza' + 'x'.repeat(35), 0); // { start: 0, end: 39 }
 */
export function createRegexDetector(spec: RegexDetectorSpec): Detector {
  const regex = withFlag(spec.valueGroup === true ? withFlag(spec.pattern, 'd') : spec.pattern, 'g');
  const tail = withFlag(spec.tail, 'g');
  const hints = (spec.hints ?? []).map((h) => (typeof h === 'string' ? h : withFlag(h, 'g')));
  const ids = hints.map(hintId);
  const hintOffset = spec.hintOffset ?? 0;
  const lookBehind = spec.lookBehind ?? DEFAULT_LOOK_BEHIND;
  // A hint inside the look-behind (`Bearer `, a key id, `://user:`) may sit that far before the match it announces.
  const hintLookback = Math.max(HINT_LOOKBACK, lookBehind);
  const resolve = spec.resolve;
  /** `find` for `valueGroup` patterns: matches may start up to `lookBehind` before `from`; their group may not. */
  const findGroup = (text: string, from: number, memo: FindMemo): DetectorMatch | null => {
    let startAt = Math.max(0, from - lookBehind);
    if (hints.length > 0) {
      const first = firstHint(text, startAt, hints, ids, memo);
      if (first === -1) return null;
      startAt = Math.max(startAt, first - hintOffset);
    }
    regex.lastIndex = startAt;
    for (;;) {
      const m = regex.exec(text);
      if (m === null) return null;
      const span = m.indices?.[1];
      if (span !== undefined && span[0] >= from && span[1] > span[0]) {
        const start = span[0];
        const end = resolve === undefined ? span[1] : resolve(text, start, span[1]);
        if (end > start) return { start, end };
      }
      regex.lastIndex = m.index + 1;
    }
  };

  return {
    kind: spec.kind,
    maxLength: spec.maxLength,
    lookBehind,
    regexes: [regex, tail],
    find(text, from, memo = {}) {
      if (spec.valueGroup === true) return findGroup(text, from, memo);
      let startAt = from;
      if (hints.length > 0) {
        const first = firstHint(text, Math.max(0, from - hintLookback), hints, ids, memo);
        if (first === -1) return null;
        startAt = Math.max(from, first - hintOffset);
      }
      regex.lastIndex = startAt;
      for (;;) {
        const m = regex.exec(text);
        if (m === null) return null;
        const start = m.index;
        let end = start + m[0].length;
        if (resolve !== undefined && end > start) end = resolve(text, start, end);
        if (end > start) return { start, end };
        regex.lastIndex = start + 1;
      }
    },
    tailStart(text, from) {
      tail.lastIndex = from;
      const m = tail.exec(text);
      return m === null ? text.length : m.index;
    },
  };
}

/**
 * One literal-ish prefix for {@link prefixTail}: `atoms` are single-character regex atoms (a literal or a class)
 * and `rest` is a prefix-closed pattern for what may follow them.
 *
 * @example
 * const variant: TailVariant = { atoms: ['s', 'k', '-'], rest: '[A-Za-z0-9_-]{0,256}' };
 */
export interface TailVariant {
  readonly atoms: readonly string[];
  readonly rest: string;
}

/**
 * Builds a `$`-anchored tail pattern that matches every proper prefix of each variant's atoms, or the full
 * atoms followed by (a prefix of) `rest`. Atoms are single characters so that a stream cut inside a literal
 * prefix such as `sk_li|ve_` is still recognised as a possible match start.
 *
 * @example
 * prefixTail('(?<![A-Za-z0-9])', [{ atoms: ['A', '[KS]', 'I', 'A'], rest: '[A-Z0-9]{0,16}' }]);
 * // /(?<![A-Za-z0-9])(?:A|A[KS]|A[KS]I|A[KS]IA[A-Z0-9]{0,16})$/g
 */
export function prefixTail(lookbehind: string, variants: readonly TailVariant[]): RegExp {
  const alternatives: string[] = [];
  for (const { atoms, rest } of variants) {
    for (let k = 1; k < atoms.length; k++) alternatives.push(atoms.slice(0, k).join(''));
    alternatives.push(atoms.join('') + rest);
  }
  const unique = [...new Set(alternatives)];
  return new RegExp(`${lookbehind}(?:${unique.join('|')})$`, 'g');
}

/**
 * Earliest occurrence at or after `from` of any hint, or -1. Each hint's last answer is memoised for the scan:
 * without that, a hint that never occurs would be searched to the end of the text after every match (quadratic).
 */
function firstHint(text: string, from: number, hints: readonly (string | RegExp)[], ids: readonly number[], memo: FindMemo): number {
  const cache = (memo.hints ??= { at: [], from: [] });
  let first = -1;
  for (let k = 0; k < hints.length; k++) {
    const id = ids[k] as number;
    let at = cache.at[id];
    const since = cache.from[id];
    // The entry holds the first occurrence after `since`; it still answers for any later `from` it doesn't pass.
    if (at === undefined || since === undefined || !(since <= from && (at === -1 || at >= from))) {
      at = indexOfHint(text, hints[k] as string | RegExp, from);
      cache.at[id] = at;
      cache.from[id] = from;
    }
    if (at !== -1 && (first === -1 || at < first)) first = at;
  }
  return first;
}

function withFlag(regex: RegExp, flag: string): RegExp {
  const flags = regex.flags.replace('y', '');
  return new RegExp(regex.source, flags.includes(flag) ? flags : flags + flag);
}

/**
 * One kind recognised by several detectors (say, a token prefix and a `name = value` form): `find` returns the
 * earliest candidate of any of them (the longest on a tie), `tailStart` the earliest undecided start of any.
 * Each part keeps its own memo, so their hint searches stay linear.
 *
 * @example
 * const aws = anyOf('aws_secret_key', [assignmentForm, afterKeyIdForm]);
 */
export function anyOf(kind: string, parts: readonly Detector[]): Detector {
  return {
    kind,
    maxLength: Math.max(...parts.map((p) => p.maxLength)),
    lookBehind: Math.max(...parts.map((p) => p.lookBehind ?? DEFAULT_LOOK_BEHIND)),
    regexes: parts.flatMap((p) => p.regexes),
    find(text, from, memo = {}) {
      const hints = (memo.hints ??= { at: [], from: [] });
      const shared = (memo.shared ??= {});
      const state = ((memo as AnyOfMemo).parts ??= parts.map(() => ({ memo: { hints, shared }, from: Infinity, hit: null })));
      let best: DetectorMatch | null = null;
      for (let i = 0; i < parts.length; i++) {
        const part = state[i] as AnyOfPart;
        // A part's answer for an earlier `from` still holds if it starts at or after this one (the engine's own rule).
        if (!(part.from <= from && (part.hit === null || part.hit.start >= from))) {
          part.hit = (parts[i] as Detector).find(text, from, part.memo);
          part.from = from;
        }
        const hit = part.hit;
        if (hit !== null && (best === null || hit.start < best.start || (hit.start === best.start && hit.end > best.end))) {
          best = hit;
        }
      }
      return best;
    },
    tailStart(text, from) {
      let first = text.length;
      for (const part of parts) first = Math.min(first, part.tailStart(text, from));
      return first;
    },
  };
}

interface AnyOfPart {
  readonly memo: FindMemo;
  from: number;
  hit: DetectorMatch | null;
}

interface AnyOfMemo extends FindMemo {
  parts?: AnyOfPart[];
}
