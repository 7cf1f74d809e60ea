// Credentials recognised by where they sit rather than by a prefix: JWTs, Bearer/Token and Basic authorization,
// `curl -u user:password`, and the password in a URL's userinfo (`postgres://user:password@host`).

import { anyOf, createRegexDetector, prefixTail, type Detector } from './detector.js';
import { chars } from './key-patterns.js';
import { DOCUMENTED_EXAMPLES, isPlaceholder } from './placeholders.js';
import { requireDigitAndLetter } from './validators.js';

const jwt = createRegexDetector({
  kind: 'jwt',
  // Header always starts `eyJ` (base64url of `{"`); a signature of 16+, or none at all (`alg: none`) when the
  // payload is JSON too (`eyJ…`) and the token ends at its second dot.
  pattern:
    /(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{8,2048}\.(?:[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{16,1024}|eyJ[A-Za-z0-9_-]{5,8192}\.(?![A-Za-z0-9_.-]))/,
  hints: ['eyJ'],
  // Only published examples are spared: base64 of binary claims may legitimately hold runs such as `AAAAAAAA`.
  resolve: (text, start, end) => (DOCUMENTED_EXAMPLES.has(text.slice(start, end)) ? -1 : end),
  tail: prefixTail('(?<![A-Za-z0-9_.-])', [
    {
      atoms: chars('eyJ'),
      rest: '[A-Za-z0-9_-]{0,2048}(?:\\.[A-Za-z0-9_-]{0,8192}(?:\\.[A-Za-z0-9_-]{0,1024})?)?',
    },
  ]),
  maxLength: 11_269,
});

/**
 * `Bearer `, or after an `Authorization` header name `Token ` / `Api-Token ` (Django REST framework, GitHub's docs,
 * Dynatrace) or no scheme at all (`Authorization: <token>`).
 */
const BEARER_SCHEME =
  '(?:(?<![A-Za-z0-9_])(?:Bearer|bearer|BEARER)[ \\t]{1,4}|(?:Authorization|authorization|AUTHORIZATION)["\']?[ \\t]{0,4}[:=][ \\t]{0,4}["\']?(?:(?:Token|token|TOKEN|Api-Token)[ \\t]{1,4})?)';

const bearerToken = createRegexDetector({
  kind: 'bearer_token',
  // The match is only the token (the scheme word sits in the look-behind), so `Bearer ` survives masking and a
  // token that is also a known key or JWT is named by the more specific kind (same span, earlier priority).
  pattern: new RegExp(`${BEARER_SCHEME}([A-Za-z0-9._~+/-]{20,4096}={0,2})`),
  valueGroup: true,
  resolve: (text, start, end) => (isPlaceholder(text, start, end) ? -1 : requireDigitAndLetter(0)(text, start, end)),
  tail: new RegExp(`(?<=${BEARER_SCHEME})[A-Za-z0-9._~+/=-]{0,4098}$`),
  lookBehind: 40,
  maxLength: 4098,
});

/** Text with a `:` in it, nearly all printable (a typo in a pasted header costs a byte or two): `user:password`. */
function decodesToUserPassword(b64: string): boolean {
  const decoded = Buffer.from(b64, 'base64').toString('latin1');
  if (decoded.length < 3 || !decoded.includes(':')) return false;
  let unprintable = 0;
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if (c < 32 || (c > 126 && c < 160)) unprintable++;
  }
  return unprintable * 10 <= decoded.length;
}

const BASIC_SCHEME = '(?<![A-Za-z0-9_])(?:Basic|basic|BASIC)[ \\t]{1,4}';

const basicHeader = createRegexDetector({
  kind: 'basic_auth',
  // `Authorization: Basic <base64(user:password)>`; the base64 must decode to `user:password`, which keeps the
  // word "basic" followed by an ordinary word out.
  pattern: new RegExp(`${BASIC_SCHEME}([A-Za-z0-9+/]{8,1024}={0,2})(?![A-Za-z0-9+/=])`),
  valueGroup: true,
  resolve: (text, start, end) => (decodesToUserPassword(text.slice(start, end)) && !isPlaceholder(text, start, end) ? end : -1),
  tail: new RegExp(`(?<=${BASIC_SCHEME})[A-Za-z0-9+/=]{0,1026}$`),
  lookBehind: 16,
  maxLength: 1027,
});

/** Passwords that stand in for one in docs and examples (`user:password@`, `-u user:pass`). */
const PLACEHOLDER_PASSWORDS = new Set(['password', 'pass', 'passwd', 'pwd', 'secret', 'token', 'test', 'changeme', 'changeit', 'admin']);

/**
 * A password worth masking: not empty, not a template (`$PASS`, `${{ … }}`, `<password>`), not a stand-in word or
 * one that names itself (`pass:word`, `pass%40`, `my-secret`: URL parsers' test strings).
 */
function isLiteralPassword(value: string): boolean {
  if (value.length === 0 || '$%{<[*('.includes(value[0] as string)) return false;
  if (PLACEHOLDER_PASSWORDS.has(value.toLowerCase()) || /^x+$|^y+$|^\*+$/i.test(value) || /pass|secret/i.test(value)) return false;
  return !isPlaceholder(value, 0, value.length);
}

/** `-u`/`--user`, then a user name without template or placeholder brackets (`<user>`, `${USER}`, `$(cat …)`). */
const CURL_USER = '(?<![A-Za-z0-9_-])(?:-u|--user|--proxy-user)(?:[ \\t]{1,4}|=)["\']?[^\\s:"\'<>\\[\\]{}()]{0,64}:["\']?';

const curlUser = createRegexDetector({
  kind: 'basic_auth',
  // `curl -u user:password` / `--user=user:password`: only the password is masked.
  pattern: new RegExp(`${CURL_USER}([^\\s"'<>\\[\\]{}()]{1,128})`),
  valueGroup: true,
  resolve: (text, start, end) => {
    const value = text.slice(start, end);
    // Lower-case letters only, or a short word, is a stand-in (`user:token`, `xxx:yyy`); `yqDVtkqPECriaLRi` is not.
    return isLiteralPassword(value) && !/^[a-z]+$|^[A-Za-z]{1,8}$/.test(value) ? end : -1;
  },
  tail: new RegExp(`(?<=${CURL_USER})[^\\s"'<>\\[\\]{}()]{0,128}$`),
  lookBehind: 96,
  maxLength: 129,
});

const basicAuth = anyOf('basic_auth', [basicHeader, curlUser]);

const USERINFO = '[^\\s:/?#@\\[\\]"\'<>]{0,64}:';
const URL_USER = `(?<=[A-Za-z0-9+.-]:\\/\\/${USERINFO})`;
const URL_PASSWORD_CHARS = '[^\\s/?#"\'<>\\[\\]]';

const urlCredentials = createRegexDetector({
  kind: 'url_credentials',
  // `scheme://user:password@host`: only the password is masked, so the URL still reads as a URL. A password
  // with an unencoded `@` runs to the last `@` of the authority, as URL parsers read it.
  // Starts with the literal `://` (the scheme check is a look-behind after it), so the engine skips to it.
  pattern: new RegExp(`:\\/\\/(?<=[A-Za-z0-9+.-]:\\/\\/)${USERINFO}(${URL_PASSWORD_CHARS}{1,200})`),
  valueGroup: true,
  resolve: (text, start, end) => {
    const at = text.lastIndexOf('@', end - 1);
    if (at <= start || at >= end) return -1;
    const host = text.charCodeAt(at + 1);
    const hostOk = (host >= 48 && host <= 57) || (host >= 65 && host <= 90) || (host >= 97 && host <= 122) || host === 91;
    return hostOk && isLiteralPassword(text.slice(start, at)) ? at : -1;
  },
  tail: new RegExp(`${URL_USER}${URL_PASSWORD_CHARS}{0,200}$`),
  lookBehind: 72,
  maxLength: 201,
});

/**
 * The context-bound credential detectors, by kind.
 *
 * @example
 * CREDENTIAL_DETECTORS.url_credentials.find('postgres://app:s3cret@db/app', 0); // { start: 15, end: 21 }
 */
export const CREDENTIAL_DETECTORS = Object.freeze({
  jwt,
  bearer_token: bearerToken,
  basic_auth: basicAuth,
  url_credentials: urlCredentials,
} satisfies Record<string, Detector>);
