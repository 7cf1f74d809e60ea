// Second-stage checks run in code on regex candidates: structure, checksums and boundaries regexes can't express linearly.

import { IBAN_LENGTHS, ibanChecksumValid, luhnValid } from './checksums.js';

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isUpper = (code: number): boolean => code >= 65 && code <= 90;
const isLower = (code: number): boolean => code >= 97 && code <= 122;
const isAlnum = (code: number): boolean => isDigit(code) || isUpper(code) || isLower(code);
const isWord = (code: number): boolean => isAlnum(code) || code === 95;

/**
 * Accepts `[start, end)` when the part after `skip` characters holds at least one digit and one letter.
 * Real keys are random, so they always do; identifiers such as `sk-this-is-a-long-slug` don't.
 *
 * @example
 * requireDigitAndLetter(3)('sk-abc123abc123abc123abc', 0, 24); // 24
 * requireDigitAndLetter(3)('sk-task-management-system', 0, 25); // -1
 */
export function requireDigitAndLetter(skip: number): (text: string, start: number, end: number) => number {
  return (text, start, end) => {
    let digit = false;
    let letter = false;
    for (let i = start + skip; i < end; i++) {
      const c = text.charCodeAt(i);
      if (isDigit(c)) digit = true;
      else if (isUpper(c) || isLower(c)) letter = true;
      if (digit && letter) return end;
    }
    return -1;
  };
}

/**
 * Payment card check on a run of digits with optional single spaces or dashes: 13–19 digits, one separator
 * style, groups shaped like printed cards (first group of 4, then 3–6), Luhn-valid, and not glued to a word,
 * a longer number or a decimal part. Returns the longest valid prefix ending on a group boundary.
 *
 * @example
 * resolveCard('4111 1111 1111 1111', 0, 19); // 19
 * resolveCard('4111 1111 1111 1112', 0, 19); // -1 (Luhn)
 */
export function resolveCard(text: string, start: number, end: number): number {
  let i = start;
  let digits = '';
  let groups = 0;
  let firstGroup = 0;
  let separator = -1;
  let best = -1;
  while (i < end) {
    const groupStart = i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    const length = i - groupStart;
    if (length === 0) break;
    groups++;
    digits += text.slice(groupStart, i);
    if (digits.length > 19) break;
    if (groups === 1) firstGroup = length;
    else if (length < 3 || length > 6) break;
    const shaped = groups === 1 || firstGroup === 4;
    if (digits.length >= 13 && shaped && numberEndsAt(text, i) && luhnValid(digits)) best = i;
    if (i >= end) break;
    const sep = text.charCodeAt(i);
    if (sep !== 32 && sep !== 45) break;
    if (separator === -1) separator = sep;
    else if (sep !== separator) break;
    i++;
  }
  return best;
}

/** True when a number ending at `i` really ends there: no further digit, no word character, no decimal part. */
function numberEndsAt(text: string, i: number): boolean {
  if (i >= text.length) return true;
  const c = text.charCodeAt(i);
  if (isWord(c)) return false;
  if ((c === 46 || c === 44) && i + 1 < text.length && isDigit(text.charCodeAt(i + 1))) return false;
  return true;
}

/**
 * IBAN check: a known country code, the registry length for that country, either no spaces or a space
 * after every group of four, no alphanumeric character right after, and a valid mod-97 checksum.
 *
 * @example
 * resolveIban('GB82 WEST 1234 5698 7654 32', 0, 27); // 27
 * resolveIban('DE89370400440532013001', 0, 22); // -1 (checksum)
 */
export function resolveIban(text: string, start: number, _end: number): number {
  const length = IBAN_LENGTHS.get(text.slice(start, start + 2));
  if (length === undefined) return -1;
  const spaced = text.charCodeAt(start + 4) === 32;
  let compact = text.slice(start, start + 4);
  let i = start + 4;
  while (compact.length < length) {
    if (spaced && compact.length % 4 === 0) {
      if (text.charCodeAt(i) !== 32) return -1;
      i++;
    }
    const c = text.charCodeAt(i);
    if (!isDigit(c) && !isUpper(c)) return -1;
    compact += text[i];
    i++;
  }
  if (i < text.length && isAlnum(text.charCodeAt(i))) return -1;
  return ibanChecksumValid(compact) ? i : -1;
}

/**
 * Phone candidates: NANP-shaped matches are precise already; international `+CC …` runs are parsed into
 * digit groups (single space, dot or dash between them, optional `(…)` groups) and accepted with 8–15 digits
 * (E.164), at least 10 when written without separators, and only when the run really ends there.
 *
 * @example
 * resolvePhone('+1 555 123 4567', 0, 15); // 15
 * resolvePhone('+1.2.3', 0, 6); // -1
 */
export function resolvePhone(text: string, start: number, end: number): number {
  if (text.charCodeAt(start) !== 43) return end;
  let i = start + 1;
  let digits = 0;
  let separated = false;
  let last = -1;
  let afterParen = false;
  for (;;) {
    const c = text.charCodeAt(i);
    afterParen = false;
    if (i < end && isDigit(c)) {
      while (i < end && isDigit(text.charCodeAt(i))) {
        i++;
        digits++;
      }
    } else if (i < end && c === 40) {
      let j = i + 1;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
      if (j === i + 1 || j >= end || text.charCodeAt(j) !== 41) break;
      digits += j - i - 1;
      i = j + 1;
      separated = true;
      afterParen = true;
    } else {
      break;
    }
    if (digits > 15) return -1;
    last = i;
    if (i >= end) break;
    const sep = text.charCodeAt(i);
    // `(0)20`: a parenthesised group may touch the next group.
    if (sep === 40 || (afterParen && isDigit(sep))) continue;
    if (sep !== 32 && sep !== 46 && sep !== 45) break;
    const next = i + 1 < end ? text.charCodeAt(i + 1) : -1;
    if (!isDigit(next) && next !== 40) break;
    separated = true;
    i++;
  }
  if (last === -1 || digits < 8 || (!separated && digits < 10)) return -1;
  if (last < text.length) {
    const c = text.charCodeAt(last);
    if (isWord(c)) return -1;
    // A separator followed by more digits means the run went on past what we could parse: not a phone number.
    if ((c === 32 || c === 46 || c === 45) && last + 1 < text.length) {
      const next = text.charCodeAt(last + 1);
      if (isDigit(next) || next === 40) return -1;
    }
  }
  return last;
}

/**
 * Longest domain part the e-mail pattern reads (the RFC 1035 limit).
 *
 * @defaultValue 253
 * @example
 * const maxAddress = 64 + 1 + EMAIL_DOMAIN_MAX; // local part, '@', domain
 */
export const EMAIL_DOMAIN_MAX = 253;

/**
 * E-mail check on `local@domain`: trims trailing dots and dashes off the domain (sentence punctuation), then
 * requires at least two labels of 1–63 characters that don't start or end with `-`, and an alphabetic TLD.
 *
 * @example
 * resolveEmail('mail jane.doe@example.com.', 5, 26); // 25
 * resolveEmail('user@localhost', 0, 14); // -1
 */
export function resolveEmail(text: string, start: number, end: number): number {
  const at = text.indexOf('@', start);
  if (at === -1 || at >= end) return -1;
  // The pattern stops at its bound; a longer domain is not an address we can vouch for.
  if (end - at - 1 >= EMAIL_DOMAIN_MAX && end < text.length) {
    const c = text.charCodeAt(end);
    if (isAlnum(c) || c === 46 || c === 45) return -1;
  }
  let stop = end;
  while (stop > at + 1) {
    const c = text.charCodeAt(stop - 1);
    if (c !== 46 && c !== 45) break;
    stop--;
  }
  const labels = text.slice(at + 1, stop).split('.');
  if (labels.length < 2) return -1;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return -1;
  }
  const tld = labels[labels.length - 1] ?? '';
  if (tld.length < 2) return -1;
  for (let i = 0; i < tld.length; i++) {
    const c = tld.charCodeAt(i);
    if (!isUpper(c) && !isLower(c)) return -1;
  }
  return stop;
}
