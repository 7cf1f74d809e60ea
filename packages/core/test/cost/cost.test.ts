// Cost figures hand-computed from the bundled @pydantic/genai-prices 0.1.8 prices, in integer micro-dollars.
import { calcPrice } from '@pydantic/genai-prices';
import {
  ceilMicros,
  computeCostMicros,
  costBreakdown,
  createPriceBook,
  microsToUsd,
  normalizeUsage,
  usdToMicros,
  type Usage,
} from '../../src/cost/index.js';

const usage = (promptTokens: number, completionTokens: number, cachedTokens = 0, reasoningTokens = 0): Usage => ({
  promptTokens,
  completionTokens,
  cachedTokens,
  reasoningTokens,
  totalTokens: promptTokens + completionTokens,
});

// Package prices (USD per MTok) used below:
//   gpt-4o-mini       in 0.15  cached 0.075  out 0.6
//   o3-mini           in 1.1   cached 0.55   out 4.4
//   claude-3-5-sonnet in 3     cached 0.3    out 15
//   gemini-2.0-flash  in 0.1   cached 0.025  out 0.4
//   gemini-2.5-pro    in 1.25/cached 0.125/out 10; above 200k prompt tokens 2.5/0.25/15
// tokens × USD/MTok = µUSD.
const cases: Array<[string, string, Usage, number]> = [
  // 1000 × 0.15 + 500 × 0.6 = 150 + 300
  ['plain', 'gpt-4o-mini', usage(1000, 500), 450],
  // dated snapshot name maps to the same prices
  ['dated name', 'gpt-4o-mini-2024-07-18', usage(1000, 500), 450],
  // (1000 - 800) × 0.15 + 800 × 0.075 + 500 × 0.6 = 30 + 60 + 300; billing cached twice would give 510
  ['cached input', 'gpt-4o-mini', usage(1000, 500, 800), 390],
  // 2000 × 1.1 + 3000 × 4.4 = 2200 + 13200 (reasoning 2500 is inside the 3000); adding it again would give 26200
  ['reasoning', 'o3-mini', usage(2000, 3000, 0, 2500), 15400],
  // (10000 - 4000) × 3 + 4000 × 0.3 + 200 × 15 = 18000 + 1200 + 3000
  ['anthropic cached', 'claude-3-5-sonnet-20241022', usage(10_000, 200, 4000), 22_200],
  // 1 × 0.15 + 1 × 0.6 = 0.75 → rounded up to 1
  ['rounds up', 'gpt-4o-mini', usage(1, 1), 1],
  // 6 × 0.1 + 1 × 0.4 = 1 exactly (the package's own float total is 1.0000000000000002): must not become 2
  ['float noise', 'gemini-2.0-flash', usage(6, 1), 1],
  // 3 × 0.15 + 0 = 0.45 → 1
  ['sub-micro', 'gpt-4o-mini', usage(3, 0), 1],
  // 200000 × 1.25 + 1000 × 10 = 250000 + 10000 (tier starts strictly above 200k)
  ['tier boundary', 'gemini-2.5-pro', usage(200_000, 1000), 260_000],
  // 200001 × 2.5 + 1000 × 15 = 500002.5 + 15000 = 515002.5 → 515003
  ['tier above', 'gemini-2.5-pro', usage(200_001, 1000), 515_003],
  // (200001 - 100000) × 2.5 + 100000 × 0.25 + 0 = 250002.5 + 25000 → 275003
  ['tier cached', 'gemini-2.5-pro', usage(200_001, 0, 100_000), 275_003],
  ['zero usage', 'gpt-4o-mini', usage(0, 0), 0],
  ['unknown model', 'no-such-model-xyz', usage(1000, 500), 0],
];

describe('computeCostMicros', () => {
  const book = createPriceBook({ onUnknownModel: () => undefined });

  it.each(cases)('%s: %s', (_label, model, u, expected) => {
    const micros = computeCostMicros(book.price(model), u);
    expect(micros).toBe(expected);
    expect(Number.isInteger(micros)).toBe(true);
  });

  it('agrees with the package calculator (within its float noise, rounded up)', () => {
    for (const [, model, u] of cases) {
      const ref = calcPrice({ input_tokens: u.promptTokens, cache_read_tokens: u.cachedTokens, output_tokens: u.completionTokens }, model);
      expect(computeCostMicros(book.price(model), u)).toBe(ceilMicros((ref?.total_price ?? 0) * 1e6));
    }
  });

  it('itemizes the breakdown and rounds only the total', () => {
    const b = costBreakdown(book.price('gpt-4o-mini'), usage(1000, 500, 800));
    expect(b).toEqual({
      inputMicros: 30,
      cachedInputMicros: 60,
      outputMicros: 300,
      totalMicros: 390,
      price: { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 },
    });
    // 3 × 0.15 = 0.45 and 1 × 0.075... parts stay fractional; the sum is rounded once: 0.45 + 0.6 = 1.05 → 2
    const small = costBreakdown(book.price('gpt-4o-mini'), usage(3, 1));
    expect(small.inputMicros).toBeCloseTo(0.45);
    expect(small.totalMicros).toBe(2);
  });

  it('clamps a hand-built usage whose cached tokens exceed the prompt', () => {
    // cached clamped to 100: 100 × 0.075 = 7.5 → 8
    expect(computeCostMicros(book.price('gpt-4o-mini'), usage(100, 0, 500))).toBe(8);
  });

  it('prices a normalized OpenAI usage end to end', () => {
    const u = normalizeUsage({
      prompt_tokens: 1000,
      completion_tokens: 500,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 800, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(u && computeCostMicros(book.price('gpt-4o-mini'), u)).toBe(390);
  });
});

describe('ceilMicros', () => {
  it.each([
    [0, 0],
    [0.75, 1],
    [1, 1],
    [1.0000000000000002, 1],
    [13200.000000000002, 13200],
    [1.01, 2],
  ])('%p → %p', (input, expected) => expect(ceilMicros(input)).toBe(expected));
});

describe('microsToUsd / usdToMicros', () => {
  it.each([
    [123, 0.000123],
    [1_000_000, 1],
    [0, 0],
    [450, 0.00045],
    [2_500_000_001, 2500.000001],
  ])('%p µUSD ↔ %p USD', (micros, usd) => {
    expect(microsToUsd(micros)).toBeCloseTo(usd, 9);
    expect(usdToMicros(usd)).toBe(micros);
    expect(usdToMicros(microsToUsd(micros))).toBe(micros);
  });

  it('rounds dollars to the nearest micro-dollar', () => {
    expect(usdToMicros(0.1)).toBe(100_000);
    expect(usdToMicros(0.0000004)).toBe(0);
    expect(Object.is(usdToMicros(-0.0000004), 0)).toBe(true);
    expect(usdToMicros(0.0000006)).toBe(1);
    expect(usdToMicros(-1.5)).toBe(-1_500_000);
  });

  it('round-trips every micro amount in a range', () => {
    for (let m = 0; m < 20_000; m += 7) expect(usdToMicros(microsToUsd(m))).toBe(m);
  });

  it('rejects non-finite dollars', () => {
    expect(() => usdToMicros(Number.NaN)).toThrow(RangeError);
    expect(() => usdToMicros(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
