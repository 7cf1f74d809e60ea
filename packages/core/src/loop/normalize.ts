// Text normalization for the "same prompt, cosmetically different" hash and for the word sketch.

// Only runs that are not already a single space: ordinary text then costs no replacements at all.
const WHITESPACE = /\s{2,}|[^\S ]/g;

function isTrailingPunctuation(c: number): boolean {
  switch (c) {
    case 0x20: // space left by the collapse
    case 0x21: // !
    case 0x2c: // ,
    case 0x2e: // .
    case 0x3a: // :
    case 0x3b: // ;
    case 0x3f: // ?
    case 0x2026: // …
    case 0x3001: // 、
    case 0x3002: // 。
    case 0xff01: // ！
    case 0xff0c: // ，
    case 0xff0e: // ．
    case 0xff1a: // ：
    case 0xff1b: // ；
    case 0xff1f: // ？
      return true;
    default:
      return false;
  }
}

/**
 * Case-folds a text, collapses every whitespace run to one space, trims it, and strips sentence punctuation
 * from its end. Agents that re-send a prompt with a changed capital, an extra newline or a dropped "?" are
 * still re-sending it. The whitespace regex has no nested quantifiers, so it is linear on any input.
 *
 * @example
 * normalizeText('  Analyze THIS\n\n data?! '); // 'analyze this data'
 */
export function normalizeText(text: string): string {
  const t = text.toLowerCase().replace(WHITESPACE, ' ');
  let end = t.length;
  while (end > 0 && isTrailingPunctuation(t.charCodeAt(end - 1))) end--;
  const start = t.charCodeAt(0) === 0x20 ? 1 : 0;
  return start === 0 && end === t.length ? t : t.slice(start, Math.max(start, end));
}
