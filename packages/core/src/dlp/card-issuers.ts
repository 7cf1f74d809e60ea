// Card issuer ranges and lengths, compiled once from Braintree's `credit-card-type` data (Visa, Mastercard, Amex,
// Discover, JCB, UnionPay, Maestro, Diners, Mir, Elo, Hiper, Troy, Verve, …), which tracks the networks' changes.

import creditCardType from 'credit-card-type';

interface IssuerPrefix {
  /** How many leading digits the range compares. */
  readonly digits: number;
  readonly min: number;
  readonly max: number;
  readonly lengths: readonly number[];
}

/**
 * Every issuer prefix as a numeric range over the first `digits` digits. The library matches partial input for
 * forms (and clones its tables per call); the scanner only needs "is this whole number in a range at this length".
 */
const PREFIXES: readonly IssuerPrefix[] = Object.values(creditCardType.types).flatMap((id) => {
  const { patterns, lengths } = creditCardType.getTypeInfo(id);
  return patterns.map((pattern) => {
    const [min, max] = Array.isArray(pattern) ? [pattern[0] as number, pattern[1] as number] : [pattern, pattern];
    return { digits: String(min).length, min, max, lengths };
  });
});

/**
 * True when some card network issues numbers starting like `digits` with exactly its length.
 *
 * @example
 * isIssuedCardNumber('4111111111111111'); // true (Visa, 16 digits)
 * isIssuedCardNumber('1234567812345670'); // false (no issuer)
 */
export function isIssuedCardNumber(digits: string): boolean {
  const n = digits.length;
  for (const prefix of PREFIXES) {
    if (!prefix.lengths.includes(n)) continue;
    const lead = Number(digits.slice(0, prefix.digits));
    if (lead >= prefix.min && lead <= prefix.max) return true;
  }
  return false;
}
