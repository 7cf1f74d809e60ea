// Luhn and IBAN mod-97 against known-good and known-bad numbers.

import { IBAN_LENGTHS, ibanChecksumValid, luhnValid } from '../../src/dlp/index.js';

describe('luhnValid', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4222222222222', '0'])(
    'accepts %s',
    (n) => expect(luhnValid(n)).toBe(true),
  );
  it.each(['4111111111111112', '1234567812345678', '', '4111-1111', 'abc'])('rejects %j', (n) =>
    expect(luhnValid(n)).toBe(false),
  );
});

describe('ibanChecksumValid', () => {
  it.each(['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NO9386011117947', 'MT84MALT011000012345MTLCAST001S'])(
    'accepts %s',
    (iban) => {
      expect(ibanChecksumValid(iban)).toBe(true);
      expect(IBAN_LENGTHS.get(iban.slice(0, 2))).toBe(iban.length);
    },
  );
  it.each(['GB83WEST12345698765432', 'DE89370400440532013001', 'gb82west12345698765432', 'GB82 WEST', 'GB'])(
    'rejects %s',
    (iban) => expect(ibanChecksumValid(iban)).toBe(false),
  );
});
