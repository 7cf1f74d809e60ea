// Detectors for secrets given as `name = value` (env, INI, JSON, YAML, code, CLI flags, XML): only the value is masked.
//
// One keyword regex finds where a credential name could end; the separator and the value are then walked in code,
// reading a bounded number of characters on each side. That keeps every candidate O(1) and lets the stream masker
// ask "could the value still grow?" exactly, without holding back text that merely mentions `password`. The
// keyword pass and the parse are done once per scan and shared by every assignment kind.

import type { Detector, DetectorMatch, FindMemo } from './detector.js';

/**
 * What an assignment detector found before the value, for the name and value checks.
 *
 * @example
 * const site: AssignmentSite = { name: 'DB_PASSWORD', normalized: 'dbpassword', before: 10, quoted: false, flag: false, comma: false };
 */
export interface AssignmentSite {
  /** The name as written, e.g. `--db-password`, `$apiKey`, `spring.datasource.password`. */
  readonly name: string;
  /** Lower-cased, without `_`, `-`, `.`, `$` or `@`: `dbpassword`, `apikey`. */
  readonly normalized: string;
  /** The character code right before the name (`-1` at the start of the text): `<` for XML, `:` in `.npmrc`. */
  readonly before: number;
  /** The value was quoted. */
  readonly quoted: boolean;
  /** The name was a command-line flag (`--token abc`, `-Password 'x'`). */
  readonly flag: boolean;
  /** Name and value were separated by a comma, as a call's arguments (`setenv("API_TOKEN", "…")`). */
  readonly comma: boolean;
}

/**
 * Declarative description of an assignment detector.
 *
 * @example
 * const spec: AssignmentSpec = {
 *   kind: 'npm_token',
 *   name: (site) => site.name === '_authToken' && site.before === 58,
 *   value: (value) => value.length >= 8,
 *   maxValue: 512,
 * };
 */
export interface AssignmentSpec {
  readonly kind: string;
  /** Accepts or rejects the name (and its context). It must end with one of {@link ASSIGNMENT_KEYWORDS}. */
  readonly name: (site: AssignmentSite) => boolean;
  /** Accepts or rejects the value (without its quotes). */
  readonly value: (value: string, site: AssignmentSite) => boolean;
  /** Longest value of this kind, at most {@link MAX_VALUE}; a longer one is not this kind (nor masked in part). */
  readonly maxValue: number;
}

/**
 * The words a credential name ends with (`DB_PASSWORD`, `apiKey`, `client_secret`, `SECRET_KEY_BASE`, `_authToken`,
 * a SAS `sig`, `private_key_id`), matched case-insensitively where no name character follows and a separator
 * (after an optional closing quote and `]`) or a blank does: the parse rejects the rest, this only skips it sooner.
 *
 * @example
 * ASSIGNMENT_KEYWORDS.test('DB_PASSWORD='); // true
 */
export const ASSIGNMENT_KEYWORDS =
  /(?:passw(?:or)?d|passphrase|pass|pwd|secret|token|key(?:[_.-]?base)?|credentials?|creds|auth|pat|sig|private_key_id)(?![A-Za-z0-9_.-])(?=\\?["'`]?\]?(?:[=:>,?. \t]|$))/gi;

/**
 * Longest value any assignment kind reads (an AWS session token runs to about a thousand characters).
 *
 * @defaultValue 1024
 * @example
 * const spec = { maxValue: Math.min(40, MAX_VALUE) };
 */
export const MAX_VALUE = 1024;

/** Longest name (with its keyword) walked back over: longer runs are not identifiers but data. */
const NAME_MAX = 64;
/** Blanks allowed on each side of the separator (aligned YAML, INI and Makefiles). */
const BLANKS_MAX = 16;
/** Longest type written between a name and its `=` (`var token string =`, `token: String =`). */
const TYPE_MAX = 24;
/**
 * Longest stretch between the end of a name and its value: closing quote (2), `]` (1), blanks, `:` and blanks
 * before a type, the type and blanks, a separator of up to 4 characters (`:::=`), blanks, opening quote (2).
 */
const GAP_MAX = 2 + 1 + BLANKS_MAX + 1 + BLANKS_MAX + TYPE_MAX + BLANKS_MAX + 4 + BLANKS_MAX + 2;
/** The look-behind of every assignment detector: the character before the name, the name, the gap. */
const LOOK_BEHIND = 1 + NAME_MAX + GAP_MAX;

const PENDING = -2;

const isNameChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46 || c === 36 || c === 64;
const isBlank = (c: number): boolean => c === 32 || c === 9;
const isQuote = (c: number): boolean => c === 34 || c === 39 || c === 96;
const isTypeChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 60 || c === 62 || c === 91 || c === 93 || c === 63;
const isLetterCode = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * After a name (or its `:`), a type and then a lone `=` (`string =`, `String? =`): the index just past the `=`,
 * or -1. Bounded by {@link TYPE_MAX} and {@link BLANKS_MAX}, as {@link GAP_MAX} counts on.
 */
function typedAssignment(text: string, from: number): number {
  let k = from;
  const blanks = k;
  while (k < text.length && k - blanks < BLANKS_MAX && isBlank(text.charCodeAt(k))) k++;
  if (!isLetterCode(text.charCodeAt(k))) return -1;
  const type = k;
  while (k < text.length && k - type < TYPE_MAX && isTypeChar(text.charCodeAt(k))) k++;
  const after = k;
  while (k < text.length && k - after < BLANKS_MAX && isBlank(text.charCodeAt(k))) k++;
  if (text.charCodeAt(k) !== 61) return -1;
  const next = text.charCodeAt(k + 1);
  return next === 61 || next === 62 ? -1 : k + 1;
}

/**
 * Characters that end an unquoted value: blanks, line breaks, quotes and the punctuation that closes code; `&` only
 * in a URL query (`?password=x&user=y`), since `.env` and INI passwords may contain it.
 */
function endsUnquoted(c: number, query: boolean): boolean {
  return (
    c <= 32 ||
    isQuote(c) ||
    c === 44 || // ,
    c === 59 || // ;
    (c === 38 && query) || // &
    c === 40 || // (
    c === 41 || // )
    c === 91 || // [
    c === 93 || // ]
    c === 123 || // {
    c === 125 || // }
    c === 60 || // <
    c === 62 || // >
    c === 92 || // \ (an escaped line break in JSON or .env)
    c === 124 // |
  );
}

/**
 * True when an XML element's closing tag (`</`) follows at `i`, after at most {@link BLANKS_MAX} blanks or line
 * breaks: `<password>x</password>` is a value, `<password>@localhost` (a placeholder in a URL) is not.
 */
function closesElement(text: string, i: number): boolean {
  let k = i;
  while (k < text.length && k - i < BLANKS_MAX && text.charCodeAt(k) <= 32) k++;
  return text.startsWith('</', k);
}

interface Parsed {
  /** Value start, or PENDING / -1 when there is none yet / none at all. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  quoted: boolean;
  comma: boolean;
}

const NONE: Parsed = { start: -1, end: -1, nameStart: 0, nameEnd: 0, quoted: false, comma: false };

/** Parses the assignment whose name ends at `nameEnd`; `final` says the text ends for good at its end. */
function parse(text: string, keywordStart: number, nameEnd: number, final: boolean): Parsed | null {
  const len = text.length;
  if (nameEnd >= len || isNameChar(text.charCodeAt(nameEnd))) return null;
  let nameStart = keywordStart;
  while (nameStart > 0 && nameEnd - nameStart < NAME_MAX && isNameChar(text.charCodeAt(nameStart - 1))) nameStart--;
  if (nameStart > 0 && isNameChar(text.charCodeAt(nameStart - 1))) return null;
  const before = nameStart > 0 ? text.charCodeAt(nameStart - 1) : -1;
  // `https://x-access-token:ghp_…@github.com`, `/api/token:refresh`: a URL, not an assignment.
  if (before === 47) return null;
  const flag = text.charCodeAt(nameStart) === 45;
  let i = nameEnd;
  // A quoted name (`"password":`, `\"token\":`, `ENV['API_KEY'] =`) may be followed by its closing quote and `]`.
  let quotedName = false;
  if (isQuote(text.charCodeAt(i))) {
    quotedName = true;
    i++;
  } else if (text.charCodeAt(i) === 92 && isQuote(text.charCodeAt(i + 1))) {
    quotedName = true;
    i += 2;
  }
  if (text.charCodeAt(i) === 93) i++;
  const blanksFrom = i;
  while (i < len && i - blanksFrom < BLANKS_MAX && isBlank(text.charCodeAt(i))) i++;
  const spaced = i > blanksFrom;
  if (i >= len) return null;
  // The separator: `=`, `==`, `=>`, `:`, `:=`, `::=`, `:::=`, `?=`, `.=`; `>` after `<name`; `,` after a
  // quoted name (a call's arguments); a blank after a command-line flag.
  const c = text.charCodeAt(i);
  const next = i + 1 < len ? text.charCodeAt(i + 1) : -1;
  if (c === 61) {
    // `=`, `=>`, `==`, `===`: at most four characters, which GAP_MAX counts on.
    const sepStart = i;
    i += next === 62 ? 2 : 1;
    while (i < len && text.charCodeAt(i) === 61 && i - sepStart < 3) i++;
  } else if (c === 58) {
    let j = i;
    while (j < len && j - i < 3 && text.charCodeAt(j) === 58) j++;
    if (j < len && text.charCodeAt(j) === 61) i = j + 1;
    else if (j - i === 1) {
      // `token: string = "…"` (TypeScript, Kotlin): the value follows the type's `=`.
      const typed = typedAssignment(text, j);
      i = typed === -1 ? j : typed;
    } else return null;
  } else if ((c === 63 || c === 46) && next === 61) {
    i += 2;
  } else if (c === 62 && before === 60) {
    i += 1;
  } else if (c === 44 && quotedName) {
    // `("API_TOKEN", "…")`: a call's arguments; the value must be quoted too (checked below).
    i += 1;
  } else if (spaced && !flag && typedAssignment(text, i) !== -1) {
    // `var token string = "…"` (Go).
    i = typedAssignment(text, i);
  } else if (!(flag && spaced)) {
    return null;
  }
  if (i >= len) return null;
  const xml = c === 62;
  const gapFrom = i;
  while (i < len && i - gapFrom < BLANKS_MAX && (isBlank(text.charCodeAt(i)) || (xml && (text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13)))) i++;
  if (i >= len) return null;
  // The opening quote, plain or escaped (`\"` inside a JSON string).
  let quote = -1;
  let escaped = false;
  const q = text.charCodeAt(i);
  if (isQuote(q)) {
    quote = q;
    i++;
  } else if (q === 92 && i + 1 < len && isQuote(text.charCodeAt(i + 1))) {
    quote = text.charCodeAt(i + 1);
    escaped = true;
    i += 2;
  } else if (q === 92 && i + 1 >= len) {
    // An escaped quote cut after its backslash: the value would start past the end, nothing to hold.
    return null;
  }
  const start = i;
  if (start >= len) return null;
  if (c === 44 && quote === -1) return null;
  const quoted = quote !== -1;
  const comma = c === 44;
  const limit = start + MAX_VALUE;
  if (quote === -1) {
    const query = before === 63 || before === 38 || before === 35;
    while (i < len && i <= limit && !endsUnquoted(text.charCodeAt(i), query)) i++;
    if (i > limit) return NONE;
    if (xml) {
      // An element's value counts only when its closing tag follows; until that is decided, it is pending.
      if (closesElement(text, i)) return { start, end: i, nameStart, nameEnd, quoted, comma };
      return final || i + BLANKS_MAX + 2 <= len ? NONE : { start, end: PENDING, nameStart, nameEnd, quoted, comma };
    }
    if (i >= len) return { start, end: final ? i : PENDING, nameStart, nameEnd, quoted, comma };
    // `token = getToken()`: a call, not a literal.
    if (text.charCodeAt(i) === 40) return NONE;
    return { start, end: i, nameStart, nameEnd, quoted, comma };
  }
  while (i < len && i <= limit) {
    const v = text.charCodeAt(i);
    if (v === quote || v === 92 || v === 10 || v === 13) break;
    i++;
  }
  if (i > limit) return NONE;
  if (i >= len) return { start, end: final ? i : PENDING, nameStart, nameEnd, quoted, comma };
  const stop = text.charCodeAt(i);
  if (escaped) {
    // `\"value\"`: the value ends at a backslash that escapes the closing quote.
    if (stop !== 92) return NONE;
    if (i + 1 >= len) return { start, end: final ? i : PENDING, nameStart, nameEnd, quoted, comma };
    return text.charCodeAt(i + 1) === quote ? { start, end: i, nameStart, nameEnd, quoted, comma } : NONE;
  }
  return stop === quote ? { start, end: i, nameStart, nameEnd, quoted, comma } : NONE;
}


/** Every assignment found in a text, in order of value start: computed once per scan, shared by the kinds. */
interface AssignmentList {
  readonly entries: Parsed[];
  /** The site of each entry, and its value once a kind's name check has passed. */
  readonly sites: AssignmentSite[];
  readonly values: (string | undefined)[];
}

/** Value starts no assignment kind accepts (references, templates): such entries are not kept at all. */
const NEVER_A_VALUE_START = new Set([36, 37, 123, 60, 91, 40]); // $ % { < [ (
/** The shortest value any assignment kind accepts. */
const MIN_VALUE = 6;

/** The per-scan slot in {@link FindMemo.shared}. */
interface SharedAssignments {
  list?: AssignmentList;
  text?: string;
}

/** The name checks of every assignment kind created: an entry no kind could name is not kept (nor its site). */
const NAME_CHECKS: ((site: AssignmentSite) => boolean)[] = [];

/** Parses every keyword occurrence of `text` (as a whole text) into the assignments some kind could name. */
function scanAssignments(text: string): AssignmentList {
  const entries: Parsed[] = [];
  const sites: AssignmentSite[] = [];
  const keywords = new RegExp(ASSIGNMENT_KEYWORDS.source, ASSIGNMENT_KEYWORDS.flags);
  for (;;) {
    const m = keywords.exec(text);
    if (m === null) break;
    const nameEnd = m.index + m[0].length;
    const parsed = parse(text, m.index, nameEnd, true);
    if (parsed === null || parsed.start < 0 || parsed.end - parsed.start < MIN_VALUE) continue;
    if (NEVER_A_VALUE_START.has(text.charCodeAt(parsed.start))) continue;
    // Values start after their names, so entries come in order; keep it that way for the binary search.
    const last = entries[entries.length - 1];
    if (last !== undefined && parsed.start <= last.start) continue;
    const site = siteOf(text, parsed);
    if (!NAME_CHECKS.some((check) => check(site))) continue;
    entries.push(parsed);
    sites.push(site);
  }
  return { entries, sites, values: [] };
}

/**
 * Creates a detector from an {@link AssignmentSpec}. Candidates are values; the name and separator before them are
 * look-behind (at most {@link LOOK_BEHIND} characters), so the stream masker keeps them as context. Detectors
 * handed the same memo group by the scan engine share one {@link scanAssignments} pass.
 *
 * @example
 * const detector = createAssignmentDetector(spec);
 * detector.find('DB_PASSWORD=hunter2pass', 0); // { start: 12, end: 23 }
 */
export function createAssignmentDetector(spec: AssignmentSpec): Detector {
  const keywords = new RegExp(ASSIGNMENT_KEYWORDS.source, ASSIGNMENT_KEYWORDS.flags);
  const maxValue = Math.min(spec.maxValue, MAX_VALUE);
  NAME_CHECKS.push(spec.name);
  // A value's decision reads up to MAX_VALUE characters, its closing quote and one character after it, or for an
  // XML element the blanks and `</` after it.
  const maxLength = MAX_VALUE + 3 + BLANKS_MAX + 2;

  function accept(text: string, list: AssignmentList, k: number): boolean {
    const parsed = list.entries[k] as Parsed;
    if (parsed.end - parsed.start > maxValue) return false;
    const site = list.sites[k] as AssignmentSite;
    return spec.name(site) && spec.value((list.values[k] ??= text.slice(parsed.start, parsed.end)), site);
  }

  return {
    kind: spec.kind,
    maxLength,
    lookBehind: LOOK_BEHIND,
    regexes: [keywords],
    find(text: string, from: number, memo: FindMemo = {}): DetectorMatch | null {
      const slots = (memo.shared ??= {});
      const shared = (slots['assignments'] ??= {}) as SharedAssignments;
      if (shared.list === undefined || shared.text !== text) {
        shared.list = scanAssignments(text);
        shared.text = text;
      }
      const list = shared.list;
      // First entry whose value starts at or after `from`.
      let lo = 0;
      let hi = list.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((list.entries[mid] as Parsed).start < from) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < list.entries.length; k++) {
        if (accept(text, list, k)) {
          const parsed = list.entries[k] as Parsed;
          return { start: parsed.start, end: parsed.end };
        }
      }
      return null;
    },
    tailStart(text: string, from: number): number {
      keywords.lastIndex = Math.max(0, from - LOOK_BEHIND);
      for (;;) {
        const m = keywords.exec(text);
        if (m === null) return text.length;
        const parsed = parse(text, m.index, m.index + m[0].length, false);
        // Only a value this kind's name check accepts is worth holding back.
        if (parsed !== null && parsed.end === PENDING && parsed.start >= from && spec.name(siteOf(text, parsed))) return parsed.start;
      }
    },
  };
}

/**
 * The site of a value whose name is known from structure rather than text (a JSON member's key): quoted, not a
 * flag, nothing before the name.
 *
 * @example
 * siteForName('DB_PASSWORD').normalized; // 'dbpassword'
 */
export function siteForName(name: string): AssignmentSite {
  return { name, normalized: name.toLowerCase().replace(/[_.$@-]/g, ''), before: -1, quoted: true, flag: false, comma: false };
}

function siteOf(text: string, parsed: Parsed): AssignmentSite {
  const raw = text.slice(parsed.nameStart, parsed.nameEnd);
  const flag = raw.startsWith('-');
  const name = flag ? raw.replace(/^-{1,2}/, '') : raw;
  const before = parsed.nameStart > 0 ? text.charCodeAt(parsed.nameStart - 1) : -1;
  return { name, normalized: name.toLowerCase().replace(/[_.$@-]/g, ''), before, quoted: parsed.quoted, flag, comma: parsed.comma };
}
