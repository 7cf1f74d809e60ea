// The stream masker agrees with whole-text scanning however the text is split, and holds back little.

import { DLP_KINDS, createDlpScanner, type DlpScanner } from '../../src/dlp/index.js';
import { NEAR_MISSES, POSITIVES, base64Lines } from './fixtures.js';
import { inContext, scannerWithAll, scannerWithOnly } from './helpers.js';
import { prng as random } from '../support/prng.js';

function streamInChunks(scanner: DlpScanner, chunks: readonly string[]): string {
  const masker = scanner.createStreamMasker();
  let out = '';
  for (const chunk of chunks) out += masker.push(chunk);
  return out + masker.end();
}

function randomChunks(text: string, seed: number, maxSize: number): string[] {
  const next = random(seed);
  const chunks: string[] = [];
  for (let i = 0; i < text.length; ) {
    const size = 1 + Math.floor(next() * maxSize);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

const CORPUS = [
  ...DLP_KINDS.flatMap((kind) => POSITIVES[kind].map((sample) => inContext(kind, sample).text)),
  ...NEAR_MISSES,
  'Plain prose between the samples, with numbers like 42 and 3.14 and words like task-list.',
].join('\n');

const SCANNERS: [string, DlpScanner][] = [
  ['default policy', createDlpScanner()],
  ['every kind masked', scannerWithAll('mask')],
  [
    'custom patterns',
    createDlpScanner({
      kinds: { email: 'mask' },
      custom: [
        { name: 'ticket', pattern: 'TCK-[0-9]{4,8}' },
        { name: 'codename', pattern: /\bproject (?:falcon|osprey)\b/i, action: 'block' },
      ],
    }),
  ],
];

describe('stream masker', () => {
  const key = POSITIVES.openai_key[0] as string;
  const all = scannerWithAll('mask');

  it('masks a secret split across two pushes', () => {
    const masker = all.createStreamMasker();
    const out = masker.push(`my key is ${key.slice(0, 10)}`) + masker.push(`${key.slice(10)} ok`) + masker.end();
    expect(out).toBe('my key is [REDACTED:openai_key] ok');
    expect(masker.counts).toEqual({ openai_key: 1 });
  });

  it('masks a secret split across three pushes, including inside its prefix', () => {
    const masker = all.createStreamMasker();
    const parts = ['key: s', 'k-pro', `${key.slice(5)}!`];
    const out = parts.map((p) => masker.push(p)).join('') + masker.end();
    expect(out).toBe('key: [REDACTED:openai_key]!');
  });

  it('never emits a prefix of an unfinished secret', () => {
    const masker = all.createStreamMasker();
    let out = '';
    for (const ch of `token ${key} end`) {
      out += masker.push(ch);
      expect(out).not.toMatch(/sk-p/);
    }
    out += masker.end();
    expect(out).toBe('token [REDACTED:openai_key] end');
  });

  describe.each(SCANNERS)('with the %s', (_name, scanner) => {
    const expected = scanner.scanText(CORPUS);

    it('equals scanText when fed one character at a time', () => {
      const masker = scanner.createStreamMasker();
      let out = '';
      for (const ch of CORPUS) out += masker.push(ch);
      out += masker.end();
      expect(out).toBe(expected.text);
      expect(masker.counts).toEqual(expected.counts);
      expect(masker.blocked).toEqual(expected.blocked);
    });

    it.each([1, 2, 3, 4, 5, 6, 7, 8])('equals scanText for random chunking (seed %i)', (seed) => {
      const maxSize = [2, 5, 16, 64, 300, 3, 9, 1000][seed - 1] as number;
      expect(streamInChunks(scanner, randomChunks(CORPUS, seed, maxSize))).toBe(expected.text);
    });

    it('equals scanText when everything arrives in one push', () => {
      expect(streamInChunks(scanner, [CORPUS])).toBe(expected.text);
    });

    it('agrees at every two-way split of each positive sample', () => {
      for (const kind of DLP_KINDS) {
        for (const sample of POSITIVES[kind]) {
          const { text } = inContext(kind, sample);
          const whole = scanner.scanText(text).text;
          for (let cut = 1; cut < text.length; cut += Math.max(1, Math.floor(text.length / 97))) {
            expect(streamInChunks(scanner, [text.slice(0, cut), text.slice(cut)])).toBe(whole);
          }
        }
      }
    });
  });

  it.each(DLP_KINDS.map((k) => [k]))('equals scanText char by char with only %s on', (kind) => {
    const scanner = scannerWithOnly(kind);
    const masker = scanner.createStreamMasker();
    let out = '';
    for (const ch of CORPUS) out += masker.push(ch);
    expect(out + masker.end()).toBe(scanner.scanText(CORPUS).text);
  });

  it('agrees with scanText on random soup of tricky fragments', () => {
    const fragments = [
      'sk-', 'sk-ant-', 'proj-', 'A1b2', 'A1b2c3D4e5f6G7h8', '-', '_', ' ', '  ', '\n', '.', ',', '@', 'x', 'Q',
      '4111', '1111', '5555', '4444', '0', '12', '555', '123', '4567', '(', ')', '+1 ', '+44 ', '-0', '/',
      'AKIA', 'ASIA', 'Z3X5C7V9B2N4M6L8', 'ghp_', 'github_pat_', 'xoxb-', 'sk_live_', 'rk_test_', 'AIza',
      'eyJ', 'eyJhbGciOiJIUzI1NiJ9', 'Bearer ', 'bearer\t', '-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----',
      '-----BEGIN ', 'PRIVATE KEY', '-----', base64Lines(1)[0] as string, '==', '\\n', '\r\n',
      'GB82', ' WEST', 'DE89', '3704', '0044', '0532', '0130', '00', 'jane', '.doe', 'example.com', '219-09-', '9999',
      'https://hooks.slack.com/services/', 'T0A1B2C3D/', '😀',
      // name = value, URL and header contexts of the assignment and credential kinds
      'password', 'DB_PASSWORD', '=', ': ', ' = "', '"', "'", '\\"', '--token ', 'apiKey', '<password>', '</password>',
      'postgres://', 'app:', '@db', 'Basic ', 'YWRtaW46czNjcjN0cGFzcw==', 'curl -u ', 'bob:', 'Authorization: Token ',
      'aws_secret_access_key', 'wJalrXUtnFEMIK7MDENGbPxRfiCY' + 'Q1w2E3r4T5y6', ',', 'glpat-', 'hf_', 'xapp-1-', 'Q~',
      'JQQJ9', 'AccountKey=', '&sig=', '%2B', 'string', '${X}', '\\n', 'hunter2', 'Zx9Qw8Er7T', 'x',
    ];
    const scanner = scannerWithAll('mask');
    for (let seed = 1; seed <= 150; seed++) {
      const next = random(seed * 7919);
      let text = '';
      while (text.length < 400) text += fragments[Math.floor(next() * fragments.length)];
      const whole = scanner.scanText(text).text;
      const chunks = randomChunks(text, seed, 1 + (seed % 9));
      const streamed = streamInChunks(scanner, chunks);
      if (streamed !== whole) throw new Error(`seed ${seed}: ${JSON.stringify(text)}\n${JSON.stringify(streamed)}\n${JSON.stringify(whole)}`);
    }
  });

  it('holds back at most maxMatchLength characters, and only a few for ordinary prose', () => {
    const scanner = createDlpScanner();
    const prose = 'The quick brown fox jumps over the lazy dog; numbers 12, 345 and 6789 are fine. '.repeat(200);
    const masker = scanner.createStreamMasker();
    let pushed = 0;
    let emitted = 0;
    let worst = 0;
    for (const chunk of randomChunks(prose, 11, 6)) {
      pushed += chunk.length;
      emitted += masker.push(chunk).length;
      worst = Math.max(worst, pushed - emitted);
    }
    emitted += masker.end().length;
    expect(emitted).toBe(prose.length);
    expect(worst).toBeLessThanOrEqual(scanner.maxMatchLength);
    expect(worst).toBeLessThan(16);
  });

  it('bounds the hold-back even for a key block that never ends', () => {
    const scanner = createDlpScanner();
    const masker = scanner.createStreamMasker();
    const body = base64Lines(600).join('\n');
    const text = `-----BEGIN PRIVATE KEY-----\n${body}`;
    let pushed = 0;
    let out = '';
    for (const chunk of randomChunks(text, 5, 64)) {
      pushed += chunk.length;
      out += masker.push(chunk);
      expect(pushed - out.length).toBeLessThanOrEqual(scanner.maxMatchLength + '[REDACTED:private_key]'.length);
    }
    expect(out.startsWith('[REDACTED:private_key]')).toBe(true);
    expect(out + masker.end()).toBe(scanner.scanText(text).text);
  });

  it('streams straight through when DLP is disabled', () => {
    const off = createDlpScanner({ kinds: Object.fromEntries(DLP_KINDS.map((k) => [k, 'off'])) });
    const masker = off.createStreamMasker();
    expect(masker.push(`a ${key}`)).toBe(`a ${key}`);
    expect(masker.end()).toBe('');
  });

  it('reports block kinds found in a stream but still masks them', () => {
    const scanner = createDlpScanner({ kinds: { aws_access_key: 'block' } });
    const aws = POSITIVES.aws_access_key[0] as string;
    const masker = scanner.createStreamMasker();
    const out = masker.push(`id ${aws.slice(0, 7)}`) + masker.push(`${aws.slice(7)} done`) + masker.end();
    expect(out).toBe('id [REDACTED:aws_access_key] done');
    expect(masker.blocked).toEqual(['aws_access_key']);
  });

  it('does not split a surrogate pair between chunks', () => {
    const scanner = createDlpScanner({ custom: [{ name: 'ticket', pattern: 'TCK-[0-9]{4}', maxLength: 8 }] });
    const masker = scanner.createStreamMasker();
    const chunks: string[] = [];
    for (const piece of ['emoji 😀😀😀😀😀 ', 'and more 😀😀 text', ' end']) {
      const out = masker.push(piece);
      if (out.length > 0) chunks.push(out);
    }
    chunks.push(masker.end());
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      expect(chunk.charCodeAt(chunk.length - 1) >= 0xd800 && chunk.charCodeAt(chunk.length - 1) <= 0xdbff).toBe(false);
    }
    expect(chunks.join('')).toBe('emoji 😀😀😀😀😀 and more 😀😀 text end');
  });

  it('can be reused after end()', () => {
    const masker = all.createStreamMasker();
    expect(masker.push(key) + masker.end()).toBe('[REDACTED:openai_key]');
    expect(masker.push(`again ${key}`) + masker.end()).toBe('again [REDACTED:openai_key]');
    expect(masker.counts).toEqual({ openai_key: 2 });
  });
});
