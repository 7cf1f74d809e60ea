// The DLP kind ids, their per-kind actions and the default policy (SPEC section 6).

/**
 * A built-in kind of sensitive data the DLP scanner recognises. The id appears in the
 * replacement text (`[REDACTED:<kind>]`), in counts and in `dlp_blocked` errors.
 *
 * @example
 * const kind: DlpKind = 'openai_key';
 */
export type DlpKind =
  | 'openai_key'
  | 'anthropic_key'
  | 'openrouter_key'
  | 'deepseek_key'
  | 'groq_key'
  | 'xai_key'
  | 'perplexity_key'
  | 'huggingface_token'
  | 'aws_access_key'
  | 'aws_secret_key'
  | 'github_token'
  | 'gitlab_token'
  | 'slack_token'
  | 'stripe_key'
  | 'google_api_key'
  | 'azure_key'
  | 'npm_token'
  | 'gcp_service_account'
  | 'private_key'
  | 'jwt'
  | 'url_credentials'
  | 'basic_auth'
  | 'bearer_token'
  | 'generic_secret'
  | 'credit_card'
  | 'email'
  | 'phone'
  | 'us_ssn'
  | 'iban';

/**
 * What the scanner does with a kind: `off` (not scanned at all), `mask` (replace with
 * `[REDACTED:<kind>]`) or `block` (mask, and report the kind so the caller can refuse the request).
 *
 * @example
 * const action: DlpAction = 'block';
 */
export type DlpAction = 'off' | 'mask' | 'block';

/**
 * Every built-in kind, in detection priority order: when two detectors match exactly the same span, the one
 * listed first names it (so `Bearer sk-proj-…` is reported as `openai_key`, `password=ghp_…` as `github_token`,
 * and `generic_secret` only names what no specific kind claims).
 *
 * @example
 * DLP_KINDS.includes('jwt'); // true
 */
export const DLP_KINDS: readonly DlpKind[] = Object.freeze([
  'private_key',
  'anthropic_key',
  'openrouter_key',
  'deepseek_key',
  'openai_key',
  'groq_key',
  'xai_key',
  'perplexity_key',
  'huggingface_token',
  'aws_access_key',
  'aws_secret_key',
  'github_token',
  'gitlab_token',
  'slack_token',
  'stripe_key',
  'google_api_key',
  'azure_key',
  'npm_token',
  'gcp_service_account',
  'jwt',
  'url_credentials',
  'basic_auth',
  'bearer_token',
  'generic_secret',
  'credit_card',
  'iban',
  'us_ssn',
  'phone',
  'email',
]);

/**
 * The kinds SPEC section 6 calls "secrets": provider keys and tokens, private key blocks, JWTs, credentials in
 * URLs and authorization headers, and values assigned to credential names.
 *
 * @example
 * SECRET_KINDS.includes('private_key'); // true
 */
export const SECRET_KINDS: readonly DlpKind[] = Object.freeze(
  DLP_KINDS.filter((kind) => !['credit_card', 'email', 'phone', 'us_ssn', 'iban'].includes(kind)),
);

/**
 * The default policy: secrets and credit cards are masked, personal data (e-mail, phone, SSN, IBAN) is off.
 *
 * @defaultValue secrets and `credit_card` → `mask`; `email`, `phone`, `us_ssn`, `iban` → `off`
 * @example
 * DEFAULT_DLP_ACTIONS.credit_card; // 'mask'
 * DEFAULT_DLP_ACTIONS.email; // 'off'
 */
export const DEFAULT_DLP_ACTIONS: Readonly<Record<DlpKind, DlpAction>> = Object.freeze({
  ...(Object.fromEntries(SECRET_KINDS.map((kind) => [kind, 'mask'])) as Record<DlpKind, DlpAction>),
  credit_card: 'mask',
  email: 'off',
  phone: 'off',
  us_ssn: 'off',
  iban: 'off',
});

const KIND_SET: ReadonlySet<string> = new Set(DLP_KINDS);

/**
 * Type guard for built-in kind ids, for validating configuration read from JSON or env.
 *
 * @example
 * isDlpKind('email'); // true
 * isDlpKind('password'); // false
 */
export function isDlpKind(value: unknown): value is DlpKind {
  return typeof value === 'string' && KIND_SET.has(value);
}

/**
 * Type guard for actions (`off`, `mask`, `block`).
 *
 * @example
 * isDlpAction('mask'); // true
 */
export function isDlpAction(value: unknown): value is DlpAction {
  return value === 'off' || value === 'mask' || value === 'block';
}

/**
 * The replacement text for a masked match.
 *
 * @example
 * redactionFor('jwt'); // '[REDACTED:jwt]'
 */
export function redactionFor(kind: string): string {
  return `[REDACTED:${kind}]`;
}

/**
 * The human-readable message for a request refused by a `block` kind. Names the kinds, never the values.
 *
 * @example
 * dlpBlockedMessage(['openai_key', 'credit_card']);
 * // 'Request blocked by data loss prevention policy: found openai_key, credit_card'
 */
export function dlpBlockedMessage(kinds: readonly string[]): string {
  return `Request blocked by data loss prevention policy: found ${kinds.join(', ')}`;
}
