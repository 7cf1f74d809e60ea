// Hamming distance between 64-bit sketches kept as 16 hex chars, in 32-bit halves as a Lua port must do it.

const HALF = 8;

function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function isHex16(s: string): boolean {
  if (s.length !== 2 * HALF) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * Number of differing bits between two 64-bit values written as 16 lowercase hex chars. Each value is read as
 * two 32-bit halves (chars 1–8 and 9–16), which is all a Redis Lua script can hold exactly in a number.
 * Anything that is not 16 lowercase hex chars (notably the empty "no sketch" value) is as far as possible: 64.
 *
 * @example
 * hammingHex64('0000000000000000', '0000000000000003'); // 2
 * hammingHex64('', 'ffffffffffffffff'); // 64
 */
export function hammingHex64(a: string, b: string): number {
  if (!isHex16(a) || !isHex16(b)) return 64;
  const hi = parseInt(a.slice(0, HALF), 16) ^ parseInt(b.slice(0, HALF), 16);
  const lo = parseInt(a.slice(HALF), 16) ^ parseInt(b.slice(HALF), 16);
  return popcount32(hi) + popcount32(lo);
}
