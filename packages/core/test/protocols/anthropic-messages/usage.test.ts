// Anthropic's usage in AgentWall's terms: input excludes the cache on the wire, each token is counted once here.
import { calcPrice } from '@pydantic/genai-prices';
import { ceilMicros, computeCostMicros, createPriceBook } from '../../../src/cost/index.js';
import { mergeStreamUsage, normalizeAnthropicUsage } from '../../../src/protocols/anthropic-messages/usage.js';

describe('normalizeAnthropicUsage', () => {
  it('adds the cache reads and writes to the prompt, keeping each apart', () => {
    expect(
      normalizeAnthropicUsage({
        input_tokens: 100,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 800,
        cache_creation: { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 60 },
        output_tokens: 500,
        service_tier: 'standard',
      }),
    ).toEqual({ promptTokens: 1000, completionTokens: 500, cachedTokens: 800, cacheWriteTokens: 100, cacheWrite1hTokens: 60, reasoningTokens: 0, totalTokens: 1500 });
  });

  it('counts missing or null cache fields as 0', () => {
    expect(normalizeAnthropicUsage({ input_tokens: 9, output_tokens: 7 })).toEqual({ promptTokens: 9, completionTokens: 7, cachedTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, reasoningTokens: 0, totalTokens: 16 });
    expect(normalizeAnthropicUsage({ input_tokens: 9, output_tokens: 7, cache_creation_input_tokens: null, cache_read_input_tokens: null, cache_creation: null })?.promptTokens).toBe(9);
  });

  it('raises a write total below its split to the split, never under-charging', () => {
    expect(normalizeAnthropicUsage({ input_tokens: 1, output_tokens: 1, cache_creation: { ephemeral_5m_input_tokens: 5, ephemeral_1h_input_tokens: 7 } })).toMatchObject({ cacheWriteTokens: 12, cacheWrite1hTokens: 7, promptTokens: 13 });
  });

  it.each([
    [undefined],
    [{ output_tokens: 5 }],
    [{ input_tokens: 5 }],
    [{ input_tokens: -1, output_tokens: 1 }],
    [{ input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 'many' }],
    [{ input_tokens: 1, output_tokens: 1, cache_creation: 3 }],
    [{ input_tokens: 1, output_tokens: 1, cache_creation: { ephemeral_1h_input_tokens: Infinity } }],
  ])('distrusts %j (the cost is then estimated)', (usage) => {
    expect(normalizeAnthropicUsage(usage)).toBeUndefined();
  });

  it('prices each token once, at the price package’s own Anthropic figures', () => {
    const book = createPriceBook({ onUnknownModel: () => undefined });
    const wire = { input_tokens: 1000, cache_creation_input_tokens: 200, cache_read_input_tokens: 3000, cache_creation: { ephemeral_5m_input_tokens: 50, ephemeral_1h_input_tokens: 150 }, output_tokens: 400 };
    for (const model of ['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5', 'claude-3-5-haiku-latest']) {
      const usage = normalizeAnthropicUsage(wire)!;
      const ref = calcPrice({ input_tokens: 4200, cache_write_tokens: 200, cache_write_1h_tokens: 150, cache_write_5m_tokens: 50, cache_read_tokens: 3000, output_tokens: 400 }, model);
      expect(computeCostMicros(book.price(model), usage)).toBe(ceilMicros(ref!.total_price * 1e6));
    }
  });
});

describe('mergeStreamUsage', () => {
  it("takes message_delta's cumulative counts over message_start's, keeping what the delta leaves null", () => {
    const start = { input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 2, output_tokens: 1 };
    expect(mergeStreamUsage(start, { output_tokens: 42, input_tokens: null, cache_read_input_tokens: null })).toEqual({ input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 2, output_tokens: 42 });
    expect(mergeStreamUsage(start, { input_tokens: 11, output_tokens: 42 })).toMatchObject({ input_tokens: 11, output_tokens: 42 });
    expect(start.output_tokens).toBe(1);
    expect(mergeStreamUsage(undefined, { output_tokens: 3 })).toEqual({ output_tokens: 3 });
  });
});
