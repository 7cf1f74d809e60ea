// Provider keys recognised by their documented prefixes and lengths (prefixes and lengths as in gitleaks' rules).
//
// Every quantifier is bounded and no repeated group contains another quantifier, so each candidate start costs at
// most a fixed number of steps; look-behinds restrict starts to the beginning of a run, which keeps whole scans
// linear in the text length (checked by test/dlp/regex-safety.test.ts).

import { anyOf, createRegexDetector, prefixTail, type Detector, type DetectorMatch } from './detector.js';
import { isPlaceholder } from './placeholders.js';
import { ASSIGNMENT_DETECTORS, isAwsSecretValue } from './secret-assignments.js';
import { requireDigitAndLetter } from './validators.js';

/**
 * Single-character regex atoms of a literal, for {@link prefixTail}.
 *
 * @example
 * chars('sk-'); // ['s', 'k', '\\-']
 */
export const chars = (literal: string): string[] => [...literal].map((c) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));

const KEY_BODY = '[A-Za-z0-9_-]';
const NOT_KEY_CHAR = '(?<![A-Za-z0-9_-])';
const NOT_WORD_CHAR = '(?<![A-Za-z0-9_])';

/** Rejects documented examples and repeated-character bodies (`ghp_xxxx…`) after a `prefix`-character prefix. */
const notPlaceholder =
  (prefix: number, then?: (text: string, start: number, end: number) => number) =>
  (text: string, start: number, end: number): number => {
    if (isPlaceholder(text, start, end, start + prefix)) return -1;
    return then === undefined ? end : then(text, start, end);
  };

/** Accepts only bodies with both upper- and lower-case letters (random tokens have both; words and hex don't). */
const mixedCase =
  (skip: number) =>
  (text: string, start: number, end: number): number => {
    const body = text.slice(start + skip, end);
    return /[a-z]/.test(body) && /[A-Z]/.test(body) ? end : -1;
  };

const openaiKey = createRegexDetector({
  kind: 'openai_key',
  // `sk-ant-` belongs to Anthropic; the look-behind keeps `task-…`, `risk-…` and `my-sk-…` out.
  pattern: /(?<![A-Za-z0-9_-])sk-(?!ant-)[A-Za-z0-9_-]{20,256}/,
  hints: ['sk-'],
  resolve: notPlaceholder(3, requireDigitAndLetter(3)),
  tail: prefixTail(NOT_KEY_CHAR, [{ atoms: chars('sk-'), rest: `${KEY_BODY}{0,256}` }]),
  maxLength: 259,
});

const anthropicKey = createRegexDetector({
  kind: 'anthropic_key',
  pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,256}/,
  hints: ['sk-'],
  resolve: notPlaceholder(7, requireDigitAndLetter(7)),
  tail: prefixTail(NOT_KEY_CHAR, [{ atoms: chars('sk-ant-'), rest: `${KEY_BODY}{0,256}` }]),
  maxLength: 263,
});

const openrouterKey = createRegexDetector({
  kind: 'openrouter_key',
  pattern: /(?<![A-Za-z0-9_-])sk-or-v1-[0-9a-f]{64}(?![A-Za-z0-9_-])/,
  hints: ['sk-'],
  resolve: notPlaceholder(9),
  tail: prefixTail(NOT_KEY_CHAR, [{ atoms: chars('sk-or-v1-'), rest: '[0-9a-f]{0,64}' }]),
  maxLength: 74,
});

const deepseekKey = createRegexDetector({
  kind: 'deepseek_key',
  // DeepSeek's `sk-` plus 32 lower-case hex digits (OpenAI's own `sk-` keys are longer and mixed-case).
  pattern: /(?<![A-Za-z0-9_-])sk-[0-9a-f]{32}(?![A-Za-z0-9_-])/,
  hints: ['sk-'],
  resolve: notPlaceholder(3, requireDigitAndLetter(3)),
  tail: prefixTail(NOT_KEY_CHAR, [{ atoms: chars('sk-'), rest: '[0-9a-f]{0,32}' }]),
  maxLength: 36,
});

const groqKey = createRegexDetector({
  kind: 'groq_key',
  pattern: /(?<![A-Za-z0-9_])gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9_])/,
  hints: ['gsk_'],
  resolve: notPlaceholder(4, requireDigitAndLetter(4)),
  tail: prefixTail(NOT_WORD_CHAR, [{ atoms: chars('gsk_'), rest: '[A-Za-z0-9]{0,52}' }]),
  maxLength: 57,
});

const xaiKey = createRegexDetector({
  kind: 'xai_key',
  pattern: /(?<![A-Za-z0-9_-])xai-[A-Za-z0-9]{70,90}(?![A-Za-z0-9_-])/,
  hints: ['xai-'],
  resolve: notPlaceholder(4, requireDigitAndLetter(4)),
  tail: prefixTail(NOT_KEY_CHAR, [{ atoms: chars('xai-'), rest: '[A-Za-z0-9]{0,90}' }]),
  maxLength: 95,
});

const perplexityKey = createRegexDetector({
  kind: 'perplexity_key',
  pattern: /(?<![A-Za-z0-9_-])pplx-[A-Za-z0-9]{32,64}(?![A-Za-z0-9_-])/,
  hints: ['pplx-'],
  resolve: notPlaceholder(5, requireDigitAndLetter(5)),
  tail: prefixTail(NOT_KEY_CHAR, [{ atoms: chars('pplx-'), rest: '[A-Za-z0-9]{0,64}' }]),
  maxLength: 70,
});

const huggingfaceToken = createRegexDetector({
  kind: 'huggingface_token',
  // User tokens `hf_…` and organisation tokens `api_org_…`: 34 random letters (both cases) in the current format.
  pattern: /(?<![A-Za-z0-9_])(?:hf_|api_org_)[A-Za-z0-9]{30,40}(?![A-Za-z0-9_])/,
  hints: [/hf_|api_org_/],
  resolve: (text, start, end) => {
    const skip = text.startsWith('hf_', start) ? 3 : 8;
    return isPlaceholder(text, start, end, start + skip) ? -1 : mixedCase(skip)(text, start, end);
  },
  tail: prefixTail(NOT_WORD_CHAR, [
    { atoms: chars('hf_'), rest: '[A-Za-z0-9]{0,40}' },
    { atoms: chars('api_org_'), rest: '[A-Za-z0-9]{0,40}' },
  ]),
  maxLength: 49,
});

const awsAccessKey = createRegexDetector({
  kind: 'aws_access_key',
  pattern: /(?<![A-Za-z0-9])A[KS]IA[A-Z0-9]{16}(?![A-Za-z0-9])/,
  hints: [/A[KS]IA/],
  resolve: notPlaceholder(4),
  tail: prefixTail('(?<![A-Za-z0-9])', [{ atoms: ['A', '[KS]', 'I', 'A'], rest: '[A-Z0-9]{0,16}' }]),
  maxLength: 21,
});

const AWS_SECRET_CHAR = '[A-Za-z0-9/+]';

const awsSecretAfterKeyId = createRegexDetector({
  kind: 'aws_secret_key',
  // The secret right after its key id: the IAM console's CSV (`AKIA…,secret`), code (`("AKIA…", "secret")`), tables.
  pattern: /(?<![A-Za-z0-9])A[KS]IA[A-Z0-9]{16}["']?[ \t]{0,4}[,;:|\t ][ \t]{0,4}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/,
  valueGroup: true,
  hints: [/A[KS]IA/],
  resolve: (text, start, end) => (isAwsSecretValue(text.slice(start, end)) ? end : -1),
  tail: new RegExp(`(?<=(?<![A-Za-z0-9])A[KS]IA[A-Z0-9]{16}["']?[ \\t]{0,4}[,;:|\\t ][ \\t]{0,4}["']?)${AWS_SECRET_CHAR}{0,40}$`),
  lookBehind: 32,
  maxLength: 41,
});

const awsSecretPrompt = createRegexDetector({
  kind: 'aws_secret_key',
  // What `aws configure` prints when the answer is pasted back: `AWS Secret Access Key [None]: …`.
  pattern: /Secret Access Key \[[^\]\r\n]{0,48}\]:[ \t]{0,4}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/,
  valueGroup: true,
  hints: ['Secret Access Key ['],
  resolve: (text, start, end) => (isAwsSecretValue(text.slice(start, end)) ? end : -1),
  tail: new RegExp(`(?<=Secret Access Key \\[[^\\]\\r\\n]{0,48}\\]:[ \\t]{0,4})${AWS_SECRET_CHAR}{0,40}$`),
  lookBehind: 72,
  maxLength: 41,
});

const AWS_CONFIGURE_SET = 'aws configure set (?:[A-Za-z0-9_-]{1,32}\\.)?aws_secret_access_key[ \\t]{1,4}["\']?';

const awsSecretConfigureSet = createRegexDetector({
  kind: 'aws_secret_key',
  // Shell history: `aws configure set [profile.]aws_secret_access_key <secret>`.
  pattern: new RegExp(`${AWS_CONFIGURE_SET}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`),
  valueGroup: true,
  hints: ['aws configure set '],
  resolve: (text, start, end) => (isAwsSecretValue(text.slice(start, end)) ? end : -1),
  tail: new RegExp(`(?<=${AWS_CONFIGURE_SET})${AWS_SECRET_CHAR}{0,40}$`),
  lookBehind: 96,
  maxLength: 41,
});

const GHS_JWT = 'eyJ[A-Za-z0-9_-]{8,1024}\\.[A-Za-z0-9_-]{8,2048}\\.[A-Za-z0-9_-]{16,1024}';

const githubToken = createRegexDetector({
  kind: 'github_token',
  // Installation tokens in the stateless format (2026) are `ghs_<app id>_<JWT>`, about 520 characters.
  pattern: new RegExp(`(?<![A-Za-z0-9_])(?:ghs_[0-9]{1,20}_${GHS_JWT}|gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})`),
  hints: [/gh[pousr]_|github_pat_/],
  resolve: (text, start, end) => (isPlaceholder(text, start, end, start + (text.startsWith('github_pat_', start) ? 11 : 4)) ? -1 : end),
  tail: prefixTail(NOT_WORD_CHAR, [
    { atoms: ['g', 'h', '[pousr]', '_'], rest: '[A-Za-z0-9]{0,251}' },
    { atoms: chars('ghs_'), rest: '[0-9]{1,20}_[A-Za-z0-9_.-]{0,4100}' },
    { atoms: chars('github_pat_'), rest: '[A-Za-z0-9_]{0,244}' },
  ]),
  maxLength: 4126,
});

const gitlabToken = createRegexDetector({
  kind: 'gitlab_token',
  // Personal, deploy, runner, trigger, CI job, feed, mail, agent, OAuth app, SCIM and feature-flag tokens, and
  // runner registration tokens; the routable format adds `.<2+7>` after the body.
  pattern:
    /(?:gl(?<![A-Za-z0-9_-]gl)(?:pat|dt|rt|ptt|cbt|ft|imt|agent|oas|soat|ffct)-|GR1348941(?<![A-Za-z0-9_-]GR1348941))[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{9})?(?![A-Za-z0-9_-])/,
  resolve: (text, start, end) => {
    const dash = text.indexOf('-', start);
    const runnerRegistration = text.startsWith('GR1348941', start);
    const body = runnerRegistration ? start + 9 : dash + 1;
    // A registration token of digits only (`GR1348941` + `123123…`) is a made-up one.
    if (runnerRegistration && !/[A-Za-z]/.test(text.slice(body, end))) return -1;
    return isPlaceholder(text, start, end, body) ? -1 : end;
  },
  tail: prefixTail(NOT_KEY_CHAR, [
    ...['pat', 'dt', 'rt', 'ptt', 'cbt', 'ft', 'imt', 'agent', 'oas', 'soat', 'ffct'].map((t) => ({
      atoms: chars(`gl${t}-`),
      rest: '[A-Za-z0-9_-]{0,300}(?:\\.[0-9a-z]{0,9})?',
    })),
    { atoms: chars('GR1348941'), rest: '[A-Za-z0-9_-]{0,300}' },
  ]),
  maxLength: 320,
});

const SLACK_WEBHOOK_REST = '[a-z]{0,9}(?:\\/[A-Za-z0-9_\\/]{0,200})?';

const slackToken = createRegexDetector({
  kind: 'slack_token',
  // Bot/user/workspace/legacy tokens `xox?-` (20+ characters after the dash), configuration tokens `xoxe.xoxp-`,
  // app-level tokens `xapp-`, webhooks.
  pattern:
    /(?<![A-Za-z0-9_-])(?:xox[abeoprs]|xoxe\.xox[bp]|xapp)-[A-Za-z0-9-]{20,250}|(?<![A-Za-z0-9_.-])(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/]{16,200}/,
  hints: [/xox|xapp-|hooks\.slack\.com/],
  hintOffset: 8,
  resolve: notPlaceholder(5, requireDigitAndLetter(5)),
  tail: prefixTail(NOT_KEY_CHAR, [
    { atoms: [...chars('xox'), '[abeoprs]', '-'], rest: '[A-Za-z0-9-]{0,250}' },
    { atoms: chars('xoxe.xox'), rest: '(?:[bp](?:-[A-Za-z0-9-]{0,250})?)?' },
    { atoms: chars('xapp-'), rest: '[A-Za-z0-9-]{0,250}' },
    { atoms: [...chars('http'), 's?', ...chars('://hooks.slack.com/')], rest: SLACK_WEBHOOK_REST },
    { atoms: chars('hooks.slack.com/'), rest: SLACK_WEBHOOK_REST },
  ]),
  maxLength: 260,
});

const stripeKey = createRegexDetector({
  kind: 'stripe_key',
  // Secret and restricted keys only: publishable `pk_` keys are designed to be public.
  pattern: /(?<![A-Za-z0-9_])[rs]k_(?:live|test|prod)_[A-Za-z0-9]{16,247}/,
  hints: [/_(?:live|test|prod)_/],
  hintOffset: 2,
  resolve: notPlaceholder(8, requireDigitAndLetter(8)),
  tail: prefixTail(NOT_WORD_CHAR, [
    { atoms: ['[rs]', ...chars('k_live_')], rest: '[A-Za-z0-9]{0,247}' },
    { atoms: ['[rs]', ...chars('k_test_')], rest: '[A-Za-z0-9]{0,247}' },
    { atoms: ['[rs]', ...chars('k_prod_')], rest: '[A-Za-z0-9]{0,247}' },
  ]),
  maxLength: 255,
});

const googleApiKey = createRegexDetector({
  kind: 'google_api_key',
  pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/,
  hints: ['AIza'],
  resolve: notPlaceholder(4),
  tail: prefixTail(NOT_KEY_CHAR, [{ atoms: chars('AIza'), rest: '[0-9A-Za-z_-]{0,35}' }]),
  maxLength: 40,
});

const AZURE_AD_BOUNDARY_BEFORE = '(?<![^\\\\\'"`\\s>=:(,)])';

const azureAdClientSecret = createRegexDetector({
  kind: 'azure_key',
  // Entra ID (Azure AD) client secrets: 3 characters, a digit, `Q~`, 31–34 more (gitleaks' azure-ad-client-secret).
  pattern: new RegExp(`${AZURE_AD_BOUNDARY_BEFORE}[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![^\\\\'"\`\\s<),])`),
  hints: ['Q~'],
  hintOffset: 4,
  resolve: notPlaceholder(6, requireDigitAndLetter(6)),
  tail: new RegExp(
    `${AZURE_AD_BOUNDARY_BEFORE}(?:[A-Za-z0-9_~.]{1,3}|[A-Za-z0-9_~.]{3}[0-9](?:Q~?)?|[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{0,34})$`,
  ),
  maxLength: 41,
});

const CASK_LENGTH = 84;
const CASK_SIGNATURE = 'JQQJ9';
const CASK_SIGNATURE_AT = 52;
const CASK_SHAPE = /^[A-Za-z0-9]{52}JQQJ9[A-Za-z0-9]{19}[A-Z]{4}[A-Za-z0-9]{4}$/;

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Azure keys in Microsoft's annotated format (Azure OpenAI, AI services, DevOps PATs, …): 84 alphanumerics with the
 * signature `JQQJ9` at offset 52 and a four-letter service tag at 76. Found from the signature, so the scan doesn't
 * try 52 characters at every position of a long word.
 */
function createAzureAnnotatedKeyDetector(): Detector {
  const accept = (text: string, start: number): boolean =>
    start >= 0 &&
    (start === 0 || !isAlnum(text.charCodeAt(start - 1))) &&
    start + CASK_LENGTH <= text.length &&
    (start + CASK_LENGTH === text.length || !isAlnum(text.charCodeAt(start + CASK_LENGTH))) &&
    CASK_SHAPE.test(text.slice(start, start + CASK_LENGTH)) &&
    !isPlaceholder(text, start, start + CASK_LENGTH);
  return {
    kind: 'azure_key',
    maxLength: CASK_LENGTH + 1,
    regexes: [CASK_SHAPE],
    find(text: string, from: number): DetectorMatch | null {
      let i = from + CASK_SIGNATURE_AT;
      for (;;) {
        const at = text.indexOf(CASK_SIGNATURE, i);
        if (at === -1) return null;
        const start = at - CASK_SIGNATURE_AT;
        if (start >= from && accept(text, start)) return { start, end: start + CASK_LENGTH };
        i = at + 1;
      }
    },
    tailStart(text: string, from: number): number {
      // Only the start of a trailing alphanumeric run of at most 84 characters can still become a key.
      let run = text.length;
      while (run > from && text.length - run <= CASK_LENGTH && isAlnum(text.charCodeAt(run - 1))) run--;
      if (run === text.length || text.length - run > CASK_LENGTH) return text.length;
      if (run > 0 && isAlnum(text.charCodeAt(run - 1))) return text.length;
      const prefix = text.slice(run, run + CASK_LENGTH);
      const sig = prefix.slice(CASK_SIGNATURE_AT, CASK_SIGNATURE_AT + CASK_SIGNATURE.length);
      return CASK_SIGNATURE.startsWith(sig) ? run : text.length;
    },
  };
}

const npmAccessToken = createRegexDetector({
  kind: 'npm_token',
  pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/,
  hints: ['npm_'],
  resolve: notPlaceholder(4, requireDigitAndLetter(4)),
  tail: prefixTail(NOT_WORD_CHAR, [{ atoms: chars('npm_'), rest: '[A-Za-z0-9]{0,36}' }]),
  maxLength: 41,
});

/**
 * The provider-key detectors, by kind.
 *
 * @example
 * KEY_DETECTORS.gitlab_token.find('glpat-' + 'a1B2c3D4e5F6g7H8i9J0', 0); // { start: 0, end: 26 }
 */
export const KEY_DETECTORS = Object.freeze({
  openai_key: openaiKey,
  anthropic_key: anthropicKey,
  openrouter_key: openrouterKey,
  deepseek_key: deepseekKey,
  groq_key: groqKey,
  xai_key: xaiKey,
  perplexity_key: perplexityKey,
  huggingface_token: huggingfaceToken,
  aws_access_key: awsAccessKey,
  aws_secret_key: anyOf('aws_secret_key', [
    ASSIGNMENT_DETECTORS.awsSecretAssignment,
    awsSecretAfterKeyId,
    awsSecretPrompt,
    awsSecretConfigureSet,
  ]),
  github_token: githubToken,
  gitlab_token: gitlabToken,
  slack_token: slackToken,
  stripe_key: stripeKey,
  google_api_key: googleApiKey,
  azure_key: anyOf('azure_key', [
    azureAdClientSecret,
    createAzureAnnotatedKeyDetector(),
    ASSIGNMENT_DETECTORS.azureStorageKey,
    ASSIGNMENT_DETECTORS.azureSasSignature,
  ]),
  npm_token: anyOf('npm_token', [npmAccessToken, ASSIGNMENT_DETECTORS.npmrcToken]),
  gcp_service_account: ASSIGNMENT_DETECTORS.gcpKeyId,
} satisfies Record<string, Detector>);
