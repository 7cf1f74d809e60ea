// scanField: a value whose name comes from structure (a JSON member), judged by the name = value kinds.

import { createDlpScanner } from '../../src/dlp/index.js';
import { AWS_SECRET, POSITIVES, synth } from './fixtures.js';

const scanner = createDlpScanner();
const password = 'hunter2' + synth(9, 51);

describe('scanField', () => {
  it('masks a whole value by its key when the key names a credential', () => {
    expect(scanner.scanField('password', password)).toEqual({ text: '[REDACTED:generic_secret]', counts: { generic_secret: 1 }, blocked: [] });
    expect(scanner.scanField('aws_secret_access_key', AWS_SECRET).text).toBe('[REDACTED:aws_secret_key]');
    expect(scanner.scanField('private_key_id', synth(40, 52, '0123456789abcdef')).text).toBe('[REDACTED:gcp_service_account]');
    expect(scanner.scanField('_authToken', synth(36, 53)).text).toBe('[REDACTED:npm_token]');
  });

  it('lets a specific kind found in the value name it, and masks only what was found', () => {
    const key = POSITIVES.openai_key[0] as string;
    expect(scanner.scanField('api_key', key).text).toBe('[REDACTED:openai_key]');
    expect(scanner.scanField('note', `use ${key} here`).text).toBe('use [REDACTED:openai_key] here');
  });

  it('leaves values alone when the key is not a credential or the value is no literal secret', () => {
    for (const [name, value] of [
      ['name', password],
      ['max_tokens', '4096'],
      ['password', '${DB_PASSWORD}'],
      ['password', 'string'],
      ['token', 'your-token-here'],
      ['path', './secrets/token2.txt'],
    ] as const) {
      expect(scanner.scanField(name, value)).toEqual({ text: value, counts: {}, blocked: [] });
    }
  });

  it('follows the policy: off kinds are not judged, block kinds are reported', () => {
    expect(createDlpScanner({ kinds: { generic_secret: 'off' } }).scanField('password', password).text).toBe(password);
    expect(createDlpScanner({ kinds: { generic_secret: 'block' } }).scanField('password', password).blocked).toEqual(['generic_secret']);
  });
});
