// The table of built-in detectors, one per kind, assembled from the provider-key, credential, assignment and
// personal-data modules.

import { CREDENTIAL_DETECTORS } from './credential-patterns.js';
import type { Detector } from './detector.js';
import { KEY_DETECTORS } from './key-patterns.js';
import type { DlpKind } from './kinds.js';
import { PII_DETECTORS } from './pii-patterns.js';
import { createPrivateKeyDetector } from './private-key.js';
import { ASSIGNMENT_DETECTORS } from './secret-assignments.js';

/**
 * The built-in detector for every kind. Stateless apart from compiled regexes, so one table serves all scanners.
 *
 * @example
 * BUILT_IN_DETECTORS.jwt.find(token, 0);
 */
export const BUILT_IN_DETECTORS: Readonly<Record<DlpKind, Detector>> = Object.freeze({
  private_key: createPrivateKeyDetector(),
  ...KEY_DETECTORS,
  ...CREDENTIAL_DETECTORS,
  generic_secret: ASSIGNMENT_DETECTORS.genericSecret,
  ...PII_DETECTORS,
});
