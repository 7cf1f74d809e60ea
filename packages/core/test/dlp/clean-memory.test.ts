// The scanner's memory of clean texts: a conversation re-sent every turn is scanned once, and nothing else changes.

import { findMatches } from '../../src/dlp/scan-engine.js';
import { CLEAN_TEXT_MEMORY, createDlpScanner } from '../../src/dlp/scanner.js';
import { POSITIVES } from './fixtures.js';

// The engine's scan, counted: what the memory saves is a call to it.
jest.mock('../../src/dlp/scan-engine.js', () => {
  const actual = jest.requireActual<typeof import('../../src/dlp/scan-engine.js')>('../../src/dlp/scan-engine.js');
  return { ...actual, findMatches: jest.fn(actual.findMatches) };
});
const scans = findMatches as jest.MockedFunction<typeof findMatches>;

const SECRET = POSITIVES.openai_key[0] as string;

describe('DLP clean-text memory', () => {
  beforeEach(() => scans.mockClear());

  it('scans a clean text once: the same text again is answered from memory, unchanged', () => {
    const scanner = createDlpScanner();
    const history = ['Plan the migration of the billing tables.', 'Step 1: copy rows 1-500 to the new schema.'];
    const first = history.map((t) => scanner.scanText(t));
    expect(scans).toHaveBeenCalledTimes(2);
    const again = history.map((t) => scanner.scanText(t));
    expect(scans).toHaveBeenCalledTimes(2);
    expect(again).toEqual(first);
    for (const [i, r] of again.entries()) expect(r.text).toBe(history[i]);
  });

  it('never remembers a text with a finding: it is masked and counted on every request', () => {
    const scanner = createDlpScanner();
    const text = `use ${SECRET} for the job`;
    for (let i = 0; i < 3; i++) {
      const r = scanner.scanText(text);
      expect(r.text).toBe('use [REDACTED:openai_key] for the job');
      expect(r.counts).toEqual({ openai_key: 1 });
    }
    expect(scans).toHaveBeenCalledTimes(3);
  });

  it('is per policy: a text clean under one scanner is still scanned, and masked, by a stricter one', () => {
    const lenient = createDlpScanner();
    const strict = createDlpScanner({ kinds: { email: 'mask' } });
    const text = 'write to jane@example.com when done';
    expect(lenient.scanText(text).text).toBe(text);
    expect(lenient.scanText(text).text).toBe(text);
    expect(strict.scanText(text).text).toBe('write to [REDACTED:email] when done');
  });

  it('is bounded: the least recently seen texts are forgotten past CLEAN_TEXT_MEMORY', () => {
    const scanner = createDlpScanner();
    scanner.scanText('the oldest message');
    for (let i = 0; i < CLEAN_TEXT_MEMORY; i++) scanner.scanText(`message number ${i}`);
    scans.mockClear();
    scanner.scanText('the oldest message');
    expect(scans).toHaveBeenCalledTimes(1);
    scanner.scanText(`message number ${CLEAN_TEXT_MEMORY - 1}`);
    expect(scans).toHaveBeenCalledTimes(1);
  });
});
