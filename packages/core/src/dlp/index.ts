// Public surface of the DLP module: masking secrets and personal data in the texts agents send (SPEC section 6).

export {
  DEFAULT_DLP_ACTIONS,
  DLP_KINDS,
  SECRET_KINDS,
  dlpBlockedMessage,
  isDlpAction,
  isDlpKind,
  redactionFor,
  type DlpAction,
  type DlpKind,
} from './kinds.js';
export { IBAN_LENGTHS, ibanChecksumValid, luhnValid } from './checksums.js';
export { findRegexHazards, type RegexHazardOptions } from './regex-safety.js';
export type { DlpCustomPattern } from './custom-patterns.js';
export type { DlpTextResult } from './tally.js';
export type { DlpStreamMasker } from './stream-masker.js';
export { createDlpScanner, type DlpConfig, type DlpScanner } from './scanner.js';
