// What must not be masked although it looks like a finding: IMEIs, barcodes and numbers outside every card
// issuer's range, vendors' documented example keys and placeholders, coordinates, and URL userinfo.

import { DOCUMENTED_EXAMPLES, isPlaceholder } from '../../src/dlp/placeholders.js';
import { isCardNumber } from '../../src/dlp/validators.js';
import { createDlpScanner } from '../../src/dlp/index.js';
import { POSITIVES, synth } from './fixtures.js';
import { scannerWithAll } from './helpers.js';

const all = scannerWithAll('mask');
const defaults = createDlpScanner();
const untouched = (text: string): void => {
  const result = all.scanText(text);
  expect(result.text).toBe(text);
  expect(result.counts).toEqual({});
};

describe('numbers that pass the Luhn check but are not cards', () => {
  // Every number here is Luhn-valid, so a Luhn-only check would mask it.
  it.each([
    ['an IMEI', '490154203237518'],
    ['an IMEI', '356938035643809'],
    ['an IMEI in a sentence', 'device IMEI 352099001761481 registered'],
    ['an IMEI written 2-6-6-1', 'IMEI: 35-209900-176148-1'],
    ['an EAN-13 barcode', 'EAN 4006380000094'],
    ['an EAN-13 barcode', '5901230000097'],
    ['an EAN-13 barcode', 'barcode 6901230000096 scanned'],
    ['a GTIN-14', 'GTIN 50123450000095'],
    ['a number in no issuer range (2100)', '2100123456789010'],
    ['a number in no issuer range (31)', '3100123456789018'],
    ['a number in no issuer range (33)', '3300 1234 5678 9016'],
    ['a number below JCB (3500)', '3500123456789014'],
    ['a 15-digit Visa-prefixed number', '411111111111116'],
    ['a 19-digit id in one run', 'Hash succeeded: 3622598880019717439'],
    ['a 19-digit id in one run', 'snowflake 6200000000000000000'],
  ])('leaves %s alone: %s', (_what, text) => {
    untouched(text);
  });

  it('still masks cards of every major network, grouped or not', () => {
    for (const card of ['4111 1111 1111 1111', '5555555555554444', '378282246310005', '6011111111111117', '3566002020360505', '6200000000000005', '36227206271667', '2223003122003222', '6200 0000 0000 0000 000']) {
      expect(defaults.scanText(`card ${card}`).text).toBe('card [REDACTED:credit_card]');
    }
  });

  it('tells card numbers from IMEIs and barcodes by issuer, length and GS1 check', () => {
    expect(isCardNumber('378282246310005', true)).toBe(true);
    expect(isCardNumber('490154203237518', true)).toBe(false);
    expect(isCardNumber('4006380000094', true)).toBe(false);
    expect(isCardNumber('2100123456789010', true)).toBe(false);
  });
});

describe('documented examples and placeholders', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCYEXAMPLEKEY';
  it.each([
    ['AWS example key id', 'aws_access_key_id = ' + 'AKIA' + 'IOSFODNN7EXAMPLE'],
    ['AWS example secret', 'aws_secret_access_key = ' + secret],
    ['AWS example pair in a credentials file', '[default]\naws_access_key_id=' + 'AKIA' + 'I44QH8DHBEXAMPLE\naws_secret_access_key=' + 'je7MtGbClwBF/2Zp9Utk/' + 'h3yCo8nvbEXAMPLEKEY'],
    ['GitHub placeholder', 'export GITHUB_TOKEN=ghp_' + 'x'.repeat(36)],
    ['GitLab placeholder', 'glpat-' + 'X'.repeat(20)],
    ['Slack placeholder', 'SLACK_BOT_TOKEN=xoxb-' + 'x'.repeat(12) + '-' + 'x'.repeat(13) + '-' + 'x'.repeat(24)],
    ['Stripe documentation key', 'Stripe.api_key = "sk_' + 'test_4eC39HqLyjWDarjtT1zdp7dc"'],
    ['jwt.io example token', [...DOCUMENTED_EXAMPLES].find((e) => e.startsWith('eyJ')) as string],
    ['OpenAI key placeholder', 'OPENAI_API_KEY=sk-your-api-key-here'],
    ['Anthropic key placeholder', 'ANTHROPIC_API_KEY=sk-ant-' + 'x'.repeat(40)],
    ['masked password', 'password: "********"'],
    ['Google key placeholder', 'key=AIza' + 'X'.repeat(35)],
  ])('leaves the %s alone', (_what, text) => {
    expect(defaults.scanText(text).text).toBe(text);
  });

  it('recognises placeholders by name, repetition or a run of eight', () => {
    expect(isPlaceholder('ghp_' + 'x'.repeat(36), 0, 40, 4)).toBe(true);
    expect(isPlaceholder('key-' + '0'.repeat(8) + 'ab12', 0, 16)).toBe(true);
    expect(isPlaceholder('my_EXAMPLE_token', 0, 16)).toBe(true);
    expect(isPlaceholder('ghp_' + synth(36, 1), 0, 40, 4)).toBe(false);
  });

  it('still masks real-looking keys next to the placeholders', () => {
    const key = POSITIVES.aws_access_key[0] as string;
    expect(defaults.scanText(`AKIA${'IOSFODNN7EXAMPLE'} and ${key}`).text).toBe(`AKIA${'IOSFODNN7EXAMPLE'} and [REDACTED:aws_access_key]`);
  });
});

describe('coordinates are not phone numbers', () => {
  const phones = createDlpScanner({ kinds: { phone: 'mask' } });
  it.each(['+12.3456789', 'lat +48.8583701, lon +2.2944813', 'geo:+51.5007292,-0.1246254', 'delta +0.0000123', '+20000000 users', '+10000000'])('leaves %s alone', (text) => {
    expect(phones.scanText(text).text).toBe(text);
  });

  it('still masks dotted international numbers', () => {
    expect(phones.scanText('call +33.1.23.45.67.89').text).toBe('call [REDACTED:phone]');
  });
});

describe('URL userinfo is not an e-mail address', () => {
  const emails = createDlpScanner({ kinds: { email: 'mask' } });
  const password = synth(12, 3);
  it('masks the password of a URL, not the part after user: as an e-mail', () => {
    expect(emails.scanText(`https://bob:${password}@example.com/x`).text).toBe('https://bob:[REDACTED:url_credentials]@example.com/x');
  });

  it.each(['https://bob@example.com/x', 'ssh://git@example.com/repo.git', 'ftp://anonymous@ftp.example.org/'])('leaves %s alone', (text) => {
    expect(emails.scanText(text).text).toBe(text);
  });

  it('still masks addresses, including mailto: links', () => {
    expect(emails.scanText('mailto:jane@example.com').text).toBe('mailto:[REDACTED:email]');
    expect(emails.scanText('contact: jane@example.com').text).toBe('contact: [REDACTED:email]');
  });
});
