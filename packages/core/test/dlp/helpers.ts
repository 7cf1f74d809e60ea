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

/** The text around a sample that its kind needs: a scheme word, a key name, a URL, or nothing. */
const CONTEXT: Partial<Record<DlpKind, readonly [string, string]>> = {
  bearer_token: ['Authorization: Bearer ', ' then more'],
  basic_auth: ['Authorization: Basic ', ' then more'],
  aws_secret_key: ['aws_secret_access_key = ', ' then more'],
  generic_secret: ['DB_PASSWORD=', ' then more'],
  url_credentials: ['see postgres://app:', '@db.internal:5432/app then more'],
  gcp_service_account: ['{"type": "service_account", "private_key_id": "', '", "client_id": "1"}'],
};

/** Wraps a sample in the context its kind needs (bearer tokens only count after the scheme word, and so on). */
export function inContext(kind: DlpKind, sample: string): { text: string; expected: string } {
  const [prefix, suffix] = CONTEXT[kind] ?? ['see ', ' then more'];
  return { text: `${prefix}${sample}${suffix}`, expected: `${prefix}[REDACTED:${kind}]${suffix}` };
}

/** Kinds whose samples are only a secret in context: a whole-text sample alone is left as it is. */
export const CONTEXT_BOUND: ReadonlySet<DlpKind> = new Set(Object.keys(CONTEXT) as DlpKind[]);
