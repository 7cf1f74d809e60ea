// The opt-in kinds in the other ways people write them: IBANs grouped with spaces or dashes, SSNs with spaces or
// dots, international numbers without separators. And the near misses each variant must not let through.

import { createDlpScanner } from '../../src/dlp/index.js';

const scanner = createDlpScanner({ kinds: { iban: 'mask', us_ssn: 'mask', phone: 'mask' } });
const masked = (text: string, kind: string): void => {
  expect(scanner.scanText(`x ${text} y`).text).toBe(`x [REDACTED:${kind}] y`);
};
const untouched = (text: string): void => {
  expect(scanner.scanText(text).text).toBe(text);
};

describe('IBAN groupings', () => {
  it.each([
    'DE89-3704-0044-0532-0130-00',
    'DE89 37040044 0532013000',
    'DE89 3704 0044 0532 0130 00',
    'FR76 30006 00001 12345678901 89',
    'GB82-WEST-1234-5698-7654-32',
    'NL91 ABNA 0417 1643 00',
    'GB82WEST 1234 5698 7654 32',
  ])('masks %s', (iban) => masked(iban, 'iban'));

  it.each([
    'DE89 3704-0044 0532 0130 00',
    'DE89  3704 0044 0532 0130 00',
    'DE89-3704-0044-0532-0130-01',
    'DE89-3704-0044-0532-0130-00-77',
    'DE89 3704 0044 0532 0130 0',
  ])('leaves %s alone', untouched);
});

describe('SSN separators', () => {
  it.each(['219-09-9999', '219 09 9999', '219.09.9999'])('masks %s', (ssn) => masked(ssn, 'us_ssn'));

  it.each(['219-09.9999', '219 09-9999', '000 12 3456', '666.12.3456', '123 00 4567', '1 219 09 9999', '219 09 9999 1', '3.219.09.9999', 'v219.09.9999'])(
    'leaves %s alone',
    untouched,
  );
});

describe('international numbers without separators', () => {
  it.each(['+298123456', '+35312345678', '+4930123456', '+6581234567'])('masks %s', (phone) => masked(phone, 'phone'));

  it.each(['+1234567', '+20000000', '+12.3456789', 'a+298123456'])('leaves %s alone', untouched);
});
