// Every built-in kind is found in realistic samples, and look-alikes are left alone.

import { DLP_KINDS } from '../../src/dlp/index.js';
import { NEAR_MISSES, POSITIVES } from './fixtures.js';
import { CONTEXT_BOUND, inContext, scannerWithAll, scannerWithOnly } from './helpers.js';

const all = scannerWithAll('mask');

describe('built-in detectors', () => {
  describe.each(DLP_KINDS.map((kind) => [kind]))('%s', (kind) => {
    const samples = POSITIVES[kind];
    const labelled = samples.map((s) => [JSON.stringify(s.length > 48 ? `${s.slice(0, 45)}...` : s), s]);

    it.each(labelled)('masks %s with every kind on', (_label, sample) => {
      const { text, expected } = inContext(kind, sample);
      const result = all.scanText(text);
      expect(result.text).toBe(expected);
      expect(result.counts).toEqual({ [kind]: 1 });
      expect(result.blocked).toEqual([]);
    });

    it.each(labelled)('masks %s with only its kind on', (_label, sample) => {
      const { text, expected } = inContext(kind, sample);
      expect(scannerWithOnly(kind).scanText(text).text).toBe(expected);
    });

    it(CONTEXT_BOUND.has(kind) ? 'leaves a sample alone without its context' : 'masks a sample that is the whole text', () => {
      const sample = samples[0] as string;
      expect(all.scanText(sample).text).toBe(CONTEXT_BOUND.has(kind) ? sample : `[REDACTED:${kind}]`);
    });
  });

  it.each(NEAR_MISSES.map((s) => [JSON.stringify(s.length > 48 ? `${s.slice(0, 45)}...` : s), s]))('leaves %s untouched', (_label, text) => {
    const result = all.scanText(text);
    expect(result.text).toBe(text);
    expect(result.counts).toEqual({});
  });

  it('keeps the word Bearer and masks only the token', () => {
    const token = 'tok_' + 'a1B2'.repeat(8);
    expect(all.scanText(`curl -H "Authorization: Bearer ${token}"`).text).toBe(
      'curl -H "Authorization: Bearer [REDACTED:bearer_token]"',
    );
    expect(all.scanText(`authorization: bearer ${token}`).text).toBe('authorization: bearer [REDACTED:bearer_token]');
  });

  it('names a bearer token that is a known key or JWT by the specific kind', () => {
    const key = POSITIVES.openai_key[0] as string;
    expect(all.scanText(`Bearer ${key}`).text).toBe('Bearer [REDACTED:openai_key]');
    const jwt = POSITIVES.jwt[0] as string;
    expect(all.scanText(`Bearer ${jwt}`).text).toBe('Bearer [REDACTED:jwt]');
  });

  it('tells OpenAI and Anthropic keys apart', () => {
    const anthropic = POSITIVES.anthropic_key[0] as string;
    const result = scannerWithOnly('openai_key').scanText(anthropic);
    expect(result.text).toBe(anthropic);
    expect(scannerWithOnly('anthropic_key').scanText(anthropic).text).toBe('[REDACTED:anthropic_key]');
  });

  it('does not match key prefixes glued to a word', () => {
    const body = 'A1b2'.repeat(12);
    for (const text of [`task-${body}`, `mask-${body}`, `xsk-${body}`, `my_ghp_${body}`, `XAKIA${'Z3X5C7V9B2N4M6L8'}`]) {
      expect(all.scanText(text).text).toBe(text);
    }
  });

  it('finds several secrets of different kinds in one text, in order', () => {
    const text = [
      `OPENAI_API_KEY=${POSITIVES.openai_key[0]}`,
      `AWS_ACCESS_KEY_ID=${POSITIVES.aws_access_key[0]}`,
      `card: ${POSITIVES.credit_card[0]}, exp 12/27`,
      `token ${POSITIVES.github_token[0]}.`,
    ].join('\n');
    const result = all.scanText(text);
    expect(result.text).toBe(
      [
        'OPENAI_API_KEY=[REDACTED:openai_key]',
        'AWS_ACCESS_KEY_ID=[REDACTED:aws_access_key]',
        'card: [REDACTED:credit_card], exp 12/27',
        'token [REDACTED:github_token].',
      ].join('\n'),
    );
    expect(result.counts).toEqual({ openai_key: 1, aws_access_key: 1, credit_card: 1, github_token: 1 });
  });

  it('masks a card followed by more digits only up to the card', () => {
    expect(all.scanText('4111 1111 1111 1111 12/25 123').text).toBe('[REDACTED:credit_card] 12/25 123');
  });

  it('masks each of two adjacent cards', () => {
    expect(all.scanText('4111111111111111 5555555555554444').text).toBe(
      '[REDACTED:credit_card] [REDACTED:credit_card]',
    );
  });

  it('trims sentence punctuation off e-mail addresses', () => {
    expect(all.scanText('Write to jane@example.com.').text).toBe('Write to [REDACTED:email].');
  });

  it('masks a truncated private key block from the header through its base64 lines', () => {
    const text = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA' + 'x'.repeat(48), 'abcdEFGH'.repeat(8), '(rest omitted)'].join('\n');
    expect(all.scanText(text).text).toBe('[REDACTED:private_key]\n(rest omitted)');
  });

  it('counts repeated matches', () => {
    const key = POSITIVES.aws_access_key[0] as string;
    expect(all.scanText(`${key} ${key} ${key}`).counts).toEqual({ aws_access_key: 3 });
  });

  it('returns the same string instance when nothing matched', () => {
    const text = 'nothing to see here, just prose with 42 numbers and a 1.2.3 version';
    expect(all.scanText(text).text).toBe(text);
  });
});
