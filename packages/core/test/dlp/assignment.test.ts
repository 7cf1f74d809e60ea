// The name = value detectors' own rules: bounds on names and values, separators, quoting, and what a stream
// must keep of a name to mask a value that arrives much later.

import { createAssignmentDetector } from '../../src/dlp/assignment.js';
import { createDlpScanner } from '../../src/dlp/index.js';
import { synth } from './fixtures.js';

const scanner = createDlpScanner();
const secret = 'hunter2' + synth(9, 31);

describe('name = value detectors', () => {
  it('masks only the value and keeps the name, separator and quotes', () => {
    expect(scanner.scanText(`DB_PASSWORD = "${secret}"; next`).text).toBe('DB_PASSWORD = "[REDACTED:generic_secret]"; next');
  });

  it('does not treat a run longer than 64 characters as a name', () => {
    const long = 'A'.repeat(70) + '_PASSWORD';
    expect(scanner.scanText(`${long}=${secret}`).text).toBe(`${long}=${secret}`);
    const ok = 'A'.repeat(40) + '_PASSWORD';
    expect(scanner.scanText(`${ok}=${secret}`).text).toBe(`${ok}=[REDACTED:generic_secret]`);
  });

  it('leaves a value longer than the bound alone rather than masking part of it', () => {
    const huge = synth(1100, 32);
    expect(scanner.scanText(`token=${huge}`).text).toBe(`token=${huge}`);
  });

  it('needs a separator: prose that mentions a password is not an assignment', () => {
    expect(scanner.scanText(`the password ${secret} was rotated`).text).toBe(`the password ${secret} was rotated`);
    expect(scanner.scanText(`--password ${secret}`).text).toBe('--password [REDACTED:generic_secret]');
  });

  it('reads typed declarations and only quoted call arguments', () => {
    expect(scanner.scanText(`const token: string = "${secret}"`).text).toBe('const token: string = "[REDACTED:generic_secret]"');
    expect(scanner.scanText(`setenv("API_TOKEN", "${secret}")`).text).toBe('setenv("API_TOKEN", "[REDACTED:generic_secret]")');
    expect(scanner.scanText(`f("API_TOKEN", ${secret})`).text).toBe(`f("API_TOKEN", ${secret})`);
  });

  it('takes an XML element only when it is closed', () => {
    expect(scanner.scanText(`<password>${secret}</password>`).text).toBe('<password>[REDACTED:generic_secret]</password>');
    expect(scanner.scanText(`<password>${secret} and more`).text).toBe(`<password>${secret} and more`);
  });

  it('ends an unquoted value at & only in a URL query or fragment', () => {
    expect(scanner.scanText(`?password=${secret}&x=1`).text).toBe('?password=[REDACTED:generic_secret]&x=1');
    expect(scanner.scanText(`PASSWORD=${secret}&x1`).text).toBe('PASSWORD=[REDACTED:generic_secret]');
  });

  it('declares a look-behind that covers its name and separator', () => {
    const detector = createAssignmentDetector({ kind: 'k', name: () => true, value: () => true, maxValue: 10 });
    expect(detector.lookBehind).toBeGreaterThanOrEqual(1 + 64 + 4);
    expect(detector.maxLength).toBeGreaterThanOrEqual(10);
  });

  it('masks a value that arrives long after its name was emitted', () => {
    const masker = scanner.createStreamMasker();
    // A 62-character flag and 10 blanks: the `--` that makes it a flag is more than 64 characters before the value.
    const name = '--my-' + 'service-'.repeat(6) + 'db-password';
    let out = masker.push('x'.repeat(5000) + `\n${name}` + ' '.repeat(10));
    out += masker.push(`"${secret.slice(0, 4)}`);
    out += masker.push(`${secret.slice(4)}"\n`);
    out += masker.end();
    expect(name.length).toBe(64);
    expect(out).toBe('x'.repeat(5000) + `\n${name}` + ' '.repeat(10) + '"[REDACTED:generic_secret]"\n');
  });
});
