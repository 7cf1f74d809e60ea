// Personal and payment data: card numbers, IBANs, US SSNs, phone numbers and e-mail addresses.
//
// The regexes only find bounded candidates; checksums, issuer ranges and boundaries are checked in code
// (validators.ts), so each candidate costs a fixed number of steps and whole scans stay linear.

import { createRegexDetector, type Detector } from './detector.js';
import { EMAIL_DOMAIN_MAX, resolveCard, resolveEmail, resolveIban, resolvePhone } from './validators.js';

const creditCard = createRegexDetector({
  kind: 'credit_card',
  // Issuer prefixes 2–6 (Mastercard 2-series, Amex/Diners/JCB, Visa, Mastercard, Discover/UnionPay); the
  // grouping, Luhn, the issuer's range and length and the boundaries are checked in code.
  pattern: /(?<![A-Za-z0-9_.])[2-6][0-9]{3}[0-9 -]{9,21}/,
  resolve: resolveCard,
  tail: /(?<![A-Za-z0-9_.])[2-6][0-9 -]{0,26}[.,]?$/,
  maxLength: 27,
});

const iban = createRegexDetector({
  kind: 'iban',
  // Up to 30 characters after the check digits, each group separated by at most one space or dash.
  pattern: /(?<![A-Za-z0-9_])[A-Z]{2}[0-9]{2}[A-Z0-9 -]{11,64}/,
  resolve: resolveIban,
  tail: /(?<![A-Za-z0-9_])[A-Z][A-Z0-9 -]{0,67}$/,
  maxLength: 70,
});

const usSsn = createRegexDetector({
  kind: 'us_ssn',
  // `AAA-GG-SSSS`, `AAA GG SSSS` or `AAA.GG.SSSS`. Area 000, 666 and 9xx, group 00 and serial 0000 are never
  // issued; a digit group right before or after means the run is a longer number.
  // The first digit comes first and the boundary checks are look-behinds after it, so the engine skips to digits.
  pattern:
    /[0-8](?<![A-Za-z0-9_.-][0-8])(?<![0-9] [0-8])[0-9]{2}(?<!000|666)(?:-(?!00)[0-9]{2}-| (?!00)[0-9]{2} |\.(?!00)[0-9]{2}\.)(?!0000)[0-9]{4}(?![A-Za-z0-9_]|[-. ][0-9])/,
  tail: /(?<![A-Za-z0-9_.-])[0-9][0-9 .-]{0,12}$/,
  maxLength: 13,
});

const phone = createRegexDetector({
  kind: 'phone',
  // International `+CC …` (parsed in code) or NANP `(555) 123-4567` / `555-123-4567` / `1 555 123 4567`.
  // NANP needs exactly 3-3-4 digits with separators, which keeps dates, versions, prices and plain digit runs out.
  pattern:
    /(?<![A-Za-z0-9_+])\+[1-9][0-9 .()-]{6,28}|(?<![A-Za-z0-9_+.$/-]|[0-9][ .-])(?:1[ .-])?(?:\([2-9][0-9]{2}\)[ .-]?|[2-9][0-9]{2}[ .-])[0-9]{3}[ .-][0-9]{4}(?![A-Za-z0-9_]|[ .-][0-9])/,
  resolve: resolvePhone,
  tail: /(?<![A-Za-z0-9_])[0-9(+][0-9 .()+-]{0,31}$/,
  maxLength: 32,
});

const email = createRegexDetector({
  kind: 'email',
  pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}/,
  hints: ['@'],
  hintOffset: 64,
  resolve: resolveEmail,
  tail: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}(?:@[A-Za-z0-9.-]{0,254})?$/,
  // The URL-userinfo check walks back over `//user:` before the local part.
  lookBehind: 72,
  maxLength: 64 + 1 + EMAIL_DOMAIN_MAX + 1,
});

/**
 * The personal-data detectors, by kind.
 *
 * @example
 * PII_DETECTORS.iban.find('IBAN DE89 3704 0044 0532 0130 00', 0); // { start: 5, end: 32 }
 */
export const PII_DETECTORS = Object.freeze({
  credit_card: creditCard,
  iban,
  us_ssn: usSsn,
  phone,
  email,
} satisfies Record<string, Detector>);
