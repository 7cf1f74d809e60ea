// The kinds found as `name = value`: generic passwords, tokens and keys, AWS secret keys, .npmrc tokens, Azure
// storage keys and SAS signatures, GCP service-account key ids. Names and values are checked in code.

import { createAssignmentDetector, type AssignmentSite, type AssignmentSpec } from './assignment.js';
import type { Detector } from './detector.js';
import { isPlaceholder } from './placeholders.js';

/** Name endings (lower-cased, separators removed) that say the value is a credential. */
const SECRET_ENDINGS = [
  'password', 'passwd', 'pwd', 'passphrase', 'pass',
  'secret', 'token', 'credential', 'credentials', 'creds', 'auth', 'pat',
  'apikey', 'accesskey', 'privatekey', 'secretkey', 'authkey', 'encryptionkey', 'signingkey', 'masterkey',
  'sessionkey', 'secretkeybase',
];
/** Endings that are only a credential as a whole word: `DB_PASS`, `npmAuth`, `AZURE_DEVOPS_PAT`, not `bypass`, `oauth`. */
const WHOLE_WORD_ENDINGS = new Set(['pass', 'auth', 'pat', 'pwd']);
/** Whole-word endings that may not be the entire name: a bare `PASS:` is test-runner output, not `DB_PASS=`. */
const NOT_ALONE = new Set(['pass']);
/** Names that end like a credential but hold public or throwaway values (pagination cursors, CSRF nonces). */
const NOT_SECRET_ENDINGS = [
  'publictoken', 'csrftoken', 'xsrftoken', 'pagetoken', 'nexttoken', 'continuationtoken', 'synctoken',
  'cancellationtoken', 'resumetoken', 'publicapikey', 'publishablekey',
];
const PASSWORD_ENDINGS = ['password', 'passwd', 'pwd', 'passphrase', 'pass'];

const isLetter = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);
const isLowerLetter = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';
const isUpperLetter = (c: string | undefined): boolean => c !== undefined && c >= 'A' && c <= 'Z';

/** Names repeat (`password`, `api_key`, `DB_PASSWORD`): their verdicts are kept, in a map cleared when it fills. */
const ENDING_CACHE = new Map<string, string | null>();
const ENDING_CACHE_MAX = 1024;

/** The ending of `site.name` that makes it a credential name, or `undefined`. */
function secretEnding(site: AssignmentSite): string | undefined {
  let ending = ENDING_CACHE.get(site.name);
  if (ending === undefined) {
    if (ENDING_CACHE.size >= ENDING_CACHE_MAX) ENDING_CACHE.clear();
    ending = computeSecretEnding(site) ?? null;
    ENDING_CACHE.set(site.name, ending);
  }
  return ending ?? undefined;
}

function computeSecretEnding(site: AssignmentSite): string | undefined {
  const name = site.normalized;
  if (NOT_SECRET_ENDINGS.some((e) => name.endsWith(e))) return undefined;
  for (const ending of SECRET_ENDINGS) {
    if (!name.endsWith(ending)) continue;
    if (!WHOLE_WORD_ENDINGS.has(ending)) return ending;
    // Whole word: nothing before it, a separator, or a camel-case boundary (`dbPass`).
    const raw = site.name;
    const k = raw.length - ending.length;
    const prev = raw[k - 1];
    if (k === 0 ? !NOT_ALONE.has(ending) : !isLetter(prev) || (isLowerLetter(prev) && isUpperLetter(raw[k]))) return ending;
  }
  return undefined;
}

/** Starts of values that are references, templates, paths or YAML syntax rather than literals. */
const NOT_LITERAL_START = new Set(['$', '%', '{', '<', '[', '(', '*', '&', '!', '#', '/', '~', '`']);
const NUMBER = /^[-+]?[0-9][0-9.]*(?:e[-+]?[0-9]+)?$/i;
/** A value ending in a version (`jjwt-jackson-0.11.2`, `node-v20.1`): a dependency or release, not a secret. */
const VERSIONED = /[-_@:v][0-9]{1,4}\.[0-9]{1,4}(?:\.[0-9]{1,6})?$/;
/** A value naming what it stands for (`my_password`, `test_api_key_1`, `secret123`) is a stand-in, not the secret. */
const SELF_NAMING = /pass(?:wor)?d|secret|token|api_?key/i;
const FILE_NAME = /\.(?:pem|key|pub|json|ya?ml|txt|env|p12|pfx|crt|cer|der|jks|keystore|ini|conf|cfg|xml|properties|toml|gpg|asc)$/i;
const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

/**
 * Whether a value given to a credential name looks like a literal secret: long enough, not a reference
 * (`$VAR`, `${{ secrets.X }}`, `<your-token>`), not a word, number, type or path (`string`, `None`, `1e-200`,
 * `./key.pem`), not code (`config.db.password`), not a placeholder or a value naming itself (`my_password`).
 * Gitleaks' generic rule rejects letters-only values the same way.
 *
 * @example
 * isLiteralSecret('hunter2pass', 6, false); // true
 * isLiteralSecret('process.env.DB_PASSWORD', 6, false); // false
 */
export function isLiteralSecret(value: string, min: number, quoted: boolean): boolean {
  if (value.length < min) return false;
  if (NOT_LITERAL_START.has(value[0] as string)) return false;
  if (value.startsWith('./') || value.startsWith('..')) return false;
  if (/\s/.test(value) || value.includes('://') || value.includes('{{') || value.includes('${')) return false;
  if (!/[A-Za-z]/.test(value) || /^[\p{L}_.-]+$/u.test(value) || NUMBER.test(value) || SELF_NAMING.test(value)) return false;
  if (VERSIONED.test(value)) return false;
  if (FILE_NAME.test(value)) return false;
  if (!quoted && IDENTIFIER_PATH.test(value)) return false;
  return !isPlaceholder(value, 0, value.length);
}

const GENERIC_SECRET: AssignmentSpec = {
  kind: 'generic_secret',
  name: (site) => {
    const ending = secretEnding(site);
    // `("API_TOKEN", "…")` is an env call; `('auth', '0001_initial')` is a tuple: short words don't name a credential there.
    return ending !== undefined && !(site.comma && WHOLE_WORD_ENDINGS.has(ending));
  },
  value: (value, site) => {
    if (site.flag && value.startsWith('-')) return false;
    const min = PASSWORD_ENDINGS.some((e) => site.normalized.endsWith(e)) ? 6 : 8;
    return isLiteralSecret(value, min, site.quoted);
  },
  maxValue: 1024,
};

const AWS_SECRET_VALUE = /^[A-Za-z0-9/+]{40}$/;

/**
 * A 40-character AWS secret access key: base64 alphabet, both cases, not AWS's documented example.
 *
 * @example
 * isAwsSecretValue('a'.repeat(40)); // false (one case, and a placeholder)
 */
export function isAwsSecretValue(value: string): boolean {
  return AWS_SECRET_VALUE.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && !isPlaceholder(value, 0, 40);
}

const AWS_SECRET_KEY: AssignmentSpec = {
  kind: 'aws_secret_key',
  name: (site) =>
    site.normalized.endsWith('secretaccesskey') ||
    (site.normalized.includes('aws') && (site.normalized.endsWith('secretkey') || site.normalized.endsWith('secret'))),
  value: (value) => isAwsSecretValue(value),
  maxValue: 40,
};

const NPMRC_TOKEN: AssignmentSpec = {
  kind: 'npm_token',
  // `.npmrc`: `//registry.npmjs.org/:_authToken=…`, or `_auth` / `_password` (base64) at the start of a line.
  name: (site) =>
    (site.name === '_authToken' || site.name === '_auth' || site.name === '_password') &&
    (site.before === 58 || site.before === 10 || site.before === 13 || site.before === -1),
  value: (value) => isLiteralSecret(value, 8, true),
  maxValue: 512,
};

const AZURE_STORAGE_VALUE = /^[A-Za-z0-9+/]{42,86}={1,2}$/;

const AZURE_STORAGE_KEY: AssignmentSpec = {
  kind: 'azure_key',
  // Storage / Cosmos DB `AccountKey=` (64 bytes) and Service Bus / Event Hubs `SharedAccessKey=` (32 bytes).
  name: (site) => ['accountkey', 'storagekey', 'sharedaccesskey'].some((e) => site.normalized.endsWith(e)),
  value: (value) => AZURE_STORAGE_VALUE.test(value) && !isPlaceholder(value, 0, value.length),
  maxValue: 88,
};

const AZURE_SAS_SIGNATURE: AssignmentSpec = {
  kind: 'azure_key',
  // A shared access signature's `sig=` query parameter (URL-encoded base64 HMAC).
  name: (site) => site.name === 'sig' && (site.before === 63 || site.before === 38),
  value: (value) => /^[A-Za-z0-9%+/=_-]{20,}$/.test(value) && /[0-9%]/.test(value) && !isPlaceholder(value, 0, value.length),
  maxValue: 256,
};

const GCP_KEY_ID: AssignmentSpec = {
  kind: 'gcp_service_account',
  // The `private_key_id` of a service-account key file (its `private_key` is masked as `private_key`).
  name: (site) => site.name === 'private_key_id',
  value: (value) => /^[0-9a-f]{40}$/.test(value) && !isPlaceholder(value, 0, 40),
  maxValue: 40,
};

/**
 * The `name = value` kinds in priority order (a specific kind before `generic_secret`), for scanning a value
 * whose name is known from its structure, such as a JSON member (see `DlpScanner.scanField`).
 *
 * @example
 * ASSIGNMENT_SPECS.map((spec) => spec.kind); // ['aws_secret_key', 'npm_token', 'azure_key', 'azure_key', 'gcp_service_account', 'generic_secret']
 */
export const ASSIGNMENT_SPECS: readonly AssignmentSpec[] = Object.freeze([
  AWS_SECRET_KEY,
  NPMRC_TOKEN,
  AZURE_STORAGE_KEY,
  AZURE_SAS_SIGNATURE,
  GCP_KEY_ID,
  GENERIC_SECRET,
]);

/**
 * The assignment-form detectors. Kinds with token forms too (`aws_secret_key`, `npm_token`, `azure_key`) are
 * combined with them in `key-patterns.ts`.
 *
 * @example
 * ASSIGNMENT_DETECTORS.genericSecret.find('password = "hunter2pass"', 0); // { start: 12, end: 23 }
 */
export const ASSIGNMENT_DETECTORS = Object.freeze({
  genericSecret: createAssignmentDetector(GENERIC_SECRET),
  awsSecretAssignment: createAssignmentDetector(AWS_SECRET_KEY),
  npmrcToken: createAssignmentDetector(NPMRC_TOKEN),
  azureStorageKey: createAssignmentDetector(AZURE_STORAGE_KEY),
  azureSasSignature: createAssignmentDetector(AZURE_SAS_SIGNATURE),
  gcpKeyId: createAssignmentDetector(GCP_KEY_ID),
} satisfies Record<string, Detector>);
