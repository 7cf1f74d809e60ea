// Shared scanner set-ups for the DLP tests.

import { DLP_KINDS, createDlpScanner, type DlpAction, type DlpKind, type DlpScanner } from '../../src/dlp/index.js';

/** A scanner with every built-in kind set to `action`. */
export function scannerWithAll(action: DlpAction = 'mask'): DlpScanner {
  const kinds: Partial<Record<DlpKind, DlpAction>> = {};
  for (const kind of DLP_KINDS) kinds[kind] = action;
  return createDlpScanner({ kinds });
}

/** A scanner with only `kind` on. */
export function scannerWithOnly(kind: DlpKind, action: DlpAction = 'mask'): DlpScanner {
  const kinds: Partial<Record<DlpKind, DlpAction>> = {};
  for (const k of DLP_KINDS) kinds[k] = k === kind ? action : 'off';
  return createDlpScanner({ kinds });
}

/** Wraps a sample in the context its kind needs (bearer tokens only count after the scheme word). */
export function inContext(kind: DlpKind, sample: string): { text: string; expected: string } {
  const prefix = kind === 'bearer_token' ? 'Authorization: Bearer ' : 'see ';
  return { text: `${prefix}${sample} then more`, expected: `${prefix}[REDACTED:${kind}] then more` };
}
