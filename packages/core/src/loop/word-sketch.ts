// The 64-bit word sketch behind near-repeat detection: Hamming distance between sketches tracks changed words.

/** Words read per step; a bound on CPU for huge prompts (exact hashes still cover everything). */
const SKETCH_MAX_WORDS = 4000;
/** Fewer distinct words than this and similarity means nothing: no sketch. */
const SKETCH_MIN_DISTINCT_WORDS = 4;
/** Texts shorter than this many words only match a text with the same set of words. */
const SKETCH_SHORT_TEXT_WORDS = 15;
/** Distinct words sampled (the smallest hashes) from longer texts. */
const SKETCH_SAMPLE = 64;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SALT_BIT = 0x27d4eb2f;
const SALT_HI = 0x7f4a7c15;
const SALT_LO = 0x9e3779b9;

// Reused across calls: fingerprinting is synchronous, and this is the only allocation proportional to text size.
const scratch = new Uint32Array(SKETCH_MAX_WORDS);

function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Letters, digits and `_` of any script; whitespace, ASCII punctuation and the common Unicode punctuation blocks end a word. */
function isWordChar(c: number): boolean {
  if (c < 0x80) return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
  if (c <= 0xbf) return false;
  if (c >= 0x2000 && c <= 0x206f) return false;
  if (c >= 0x2e00 && c <= 0x2e7f) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  if (c >= 0xff00 && c <= 0xff0f) return false;
  if (c >= 0xff1a && c <= 0xff20) return false;
  return true;
}

/** Scripts written without spaces: each character is a word of its own, or a whole sentence would be one. */
function isIdeograph(c: number): boolean {
  return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);
}

/** ASCII word characters (letters, digits, `_`) as a table: one load per character on the common path. */
const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_WORD[c] = isWordChar(c) ? 1 : 0;

/** Fills `scratch` with one 32-bit hash per word; returns how many (at most 4,000). */
function hashWords(texts: readonly string[]): number {
  let count = 0;
  for (const text of texts) {
    let h = FNV_OFFSET;
    let inWord = false;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      // Ideographs are word characters too (every range of isIdeograph is inside isWordChar's), but words of their own.
      if (c < 0x80 ? ASCII_WORD[c] === 1 : isWordChar(c) && !isIdeograph(c)) {
        h = Math.imul(h ^ c, FNV_PRIME);
        inWord = true;
        continue;
      }
      if (inWord) {
        scratch[count++] = fmix32(h);
        h = FNV_OFFSET;
        inWord = false;
        if (count >= SKETCH_MAX_WORDS) return count;
      }
      if (c >= 0x3040 && isIdeograph(c)) {
        scratch[count++] = fmix32(Math.imul(FNV_OFFSET ^ c, FNV_PRIME));
        if (count >= SKETCH_MAX_WORDS) return count;
      }
    }
    if (inWord) scratch[count++] = fmix32(h);
    if (count >= SKETCH_MAX_WORDS) return count;
  }
  return count;
}

function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return fmix32(h);
}

/** The 256 two-digit hex strings: four lookups per 32 bits instead of a number-to-string conversion and a pad. */
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX_BYTE[x >>> 24]! + HEX_BYTE[(x >>> 16) & 0xff]! + HEX_BYTE[(x >>> 8) & 0xff]! + HEX_BYTE[x & 0xff]!;
}

/**
 * A 64-bit sketch of the words of some texts (already normalized: lower-cased) and of some media stand-ins, as 16 lowercase hex chars,
 * such that the Hamming distance between two sketches grows with the number of words that differ:
 *
 * - The texts are split into words (letters, digits, `_`; each CJK ideograph or kana is a word), at most
 *   4,000, and each word is hashed to 32 bits. Shingles are single words: with longer
 *   shingles one changed word changes several features, and a reworded 15-word prompt drifts too far.
 * - Fewer than 4 distinct words: `''` (no sketch).
 * - Fewer than 15 words: each distinct word XORs in a random 64-bit mask, so the
 *   sketch is a hash of the word *set*: distance 0 for the same words in any order or case, about 32 otherwise.
 *   One changed word in a ten-word prompt is a different request (a list of similar questions), not a loop.
 * - Otherwise: the 64 distinct words with the smallest hashes (consistent sampling, so two
 *   similar texts sample mostly the same words) each flip one bit chosen by their hash. Every word in one
 *   sample and not the other flips one bit, so the distance is the number of differing sampled words (less
 *   rare collisions), saturating near 32 for unrelated texts. Up to 64 distinct words that is an absolute
 *   count (≤ 6 means at most about three substituted words); for longer texts the sample turns it into a
 *   share, and distance ≤ 6 corresponds to a word-set Jaccard similarity of about 0.9.
 * - Each `media` item (an image or file stand-in, see `partToken`) XORs in a random 64-bit mask of its own.
 *
 * This is not a classic sign-of-sums SimHash: at 64 bits, SimHash puts one changed word in fifteen at a
 * distance of about 7 and two at about 10, so a threshold of 6 (similarity 0.9) would miss exactly the
 * paraphrase loops this exists to catch. It is compared the same way (Hamming distance), so nothing
 * downstream cares.
 *
 * @example
 * const a = wordSketch(['please analyze the quarterly sales data for the northern region and list the main trends']);
 * const b = wordSketch(['please analyze the quarterly sales data for the southern region and list the main trends']);
 * hammingHex64(a, b); // 2
 * wordSketch(['hi there']); // ''
 */
export function wordSketch(texts: readonly string[], media: readonly string[] = []): string {
  const words = hashWords(texts);
  const sorted = scratch.subarray(0, words).sort();
  const short = words < SKETCH_SHORT_TEXT_WORDS;
  let hi = 0;
  let lo = 0;
  // One pass: the distinct words taken are counted as they are sampled; the sample (at most 64) decides
  // whether there are enough of them, so the rest of a long text is never walked twice.
  let taken = 0;
  for (let i = 0; i < words && taken < SKETCH_SAMPLE; i++) {
    const h = sorted[i]!;
    if (i > 0 && h === sorted[i - 1]) continue;
    taken++;
    if (short) {
      hi ^= fmix32(h ^ SALT_HI);
      lo ^= fmix32(h ^ SALT_LO);
    } else {
      const bit = fmix32(h ^ SALT_BIT) & 63;
      if (bit < 32) lo ^= 1 << bit;
      else hi ^= 1 << (bit - 32);
    }
  }
  if (taken < SKETCH_MIN_DISTINCT_WORDS) return '';
  // Media cannot be compared by similarity, only by identity: each item moves the sketch ~32 bits, so the
  // same instruction over a new screenshot is far from the last one, while the same screenshot changes nothing.
  for (const item of media) {
    const h = hashString(item);
    hi ^= fmix32(h ^ SALT_HI);
    lo ^= fmix32(h ^ SALT_LO);
  }
  return hex32(hi) + hex32(lo);
}
