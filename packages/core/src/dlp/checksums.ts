// Check-digit algorithms that turn "looks like a card / IBAN" into "is one": Luhn and ISO 7064 mod-97.

/**
 * Luhn (mod-10) check over a string of ASCII digits, as used by payment card numbers.
 * Non-digit characters make the check fail rather than being skipped, so callers strip separators first.
 *
 * @example
 * luhnValid('4111111111111111'); // true
 * luhnValid('4111111111111112'); // false
 */
export function luhnValid(digits: string): boolean {
  if (digits.length === 0) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      const twice = d * 2;
      sum += twice > 9 ? twice - 9 : twice;
    } else {
      sum += d;
    }
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * ISO 13616 / ISO 7064 mod-97-10 check of a compact IBAN (upper-case letters and digits, no spaces).
 * Only the checksum is verified; the per-country length lives in {@link IBAN_LENGTHS}.
 *
 * @example
 * ibanChecksumValid('GB82WEST12345698765432'); // true
 * ibanChecksumValid('GB83WEST12345698765432'); // false
 */
export function ibanChecksumValid(iban: string): boolean {
  if (iban.length < 5) return false;
  let remainder = 0;
  // The first four characters move to the end; letters count as two digits (A=10 … Z=35).
  for (let k = 0; k < iban.length; k++) {
    const code = iban.charCodeAt((k + 4) % iban.length);
    if (code >= 48 && code <= 57) {
      remainder = (remainder * 10 + (code - 48)) % 97;
    } else if (code >= 65 && code <= 90) {
      remainder = (remainder * 100 + (code - 55)) % 97;
    } else {
      return false;
    }
  }
  return remainder === 1;
}

/**
 * IBAN length per ISO country code, from the SWIFT IBAN registry. Codes not listed are not treated as IBANs,
 * which keeps random `XX00…` identifiers from passing on the 1-in-97 checksum odds.
 *
 * @example
 * IBAN_LENGTHS.get('DE'); // 22
 */
export const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
    CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
    FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
    IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
    LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
    NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
    SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
    UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
  }),
);

/**
 * GS1 check digit (EAN-8, EAN-13, UPC-A, GTIN-14): from the right, digits alternately weighted 3 and 1, including
 * the check digit with weight 1, must sum to a multiple of 10. Used to tell product barcodes from card numbers.
 *
 * @example
 * gs1CheckValid('4006381333931'); // true
 * gs1CheckValid('4006381333932'); // false
 */
export function gs1CheckValid(digits: string): boolean {
  if (digits.length < 8) return false;
  let sum = 0;
  for (let i = digits.length - 1, k = 0; i >= 0; i--, k++) {
    const d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    sum += k % 2 === 1 ? d * 3 : d;
  }
  return sum % 10 === 0;
}
