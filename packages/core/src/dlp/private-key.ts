// Private key block detector: a PEM/OpenSSH/PGP header, then base64 lines walked in code, up to the footer.
//
// A regex with a lazy body up to `-----END` would rescan up to its bound from every header (quadratic on text
// full of headers); walking line by line reads each character once and can say "undecided" at a stream's end.

import type { Detector, DetectorMatch } from './detector.js';

/**
 * Longest key block masked as one match (a 4096-bit RSA PEM is ~3.3 KB, PGP blocks with subkeys a few KB more);
 * a longer block is masked up to this length. It is also what bounds the stream masker's hold-back.
 *
 * @defaultValue 16384
 * @example
 * PRIVATE_KEY_MAX_LENGTH; // 16384
 */
export const PRIVATE_KEY_MAX_LENGTH = 16_384;

const HEADER = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
const FOOTER = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
/** PEM/PGP armour headers such as `Proc-Type: 4,ENCRYPTED`, only allowed before the base64 body. */
const FIELD = /[A-Za-z][A-Za-z0-9-]{0,31}: /y;
/** An unfinished header at the very end of a stream buffer. */
const PARTIAL_HEADER = /(?:-{1,5}(?:B|BE|BEG|BEGI)?|-----BEGIN[A-Z0-9 ]{0,64}-{0,4})$/g;

/** Longest footer: `-----END ` + 40 + `PRIVATE KEY BLOCK-----`. */
const FOOTER_MAX = 72;
const MAX_FIELDS = 4;
const MAX_FIELD_LINE = 128;
const MAX_BLANK_LINES = 2;
const MAX_INDENT = 32;
/** A masked block must carry at least this much base64, so a bare header mentioned in prose is left alone. */
const MIN_BASE64 = 16;
/** In one-line form (newlines flattened to spaces) tokens must look like key lines, not words. */
const MIN_FLAT_TOKEN = 16;

const FLAT_FOOTER = ' -----END';

const PENDING = -2;
const REJECT = -1;

const isBase64 = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;

/**
 * Length of the line break at `i`: `\n`, `\r\n`, `\r`, or the two-character escape `\n` (`\r\n`) as found in
 * JSON or `.env` values; `0` when there is none; {@link PENDING} when the text ends inside one and `final` is false.
 */
function breakAt(text: string, i: number, final: boolean): number {
  const c = text.charCodeAt(i);
  if (c === 10) return 1;
  if (c === 13) {
    if (i + 1 >= text.length) return final ? 1 : PENDING;
    return text.charCodeAt(i + 1) === 10 ? 2 : 1;
  }
  if (c !== 92) return 0;
  if (i + 1 >= text.length) return final ? 0 : PENDING;
  const next = text.charCodeAt(i + 1);
  if (next === 110) return 2;
  if (next !== 114) return 0;
  if (i + 3 >= text.length && !final) return PENDING;
  return text.startsWith('\\n', i + 2) ? 4 : 2;
}

/**
 * Walks the body after a header ending at `headerEnd`. Returns the block's end, {@link REJECT} when it isn't a
 * key, or {@link PENDING} when the answer depends on text past the end (only when `final` is false).
 */
function walk(text: string, start: number, headerEnd: number, final: boolean): number {
  const limit = start + PRIVATE_KEY_MAX_LENGTH;
  const len = text.length;
  let pos = headerEnd;
  let goodEnd = headerEnd;
  let base64 = 0;
  let fields = 0;
  let blanks = 0;
  let flat: boolean | undefined;
  const settle = (): number => (base64 >= MIN_BASE64 ? goodEnd : REJECT);

  while (pos < limit) {
    if (pos >= len) return final ? settle() : PENDING;
    // Separator: a line break, or a single space when the block was flattened onto one line.
    let sep: number;
    if (flat === true) sep = text.charCodeAt(pos) === 32 ? 1 : 0;
    else if (flat === undefined && isBlank(text.charCodeAt(pos))) {
      // Spaces after the header: trailing whitespace before a line break, or a block flattened onto one line.
      let j = pos;
      while (j < len && j - pos < MAX_INDENT && isBlank(text.charCodeAt(j))) j++;
      if (j >= len && !final) return PENDING;
      const lineBreak = j < len ? breakAt(text, j, final) : 0;
      if (lineBreak === PENDING) return PENDING;
      if (lineBreak > 0) {
        flat = false;
        sep = j - pos + lineBreak;
      } else {
        flat = true;
        sep = text.charCodeAt(pos) === 32 && !isBlank(text.charCodeAt(pos + 1)) ? 1 : 0;
      }
    } else {
      sep = breakAt(text, pos, final);
      if (sep > 0) flat = false;
    }
    if (sep === PENDING) return PENDING;
    if (sep <= 0) return settle();
    pos += sep;

    let lineStart = pos;
    if (!flat) {
      while (lineStart < len && lineStart - pos < MAX_INDENT && isBlank(text.charCodeAt(lineStart))) lineStart++;
    }
    if (lineStart >= len) return final ? settle() : PENDING;
    if (text.charCodeAt(lineStart) === 45) {
      FOOTER.lastIndex = lineStart;
      if (FOOTER.test(text)) return base64 >= MIN_BASE64 ? FOOTER.lastIndex : REJECT;
      if (!final && len - lineStart < FOOTER_MAX) return PENDING;
      return settle();
    }

    // Read the line (or flat token) up to its terminator, never past the size bound.
    let q = lineStart;
    let allBase64 = true;
    for (; q < len && q < limit; q++) {
      const c = text.charCodeAt(q);
      if (c === 10 || c === 13 || c === 92 || (flat && c === 32)) break;
      if (!isBase64(c)) allBase64 = false;
    }
    if (q >= len && q < limit && !final) return PENDING;
    let contentEnd = q;
    if (!flat) {
      while (contentEnd > lineStart && isBlank(text.charCodeAt(contentEnd - 1))) contentEnd--;
    }
    const length = contentEnd - lineStart;
    if (length === 0) {
      if (flat || ++blanks > MAX_BLANK_LINES) return settle();
    } else if (allBase64 || (!flat && onlyBase64(text, lineStart, contentEnd))) {
      if (flat && length < MIN_FLAT_TOKEN && text.charCodeAt(contentEnd - 1) !== 61 && q < limit) {
        // A short unpadded token is only the last line of a flattened block, right before its footer.
        if (!final && len - q < FLAT_FOOTER.length && FLAT_FOOTER.startsWith(text.slice(q))) return PENDING;
        if (!text.startsWith(FLAT_FOOTER, q)) return settle();
      }
      base64 += length;
      goodEnd = contentEnd;
      blanks = 0;
    } else {
      FIELD.lastIndex = lineStart;
      const field = !flat && base64 === 0 && fields < MAX_FIELDS && length <= MAX_FIELD_LINE && FIELD.test(text);
      if (!field) return settle();
      fields++;
      goodEnd = contentEnd;
      blanks = 0;
    }
    pos = q;
  }
  return settle();
}

const isBlank = (c: number): boolean => c === 32 || c === 9;

function onlyBase64(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isBase64(text.charCodeAt(i))) return false;
  return true;
}

/** The header at `at`, as its end offset, or -1. */
function headerEnd(text: string, at: number): number {
  HEADER.lastIndex = at;
  return HEADER.test(text) ? HEADER.lastIndex : -1;
}

/**
 * Creates the `private_key` detector. A block is masked from its header to its footer; a block cut short
 * (no footer) is masked from the header through its last base64 line, so truncated pastes don't leak either.
 *
 * @example
 * const detector = createPrivateKeyDetector();
 * detector.find(pem, 0); // { start: 0, end: pem.length }
 */
export function createPrivateKeyDetector(): Detector {
  return {
    kind: 'private_key',
    // The walk stops starting lines at the size bound, but may still read an indent, a line break and a footer.
    maxLength: PRIVATE_KEY_MAX_LENGTH + MAX_INDENT + FOOTER_MAX + 8,
    regexes: [HEADER, FOOTER, FIELD, PARTIAL_HEADER],
    find(text: string, from: number): DetectorMatch | null {
      let i = from;
      for (;;) {
        const at = text.indexOf('-----BEGIN ', i);
        if (at === -1) return null;
        const end = headerEnd(text, at);
        if (end !== -1) {
          const blockEnd = walk(text, at, end, true);
          if (blockEnd > at) return { start: at, end: blockEnd };
        }
        i = at + 1;
      }
    },
    tailStart(text: string, from: number): number {
      let i = from;
      for (;;) {
        const at = text.indexOf('-----BEGIN ', i);
        if (at === -1) break;
        const end = headerEnd(text, at);
        if (end !== -1) {
          const blockEnd = walk(text, at, end, false);
          if (blockEnd === PENDING) return at;
          if (blockEnd > at) {
            i = blockEnd;
            continue;
          }
        }
        i = at + 1;
      }
      PARTIAL_HEADER.lastIndex = from;
      const m = PARTIAL_HEADER.exec(text);
      return m === null ? text.length : m.index;
    },
  };
}
