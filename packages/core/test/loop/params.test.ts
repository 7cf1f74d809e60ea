// Hamming distance over hex sketches and the similarity → distance conversion.
import { DEFAULT_LOOP_PARAMS, hammingHex64, similarityToDistance } from '../../src/loop/index.js';

describe('hammingHex64', () => {
  it('counts differing bits across both 32-bit halves', () => {
    expect(hammingHex64('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingHex64('0000000000000000', '0000000000000001')).toBe(1);
    expect(hammingHex64('8000000000000000', '0000000000000000')).toBe(1);
    expect(hammingHex64('0000000100000000', '0000000000000001')).toBe(2);
    expect(hammingHex64('ffffffffffffffff', '0000000000000000')).toBe(64);
    expect(hammingHex64('f0f0f0f0f0f0f0f0', '0f0f0f0f0f0f0f0f')).toBe(64);
    expect(hammingHex64('deadbeefcafebabe', 'deadbeefcafebabf')).toBe(1);
  });

  it('is symmetric', () => {
    const a = '0123456789abcdef';
    const b = 'fedcba9876543210';
    expect(hammingHex64(a, b)).toBe(hammingHex64(b, a));
  });

  it('treats an empty or malformed sketch as maximally far', () => {
    expect(hammingHex64('', '')).toBe(64);
    expect(hammingHex64('', '0000000000000000')).toBe(64);
    expect(hammingHex64('000000000000000', '0000000000000000')).toBe(64);
    expect(hammingHex64('ABCDEF0000000000', 'abcdef0000000000')).toBe(64);
    expect(hammingHex64('zz00000000000000', '0000000000000000')).toBe(64);
  });
});

describe('similarityToDistance', () => {
  it('is floor(64 * (1 - similarity)), robust to float error', () => {
    expect(similarityToDistance(0.9)).toBe(6);
    expect(similarityToDistance(1)).toBe(0);
    expect(similarityToDistance(0)).toBe(64);
    expect(similarityToDistance(0.95)).toBe(3);
    expect(similarityToDistance(0.8)).toBe(12);
    expect(similarityToDistance(0.75)).toBe(16);
    expect(similarityToDistance(1 - 6 / 64)).toBe(6);
  });

  it('rejects values outside 0..1', () => {
    expect(() => similarityToDistance(1.1)).toThrow(RangeError);
    expect(() => similarityToDistance(-0.1)).toThrow(RangeError);
    expect(() => similarityToDistance(Number.NaN)).toThrow(RangeError);
  });
});

describe('DEFAULT_LOOP_PARAMS', () => {
  it('matches the SPEC defaults and cannot be mutated', () => {
    expect(DEFAULT_LOOP_PARAMS).toEqual({ window: 10, nearMaxDistance: 6, nearRepeats: 3, toolRepeats: 3 });
    expect(Object.isFrozen(DEFAULT_LOOP_PARAMS)).toBe(true);
  });
});
