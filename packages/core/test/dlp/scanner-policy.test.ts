// Policy: defaults, off/mask/block per kind, counts, configuration errors and custom patterns.

import {
  DEFAULT_DLP_ACTIONS,
  DLP_KINDS,
  SECRET_KINDS,
  createDlpScanner,
  dlpBlockedMessage,
  type DlpKind,
} from '../../src/dlp/index.js';
import { POSITIVES } from './fixtures.js';
import { inContext } from './helpers.js';

const sample = (kind: DlpKind): string => POSITIVES[kind][0] as string;

describe('DLP policy', () => {
  it('masks secrets and cards by default and leaves personal data alone', () => {
    for (const kind of SECRET_KINDS) expect(DEFAULT_DLP_ACTIONS[kind]).toBe('mask');
    expect(DEFAULT_DLP_ACTIONS.credit_card).toBe('mask');
    for (const kind of ['email', 'phone', 'us_ssn', 'iban'] as const) expect(DEFAULT_DLP_ACTIONS[kind]).toBe('off');

    const scanner = createDlpScanner();
    expect(scanner.enabled).toBe(true);
    for (const kind of DLP_KINDS) {
      const { text, expected } = inContext(kind, sample(kind));
      expect(scanner.scanText(text).text).toBe(DEFAULT_DLP_ACTIONS[kind] === 'mask' ? expected : text);
    }
  });

  it('is disabled when every kind is off and there are no custom patterns', () => {
    const kinds = Object.fromEntries(DLP_KINDS.map((k) => [k, 'off']));
    const scanner = createDlpScanner({ kinds });
    expect(scanner.enabled).toBe(false);
    expect(scanner.maxMatchLength).toBe(0);
    const text = `key ${sample('openai_key')}`;
    expect(scanner.scanText(text)).toEqual({ text, counts: {}, blocked: [] });
    expect(createDlpScanner({ kinds, custom: [{ name: 'x', pattern: 'x{3}' }] }).enabled).toBe(true);
  });

  it('turns a default-on kind off', () => {
    const scanner = createDlpScanner({ kinds: { credit_card: 'off' } });
    expect(scanner.scanText('card 4111 1111 1111 1111').text).toBe('card 4111 1111 1111 1111');
    expect(scanner.actions.credit_card).toBe('off');
    expect(scanner.actions.openai_key).toBe('mask');
  });

  it('turns a default-off kind on', () => {
    const scanner = createDlpScanner({ kinds: { email: 'mask', iban: 'mask' } });
    expect(scanner.scanText('mail a.b@example.org, iban DE89370400440532013000').text).toBe(
      'mail [REDACTED:email], iban [REDACTED:iban]',
    );
  });

  it('reports block kinds (names only) and still masks them', () => {
    const scanner = createDlpScanner({ kinds: { openai_key: 'block', us_ssn: 'block' } });
    const key = sample('openai_key');
    const result = scanner.scanText(`ssn 219-09-9999 key ${key} and ${key}, card 5555555555554444`);
    expect(result.text).toBe(
      'ssn [REDACTED:us_ssn] key [REDACTED:openai_key] and [REDACTED:openai_key], card [REDACTED:credit_card]',
    );
    expect(result.counts).toEqual({ us_ssn: 1, openai_key: 2, credit_card: 1 });
    expect(result.blocked).toEqual(['us_ssn', 'openai_key']);
    expect(dlpBlockedMessage(result.blocked)).toBe(
      'Request blocked by data loss prevention policy: found us_ssn, openai_key',
    );
    expect(dlpBlockedMessage(result.blocked)).not.toContain(key);
  });

  it('reports nothing blocked when block kinds are absent', () => {
    const scanner = createDlpScanner({ kinds: { jwt: 'block' } });
    expect(scanner.scanText(`card 4111111111111111`).blocked).toEqual([]);
  });

  it('rejects unknown kinds and actions', () => {
    expect(() => createDlpScanner({ kinds: { password: 'mask' } as never })).toThrow(/Unknown DLP kind "password"/);
    expect(() => createDlpScanner({ kinds: { email: 'redact' } as never })).toThrow(/action must be/);
    expect(() => createDlpScanner({ kinds: [] as never })).toThrow(/must be an object/);
    expect(() => createDlpScanner({ custom: {} as never })).toThrow(/must be an array/);
  });

  it('exposes a maxMatchLength that covers every enabled detector', () => {
    expect(createDlpScanner().maxMatchLength).toBeGreaterThanOrEqual(16_384);
    const small = createDlpScanner({
      kinds: { ...Object.fromEntries(DLP_KINDS.map((k) => [k, 'off'])), aws_access_key: 'mask' },
    });
    expect(small.maxMatchLength).toBe(21);
  });
});

describe('custom patterns', () => {
  it('masks a string pattern with the default action', () => {
    const scanner = createDlpScanner({ custom: [{ name: 'ticket', pattern: 'TCK-[0-9]{4}' }] });
    const result = scanner.scanText('see TCK-1234 and TCK-5678');
    expect(result.text).toBe('see [REDACTED:ticket] and [REDACTED:ticket]');
    expect(result.counts).toEqual({ ticket: 2 });
    expect(result.blocked).toEqual([]);
  });

  it('keeps the flags of a RegExp pattern', () => {
    const scanner = createDlpScanner({ custom: [{ name: 'codename', pattern: /project (?:falcon|osprey)/i }] });
    expect(scanner.scanText('Project FALCON ships').text).toBe('[REDACTED:codename] ships');
  });

  it('applies validate and resumes after a rejected match', () => {
    const scanner = createDlpScanner({
      custom: [{ name: 'even_id', pattern: /ID[0-9]{2,4}/, validate: (m) => Number(m.slice(2)) % 2 === 0 }],
    });
    expect(scanner.scanText('ID13 ID24 ID999').text).toBe('ID13 [REDACTED:even_id] ID999');
  });

  it('blocks with action block', () => {
    const scanner = createDlpScanner({ custom: [{ name: 'employee_id', pattern: /EMP-[0-9]{6}/, action: 'block' }] });
    const result = scanner.scanText('employee EMP-004211');
    expect(result.text).toBe('employee [REDACTED:employee_id]');
    expect(result.blocked).toEqual(['employee_id']);
  });

  it('ignores empty matches', () => {
    const scanner = createDlpScanner({ custom: [{ name: 'maybe', pattern: 'x?' }] });
    expect(scanner.scanText('abc x abc').text).toBe('abc [REDACTED:maybe] abc');
  });

  it('lets built-in kinds win an exact tie, and the earlier start win otherwise', () => {
    const scanner = createDlpScanner({ custom: [{ name: 'aws_like', pattern: 'AKIA[A-Z0-9]{16}' }] });
    expect(scanner.scanText(sample('aws_access_key')).text).toBe('[REDACTED:aws_access_key]');
  });

  it.each([
    [{ name: 'Bad-Name', pattern: 'x' }, /name must match/],
    [{ name: '', pattern: 'x' }, /name must match/],
    [{ name: 'constructor', pattern: 'x' }, /name must match/],
    [{ name: 'email', pattern: 'x' }, /reuses a built-in kind/],
    [{ name: 'x', pattern: '(' }, /not a valid regex/],
    [{ name: 'x', pattern: '' }, /non-empty string/],
    [{ name: 'x', pattern: '(a+)+b' }, /backtrack catastrophically/],
    [{ name: 'x', pattern: /(?:[0-9]{1,4}-){1,9}/ }, /backtrack catastrophically/],
    [{ name: 'x', pattern: '(a|aa){1,40}' }, /backtrack catastrophically/],
    [{ name: 'x', pattern: 'x', action: 'off' }, /action must be/],
    [{ name: 'x', pattern: 'x', maxLength: 0 }, /maxLength/],
  ])('rejects invalid custom pattern %#', (custom, message) => {
    expect(() => createDlpScanner({ custom: [custom as never] })).toThrow(message);
  });

  it('rejects duplicate names', () => {
    expect(() =>
      createDlpScanner({ custom: [{ name: 'dup', pattern: 'a' }, { name: 'dup', pattern: 'b' }] }),
    ).toThrow(/defined twice/);
  });

  it('accepts single unbounded quantifiers in custom patterns', () => {
    const scanner = createDlpScanner({ custom: [{ name: 'hexkey', pattern: 'hex_[0-9a-f]+' }] });
    expect(scanner.scanText('k hex_00ff').text).toBe('k [REDACTED:hexkey]');
  });
});
