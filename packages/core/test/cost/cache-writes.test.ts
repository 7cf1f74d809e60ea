// Cache writes (Anthropic): priced once each at the write price of their lifetime, reserved only where they are billed.
import { calcPrice } from '@pydantic/genai-prices';
import { ceilMicros, computeCostMicros, costBreakdown, createPriceBook, dearestInputPrice, priceAtPromptTokens, reservationMicros, type Usage } from '../../src/cost/index.js';

const book = createPriceBook({ onUnknownModel: () => undefined });

/** Anthropic-style usage: `input` uncached, `writes` (of which `writes1h` for one hour) and `reads` beside it. */
const usage = (input: number, writes: number, writes1h: number, reads: number, output: number): Usage => ({
  promptTokens: input + writes + reads,
  completionTokens: output,
  cachedTokens: reads,
  cacheWriteTokens: writes,
  cacheWrite1hTokens: writes1h,
  reasoningTokens: 0,
  totalTokens: input + writes + reads + output,
});

describe('cache writes in the cost', () => {
  it('itemizes them beside input, reads and output (claude-sonnet-4-5: 3 / 3.75 5m / 6 1h / 0.3 read / 15 out)', () => {
    const b = costBreakdown(book.price('claude-sonnet-4-5'), usage(1000, 300, 200, 2000, 100));
    expect(b).toEqual({
      inputMicros: 3000,
      cachedInputMicros: 600,
      // 100 × 3.75 + 200 × 6
      cacheWriteMicros: 1575,
      outputMicros: 1500,
      totalMicros: 6675,
      price: { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, cacheWrite1hPerMTok: 6 },
    });
  });

  it('agrees with the package calculator for every lifetime mix and tier', () => {
    const cases: Array<[string, Usage]> = [
      ['claude-sonnet-4-5', usage(1000, 300, 200, 2000, 100)],
      ['claude-sonnet-4-5', usage(1000, 300, 0, 0, 100)],
      ['claude-sonnet-4-5', usage(0, 0, 0, 5000, 10)],
      // above the 200k tier: every price doubles or so, writes included
      ['claude-sonnet-4-5', usage(150_000, 40_000, 10_000, 20_000, 1000)],
      ['claude-opus-4-1', usage(10, 5000, 5000, 100, 50)],
      ['claude-3-5-haiku-latest', usage(7, 11, 3, 13, 17)],
      // no cache prices at all: writes cost the input price
      ['claude-2', usage(100, 50, 20, 0, 10)],
    ];
    for (const [model, u] of cases) {
      const ref = calcPrice(
        { input_tokens: u.promptTokens, cache_write_tokens: u.cacheWriteTokens, cache_write_1h_tokens: u.cacheWrite1hTokens, cache_write_5m_tokens: u.cacheWriteTokens! - u.cacheWrite1hTokens!, cache_read_tokens: u.cachedTokens, output_tokens: u.completionTokens },
        model,
      );
      expect([model, computeCostMicros(book.price(model), u)]).toEqual([model, ceilMicros(ref!.total_price * 1e6)]);
    }
  });

  it('leaves OpenAI usage, which reports no writes, priced and itemized as before', () => {
    const b = costBreakdown(book.price('claude-sonnet-4-5'), { promptTokens: 1000, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, totalTokens: 1000 });
    expect(b).not.toHaveProperty('cacheWriteMicros');
    expect(b.totalMicros).toBe(3000);
  });

  it('clamps writes that a hand-built usage puts beyond the prompt', () => {
    const odd: Usage = { promptTokens: 100, completionTokens: 0, cachedTokens: 80, cacheWriteTokens: 500, cacheWrite1hTokens: 900, reasoningTokens: 0, totalTokens: 100 };
    // 80 read × 0.3 + 20 written (all 1h) × 6 = 24 + 120
    expect(computeCostMicros(book.price('claude-sonnet-4-5'), odd)).toBe(144);
  });

  it('takes override prices, the one-hour price defaulting to the five-minute one, and that to input', () => {
    const b = createPriceBook({ overrides: { 'my-claude': { inputPerMTok: 1, outputPerMTok: 2, cacheWritePerMTok: 4 }, bare: { inputPerMTok: 1, outputPerMTok: 2 } } });
    expect(b.price('my-claude')).toMatchObject({ cacheWritePerMTok: 4 });
    expect(computeCostMicros(b.price('my-claude'), usage(0, 10, 10, 0, 0))).toBe(40);
    expect(computeCostMicros(b.price('bare'), usage(0, 10, 10, 0, 0))).toBe(10);
    const withHour = createPriceBook({ overrides: { m: { inputPerMTok: 1, outputPerMTok: 2, cacheWrite1hPerMTok: 9 } } });
    expect(computeCostMicros(withHour.price('m'), usage(0, 10, 10, 0, 0))).toBe(90);
    expect(() => createPriceBook({ overrides: { m: { inputPerMTok: 1, outputPerMTok: 2, cacheWrite1hPerMTok: -1 } } })).toThrow(/cacheWrite1hPerMTok/);
  });

  it('resolves the package’s one-hour price and tiers it', () => {
    expect(book.price('claude-opus-4-1')).toMatchObject({ cacheWritePerMTok: 18.75, cacheWrite1hPerMTok: 30 });
    expect(priceAtPromptTokens(book.price('claude-sonnet-4-5'), 200_001)).toMatchObject({ inputPerMTok: 6, cacheWritePerMTok: 7.5, cacheWrite1hPerMTok: 12 });
  });
});

describe('reservations with cache writes', () => {
  it('price input at the dearest write price only when the protocol bills writes', () => {
    const price = book.price('claude-sonnet-4-5');
    // 1000 × 3 + 100 × 15 = 4500 (chat completions: no writes on that wire); Messages: 1000 × 6 + 1500
    expect(reservationMicros(price, 1000, 100)).toBe(4500);
    expect(reservationMicros(price, 1000, 100, true)).toBe(7500);
    expect(dearestInputPrice(priceAtPromptTokens(price, 0), true)).toBe(6);
  });

  it('cover the settled cost of any mix of reads and writes within the estimate', () => {
    const price = book.price('claude-sonnet-4-5');
    const reserved = reservationMicros(price, 3000, 100, true);
    for (const u of [usage(3000, 0, 0, 0, 100), usage(0, 3000, 3000, 0, 100), usage(1000, 1000, 500, 1000, 100)]) {
      expect(computeCostMicros(price, u)).toBeLessThanOrEqual(reserved);
    }
  });
});
