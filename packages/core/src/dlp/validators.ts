// Second-stage checks run in code on regex candidates: structure, checksums and boundaries regexes can't express linearly.

import { isIssuedCardNumber } from './card-issuers.js';
import { IBAN_LENGTHS, gs1CheckValid, ibanChecksumValid, luhnValid } from './checksums.js';

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
 * style, groups shaped like printed cards (first group of 4, then 3–6), Luhn-valid, in a card issuer's range with
 * that issuer's length (ranges from Braintree's `credit-card-type`), not an IMEI or a barcode, and not glued to a
 * word, a longer number or a decimal part. Returns the longest valid prefix ending on a group boundary.
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
    if (digits.length >= 13 && shaped && numberEndsAt(text, i) && luhnValid(digits) && isCardNumber(digits, groups === 1)) {
      best = i;
    }
    if (i >= end) break;
    const sep = text.charCodeAt(i);
    if (sep !== 32 && sep !== 45) break;
    if (separator === -1) separator = sep;
    else if (sep !== separator) break;
    i++;
  }
  return best;
}

/**
 * Whether Luhn-valid `digits` are a card: an issuer (Visa, Mastercard, Amex, Discover, JCB, UnionPay, Maestro, …)
 * issues that prefix at that length. 15 digits are only Amex's (34/37): other 15-digit Luhn numbers are IMEIs.
 * An ungrouped 13- or 14-digit number that also carries a valid GS1 check digit is an EAN/GTIN barcode, and an
 * ungrouped run of 17–19 digits is an id or a hash (real agent traces hold Luhn-valid ones by the handful).
 *
 * @example
 * isCardNumber('4111111111111111', true); // true
 * isCardNumber('490154203237518', true); // false (an IMEI)
 */
export function isCardNumber(digits: string, ungrouped: boolean): boolean {
  const n = digits.length;
  if (n === 15 && !(digits.startsWith('34') || digits.startsWith('37'))) return false;
  // 17–19 digits in one run are ids and hashes (snowflakes, hash() output); longer cards are printed grouped.
  if (ungrouped && n > 16) return false;
  if (ungrouped && (n === 13 || n === 14) && gs1CheckValid(digits)) return false;
  return isIssuedCardNumber(digits);
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
 * IBAN check: a known country code, the registry length for that country, a valid mod-97 checksum, and no
 * alphanumeric character right after. Groups may be separated by single spaces or single dashes (one style per
 * IBAN) in any grouping (`DE89 3704 0044 …`, `FR76 30006 00001 …`, `GB82-WEST-1234-…`).
 *
 * @example
 * resolveIban('GB82 WEST 1234 5698 7654 32', 0, 27); // 27
 * resolveIban('DE89370400440532013001', 0, 22); // -1 (checksum)
 */
export function resolveIban(text: string, start: number, end: number): number {
  const length = IBAN_LENGTHS.get(text.slice(start, start + 2));
  if (length === undefined) return -1;
  let compact = text.slice(start, start + 4);
  let i = start + 4;
  let separator = -1;
  while (compact.length < length) {
    if (i >= end) return -1;
    let c = text.charCodeAt(i);
    if (c === 32 || c === 45) {
      if (separator === -1) separator = c;
      else if (c !== separator) return -1;
      i++;
      c = text.charCodeAt(i);
    }
    if (!isDigit(c) && !isUpper(c)) return -1;
    compact += text[i];
    i++;
  }
  if (i < text.length && isAlnum(text.charCodeAt(i))) return -1;
  // A dash and more characters after: part of a longer identifier, not an IBAN.
  if (separator === 45 && text.charCodeAt(i) === 45 && i + 1 < text.length && isAlnum(text.charCodeAt(i + 1))) return -1;
  return ibanChecksumValid(compact) ? i : -1;
}

/**
 * Phone candidates: NANP-shaped matches are precise already; international `+CC …` runs are parsed into
 * digit groups (single space, dot or dash between them, optional `(…)` groups) and accepted with 8–15 digits
 * (E.164), and only when the run really ends there. A run with a single dot as its only separator is a signed
 * decimal (`+12.3456789`, a coordinate), and one digit repeated after the first (`+20000000`) is a count.
 *
 * @example
 * resolvePhone('+1 555 123 4567', 0, 15); // 15
 * resolvePhone('+12.3456789', 0, 11); // -1
 */
export function resolvePhone(text: string, start: number, end: number): number {
  if (text.charCodeAt(start) !== 43) return end;
  let i = start + 1;
  let digits = 0;
  let separated = false;
  let last = -1;
  let afterParen = false;
  let dots = 0;
  let others = 0;
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
    if (sep === 46) dots++;
    else others++;
    i++;
  }
  if (last === -1 || digits < 8) return -1;
  if (dots === 1 && others === 0) return -1;
  if (!separated && /^\+[0-9]0+$|^\+[0-9]([0-9])\1+$/.test(text.slice(start, last))) return -1;
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

/** Longest userinfo walked back over to find the `//` of a URL before a candidate e-mail's local part. */
const USERINFO_MAX = 64;

/**
 * True when the local part starting at `start` is a URL's userinfo: right after `//` (`https://user@host`), or
 * after `user:` of `//user:password@host`. `mailto:jane@example.com` stays an address.
 *
 * @example
 * isUrlUserinfo('https://bob:pw@example.com', 12); // true
 */
export function isUrlUserinfo(text: string, start: number): boolean {
  const prev = text.charCodeAt(start - 1);
  if (prev === 47) return text.charCodeAt(start - 2) === 47;
  if (prev !== 58) return false;
  let i = start - 1;
  while (i > 0 && start - i <= USERINFO_MAX) {
    const c = text.charCodeAt(i - 1);
    if (c === 47) return text.charCodeAt(i - 2) === 47;
    if (c <= 32 || c === 64 || c === 34 || c === 39 || c === 60 || c === 62) return false;
    i--;
  }
  return false;
}

/**
 * E-mail check on `local@domain`: not a URL's userinfo, trims trailing dots and dashes off the domain (sentence
 * punctuation), then requires at least two labels of 1–63 characters that don't start or end with `-`, and an alphabetic TLD.
 *
 * @example
 * resolveEmail('mail jane.doe@example.com.', 5, 26); // 25
 * resolveEmail('user@localhost', 0, 14); // -1
 */
export function resolveEmail(text: string, start: number, end: number): number {
  const at = text.indexOf('@', start);
  if (at === -1 || at >= end) return -1;
  if (isUrlUserinfo(text, start)) return -1;
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
  // Labels walked in place (no split): adversarial text can hold a candidate every few characters.
  let labels = 0;
  let labelStart = at + 1;
  for (let i = at + 1; i <= stop; i++) {
    if (i < stop && text.charCodeAt(i) !== 46) continue;
    const length = i - labelStart;
    if (length === 0 || length > 63 || text.charCodeAt(labelStart) === 45 || text.charCodeAt(i - 1) === 45) return -1;
    labels++;
    if (i === stop) {
      // The last label is the TLD: two letters or more.
      if (labels < 2 || length < 2) return -1;
      for (let j = labelStart; j < stop; j++) {
        const c = text.charCodeAt(j);
        if (!isUpper(c) && !isLower(c)) return -1;
      }
    }
    labelStart = i + 1;
  }
  return stop;
}
