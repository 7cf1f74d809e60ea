// 1 MiB inputs built to trip backtracking: scanning must finish (linear time); no timing is asserted.

import { DLP_KINDS, createDlpScanner } from '../../src/dlp/index.js';
import { POSITIVES } from './fixtures.js';
import { inContext, scannerWithAll } from './helpers.js';
import { scanChatMessages } from '../../src/protocols/openai-chat/texts.js';

const MIB = 1 << 20;
const fill = (unit: string): string => unit.repeat(Math.ceil(MIB / unit.length)).slice(0, MIB);

const INPUTS: [string, () => string][] = [
  ['a', () => fill('a')],
  ['1', () => fill('1')],
  ['-', () => fill('-')],
  ['A', () => fill('A')],
  ['space', () => fill(' ')],
  ['eyJ', () => fill('eyJ')],
  ['eyJa.', () => fill('eyJa.')],
  ['long JWT-ish segments', () => fill('eyJ' + 'a'.repeat(2000) + '.')],
  ['@', () => fill('@')],
  ['a@', () => fill('a@')],
  ['a.b@c.', () => fill('a.b@c.')],
  ['4111 ', () => fill('4111 ')],
  ['4111-', () => fill('4111-')],
  ['1 ', () => fill('1 ')],
  ['+1 ', () => fill('+1 ')],
  ['(555) ', () => fill('(555) ')],
  ['123-45-', () => fill('123-45-')],
  ['GB82 ', () => fill('GB82 ')],
  ['sk-', () => fill('sk-')],
  ['sk- with one huge body', () => 'sk-' + fill('a1')],
  ['Bearer ', () => fill('Bearer ')],
  ['Bearer with one huge token', () => 'Bearer ' + fill('a1')],
  ['private key headers', () => fill('-----BEGIN RSA PRIVATE KEY-----\n')],
  ['headers inside header fields', () => fill('-----BEGIN PRIVATE KEY-----\nX: ')],
  ['a never-ending key body', () => '-----BEGIN PRIVATE KEY-----\n' + fill('QUFBQUFB'.repeat(8) + '\n')],
  ['escaped newlines', () => fill('\\n')],
  ['hex', () => fill('0123456789abcdef')],
  // the assignment and credential detectors' contexts, repeated without ever completing or with values everywhere
  ['password=', () => fill('password=')],
  ['password = "a1', () => fill('password = "a1')],
  ['name without value', () => fill('DB_PASSWORD ')],
  ['one huge value', () => 'token=' + fill('a1')],
  ['one huge quoted value', () => 'token: "' + fill('a1')],
  ['typed declarations', () => fill('var token string ')],
  ['xml openers', () => fill('<password>a1b2c3d4')],
  ['flags', () => fill('--password --token ')],
  ['URL userinfo', () => fill('://a:')],
  ['URL passwords', () => fill('https://u:p4ssw0rd1@')],
  ['curl users', () => fill('-u a:')],
  ['Basic', () => fill('Basic ')],
  ['Basic with long base64', () => 'Basic ' + fill('QUJD')],
  ['key ids and commas', () => fill('AKIAZ3X5C7V9B2N4M6L8,')],
  ['Q~', () => fill('abc8Q~')],
  ['annotated key signature', () => fill('JQQJ9')],
  ['long alphanumeric run', () => fill('aB3')],
  ['escaped quotes', () => fill('\\"token\\": \\"')],
];

describe('adversarial 1 MiB inputs', () => {
  const scanners = [createDlpScanner(), scannerWithAll('mask')];

  it.each(INPUTS)('scans %s and returns', (_name, build) => {
    const text = build();
    for (const scanner of scanners) {
      const result = scanner.scanText(text);
      expect(typeof result.text).toBe('string');
      const masker = scanner.createStreamMasker();
      let out = '';
      for (let i = 0; i < text.length; i += 65_536) out += masker.push(text.slice(i, i + 65_536));
      out += masker.end();
      expect(out).toBe(result.text);
    }
  });

  it('scans 1 MiB of back-to-back secrets of every kind', () => {
    const scanner = scannerWithAll('mask');
    for (const kind of DLP_KINDS) {
      const unit = POSITIVES[kind].map((s) => inContext(kind, s).text).join('\n') + '\n';
      const text = fill(unit);
      const result = scanner.scanText(text);
      expect(result.counts[kind]).toBeGreaterThan(1000);
    }
  });

  it('scans a 1 MiB message list entry through scanMessages', () => {
    const text = fill('sk-a1 4111 eyJ @ ');
    const result = scanChatMessages([{ role: 'user', content: text }], scannerWithAll('mask').scanText);
    expect(result.changed).toBe(false);
  });
});
