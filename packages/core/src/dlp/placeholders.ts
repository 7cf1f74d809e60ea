// Documented example keys and obvious placeholders, which are left in clear so agents can write documentation.

/**
 * Example credentials published in vendors' own documentation (AWS's `…EXAMPLE` key pair, Stripe's and jwt.io's
 * sample values). They are public, can't authenticate anything, and appear in every tutorial an agent quotes.
 * Built from pieces so this file is not itself flagged by secret scanners.
 *
 * @example
 * DOCUMENTED_EXAMPLES.has('AKIA' + 'IOSFODNN7EXAMPLE'); // true
 */
export const DOCUMENTED_EXAMPLES: ReadonlySet<string> = new Set([
  // AWS IAM user guide and CLI docs.
  'AKIA' + 'IOSFODNN7EXAMPLE',
  'AKIA' + 'I44QH8DHBEXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY',
  'je7MtGbClwBF/2Zp9Utk/' + 'h3yCo8nvbEXAMPLEKEY',
  // Stripe API reference.
  'sk_' + 'test_4eC39HqLyjWDarjtT1zdp7dc',
  // The token jwt.io shows by default.
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' +
    'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.' +
    'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
]);

/** Words that mark a value as a stand-in rather than a credential (`sk-your-key-here`, `…EXAMPLEKEY`). */
const PLACEHOLDER_WORDS = /example|placeholder|changeme|your[_-]|[_-]here(?![a-z])|here$|redacted|dummy|replace[_-]?me/i;

/**
 * Eight or more of one character in a row (`xxxxxxxx`, `00000000`, `********`): a stand-in. A random 40-character
 * key has such a run with a probability of about 1e-11 (base64) or 1e-7 (hex).
 */
const LONG_RUN = /(.)\1{7}/;

/**
 * True when `text[start, end)` is a documented example or an obvious placeholder: a vendor's published sample, a
 * body that is one character repeated (`ghp_xxxx…`, `****`), has a run of eight equal or eight ascending characters
 * (`abcdefgh`, `12345678`), or names itself a stand-in (`…EXAMPLE`, `your_api_key`, `key-here`). `bodyFrom` skips a known prefix such as `ghp_` before the repetition check.
 *
 * @defaultValue `bodyFrom` = `start`
 * @example
 * isPlaceholder('ghp_' + 'x'.repeat(36), 0, 40, 4); // true
 * isPlaceholder('AKIA' + 'IOSFODNN7EXAMPLE', 0, 20); // true
 */
export function isPlaceholder(text: string, start: number, end: number, bodyFrom = start): boolean {
  const value = text.slice(start, end);
  if (DOCUMENTED_EXAMPLES.has(value)) return true;
  if (PLACEHOLDER_WORDS.test(value) || LONG_RUN.test(value) || hasAscendingRun(text, start, end)) return true;
  return isRepeated(text, bodyFrom, end);
}

/** Longest run of consecutive ascending characters a random key plausibly has: `abcdefgh`, `12345678` are typed. */
const ASCENDING_RUN = 8;

/** True when `text[start, end)` holds {@link ASCENDING_RUN} letters or digits in alphabet order (`…klmnopqr…`). */
function hasAscendingRun(text: string, start: number, end: number): boolean {
  let run = 1;
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    run = alnum && c === text.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= ASCENDING_RUN) return true;
  }
  return false;
}

/** True when `text[from, to)` is one character repeated, ignoring separators (`xxxx-xxxx`, `0000`). */
function isRepeated(text: string, from: number, to: number): boolean {
  let first = -1;
  let seen = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 45 || c === 95 || c === 46) continue;
    if (first === -1) first = c;
    else if (c !== first) return false;
    seen++;
  }
  return seen >= 4;
}
