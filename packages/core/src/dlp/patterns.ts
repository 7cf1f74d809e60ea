// The built-in regex detectors: one bounded, literal-anchored pattern per kind plus its stream tail pattern.
//
// Every quantifier is bounded and no repeated group contains another quantifier, so each candidate start
// costs at most a fixed number of steps; look-behinds restrict starts to the beginning of a run, which keeps
// whole scans linear in the text length (checked by test/dlp/regex-safety.test.ts).

import { createRegexDetector, prefixTail, type Detector } from './detector.js';
import type { DlpKind } from './kinds.js';
import { createPrivateKeyDetector } from './private-key.js';
import {
  EMAIL_DOMAIN_MAX,
  requireDigitAndLetter,
  resolveCard,
  resolveEmail,
  resolveIban,
  resolvePhone,
} from './validators.js';

const chars = (literal: string): string[] => [...literal].map((c) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));

const KEY_BODY = '[A-Za-z0-9_-]';
const NOT_KEY_CHAR = '(?<![A-Za-z0-9_-])';
const NOT_WORD_CHAR = '(?<![A-Za-z0-9_])';

const openaiKey = createRegexDetector({
  kind: 'openai_key',
  // `sk-ant-` belongs to Anthropic; the look-behind keeps `task-…`, `risk-…` and `my-sk-…` out.
  pattern: /(?<![A-Za-z0-9_-])sk-(?!ant-)[A-Za-z0-9_-]{20,256}/,
  hints: ['sk-'],
  resolve: requireDigitAndLetter(3),
  tail: prefixTail(NOT_KEY_CHAR, [{ atoms: chars('sk-'), rest: `${KEY_BODY}{0,256}` }]),
  maxLength: 259,
});

const anthropicKey = createRegexDetector({
  kind: 'anthropic_key',
  pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,256}/,
  hints: ['sk-ant-'],
  resolve: requireDigitAndLetter(7),
  tail: prefixTail(NOT_KEY_CHAR, [{ atoms: chars('sk-ant-'), rest: `${KEY_BODY}{0,256}` }]),
  maxLength: 263,
});

const awsAccessKey = createRegexDetector({
  kind: 'aws_access_key',
  pattern: /(?<![A-Za-z0-9])A[KS]IA[A-Z0-9]{16}(?![A-Za-z0-9])/,
  hints: ['AKIA', 'ASIA'],
  tail: prefixTail('(?<![A-Za-z0-9])', [{ atoms: ['A', '[KS]', 'I', 'A'], rest: '[A-Z0-9]{0,16}' }]),
  maxLength: 21,
});

const githubToken = createRegexDetector({
  kind: 'github_token',
  pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})/,
  hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  tail: prefixTail(NOT_WORD_CHAR, [
    { atoms: ['g', 'h', '[pousr]', '_'], rest: '[A-Za-z0-9]{0,251}' },
    { atoms: chars('github_pat_'), rest: '[A-Za-z0-9_]{0,244}' },
  ]),
  maxLength: 255,
});

const SLACK_WEBHOOK_REST = '[a-z]{0,9}(?:\\/[A-Za-z0-9_\\/]{0,200})?';

const slackToken = createRegexDetector({
  kind: 'slack_token',
  pattern:
    /(?<![A-Za-z0-9_-])xox[abeprs]-[A-Za-z0-9-]{10,250}|(?<![A-Za-z0-9_.-])(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/]{16,200}/,
  hints: ['xox', 'hooks.slack.com'],
  hintOffset: 8,
  resolve: requireDigitAndLetter(5),
  tail: prefixTail(NOT_KEY_CHAR, [
    { atoms: [...chars('xox'), '[abeprs]', '-'], rest: '[A-Za-z0-9-]{0,250}' },
    { atoms: [...chars('http'), 's?', ...chars('://hooks.slack.com/')], rest: SLACK_WEBHOOK_REST },
    { atoms: chars('hooks.slack.com/'), rest: SLACK_WEBHOOK_REST },
  ]),
  maxLength: 255,
});

const stripeKey = createRegexDetector({
  kind: 'stripe_key',
  // Secret and restricted keys only: publishable `pk_` keys are designed to be public.
  pattern: /(?<![A-Za-z0-9_])[rs]k_(?:live|test)_[A-Za-z0-9]{16,247}/,
  hints: ['_live_', '_test_'],
  hintOffset: 2,
  resolve: requireDigitAndLetter(8),
  tail: prefixTail(NOT_WORD_CHAR, [
    { atoms: ['[rs]', ...chars('k_live_')], rest: '[A-Za-z0-9]{0,247}' },
    { atoms: ['[rs]', ...chars('k_test_')], rest: '[A-Za-z0-9]{0,247}' },
  ]),
  maxLength: 255,
});

const googleApiKey = createRegexDetector({
  kind: 'google_api_key',
  pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/,
  hints: ['AIza'],
  tail: prefixTail(NOT_KEY_CHAR, [{ atoms: chars('AIza'), rest: '[0-9A-Za-z_-]{0,35}' }]),
  maxLength: 40,
});

const jwt = createRegexDetector({
  kind: 'jwt',
  // Header always starts `eyJ` (base64url of `{"`); signature of 16+ so unsigned `alg: none` tokens pass.
  pattern: /(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{8,2048}\.[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,1024}/,
  hints: ['eyJ'],
  tail: prefixTail('(?<![A-Za-z0-9_.-])', [
    {
      atoms: chars('eyJ'),
      rest: '[A-Za-z0-9_-]{0,2048}(?:\\.[A-Za-z0-9_-]{0,8192}(?:\\.[A-Za-z0-9_-]{0,1024})?)?',
    },
  ]),
  maxLength: 11_269,
});

const bearerToken = createRegexDetector({
  kind: 'bearer_token',
  // The match is only the token (the scheme word sits in the look-behind), so `Bearer ` survives masking and a
  // token that is also a known key or JWT is named by the more specific kind (same span, earlier priority).
  pattern: /(?<=(?<![A-Za-z0-9_])(?:Bearer|bearer|BEARER)[ \t]{1,4})[A-Za-z0-9._~+/-]{20,4096}={0,2}/,
  hints: ['earer', 'EARER'],
  resolve: requireDigitAndLetter(0),
  tail: /(?<=(?<![A-Za-z0-9_])(?:Bearer|bearer|BEARER)[ \t]{1,4})[A-Za-z0-9._~+/=-]{0,4098}$/,
  maxLength: 4098,
});

const creditCard = createRegexDetector({
  kind: 'credit_card',
  // Issuer prefixes 2–6 (Mastercard 2-series, Amex/Diners/JCB, Visa, Mastercard, Discover/UnionPay); the
  // grouping, Luhn and the boundaries are checked in code.
  pattern: /(?<![A-Za-z0-9_.])[2-6][0-9]{3}[0-9 -]{9,21}/,
  resolve: resolveCard,
  tail: /(?<![A-Za-z0-9_.])[2-6][0-9 -]{0,26}[.,]?$/,
  maxLength: 27,
});

const iban = createRegexDetector({
  kind: 'iban',
  pattern: /(?<![A-Za-z0-9_])[A-Z]{2}[0-9]{2}[A-Z0-9 ]{11,38}/,
  resolve: resolveIban,
  tail: /(?<![A-Za-z0-9_])[A-Z][A-Z0-9 ]{0,42}$/,
  maxLength: 43,
});

const usSsn = createRegexDetector({
  kind: 'us_ssn',
  // Area 000, 666 and 9xx, group 00 and serial 0000 are never issued.
  pattern: /(?<![A-Za-z0-9_-])(?!000|666|9)[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![A-Za-z0-9_]|-[0-9])/,
  hints: ['-'],
  hintOffset: 3,
  tail: /(?<![A-Za-z0-9_-])[0-9][0-9-]{0,12}$/,
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
  maxLength: 64 + 1 + EMAIL_DOMAIN_MAX + 1,
});

/**
 * The built-in detector for every kind. Stateless apart from compiled regexes, so one table serves all scanners.
 *
 * @example
 * BUILT_IN_DETECTORS.jwt.find(token, 0);
 */
export const BUILT_IN_DETECTORS: Readonly<Record<DlpKind, Detector>> = Object.freeze({
  private_key: createPrivateKeyDetector(),
  openai_key: openaiKey,
  anthropic_key: anthropicKey,
  aws_access_key: awsAccessKey,
  github_token: githubToken,
  slack_token: slackToken,
  stripe_key: stripeKey,
  google_api_key: googleApiKey,
  jwt,
  bearer_token: bearerToken,
  credit_card: creditCard,
  iban,
  us_ssn: usSsn,
  phone,
  email,
});
