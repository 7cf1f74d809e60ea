// Every secret kind is masked in the forms agents paste, with the text around it intact, and credential names
// without a literal secret are left alone; streamed, the result is the same however the text is cut.

import { SECRET_KINDS, createDlpScanner, type DlpScanner } from '../../src/dlp/index.js';
import { ASSIGNMENT_NEAR_MISSES, AWS_KEY_ID, FORM_CASES } from './forms.js';
import { scannerWithAll } from './helpers.js';
import { prng } from '../support/prng.js';

const defaults = createDlpScanner();
const all = scannerWithAll('mask');

const label = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);

const rows = FORM_CASES.flatMap(({ kind, secret, forms }) =>
  forms.map((form) => {
    const text = form.replaceAll('{id}', AWS_KEY_ID).replaceAll('{s}', secret);
    const expected = form.replaceAll('{id}', '[REDACTED:aws_access_key]').replaceAll('{s}', `[REDACTED:${kind}]`);
    return { kind, form, text, expected };
  }),
);

function stream(scanner: DlpScanner, text: string, seed: number, maxChunk: number): string {
  const next = prng(seed);
  const masker = scanner.createStreamMasker();
  let out = '';
  for (let i = 0; i < text.length; ) {
    const size = 1 + Math.floor(next() * maxChunk);
    out += masker.push(text.slice(i, i + size));
    i += size;
  }
  return out + masker.end();
}

describe('secrets in the forms agents paste', () => {
  it('covers every secret kind', () => {
    const covered = new Set<string>(rows.map((r) => r.kind));
    expect(SECRET_KINDS.filter((kind) => !covered.has(kind))).toEqual([]);
  });

  it.each(rows.map((r) => [r.kind, label(r.form), r.text, r.expected]))('%s in %s', (kind, _form, text, expected) => {
    const result = defaults.scanText(text);
    expect(result.text).toBe(expected);
    expect(result.counts[kind]).toBeGreaterThanOrEqual(1);
  });
});

describe('credential names without a literal secret', () => {
  it.each(ASSIGNMENT_NEAR_MISSES.map((s) => [label(s), s]))('leaves %s untouched', (_label, text) => {
    const result = all.scanText(text);
    expect(result.text).toBe(text);
    expect(result.counts).toEqual({});
  });
});

describe('streaming the forms', () => {
  const corpus = [...rows.map((r) => r.text), ...ASSIGNMENT_NEAR_MISSES].join('\n');

  it.each([
    ['the default policy', defaults],
    ['every kind on', all],
  ] as const)('agrees with scanText under %s for any chunking', (_name, scanner) => {
    const whole = scanner.scanText(corpus).text;
    for (const [seed, maxChunk] of [[1, 1], [2, 3], [3, 7], [4, 40], [5, 400]] as const) {
      expect(stream(scanner, corpus, seed, maxChunk)).toBe(whole);
    }
  });

  it('masks a key name and its value split across pushes', () => {
    const masker = defaults.createStreamMasker();
    const secret = rows.find((r) => r.kind === 'generic_secret')?.text.match(/hunter2\w+/)?.[0] as string;
    const pieces = ['export MY_SERVICE_DATABASE_PASS', 'WORD="', secret.slice(0, 5), secret.slice(5), '"\nnext line'];
    const out = pieces.map((p) => masker.push(p)).join('') + masker.end();
    expect(out).toBe('export MY_SERVICE_DATABASE_PASSWORD="[REDACTED:generic_secret]"\nnext line');
  });

  it('never emits the start of a value while it could still be a secret', () => {
    const masker = defaults.createStreamMasker();
    const secret = rows.find((r) => r.kind === 'url_credentials')?.text.match(/app:([^@]+)@/)?.[1] as string;
    let out = '';
    for (const ch of `DATABASE_URL=postgres://app:${secret}@db.internal/app`) {
      out += masker.push(ch);
      expect(out).not.toContain(secret.slice(0, 3));
    }
    expect(out + masker.end()).toBe('DATABASE_URL=postgres://app:[REDACTED:url_credentials]@db.internal/app');
  });
});
