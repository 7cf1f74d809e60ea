// Price book: package lookups, overrides, unknown models, clock-dependent prices and the bounded cache.
import { createPriceBook } from '../../src/cost/index.js';

const quiet = { onUnknownModel: () => undefined };

describe('createPriceBook: package prices', () => {
  const book = createPriceBook(quiet);

  it.each([
    // model, input, cached, output (USD per MTok, from @pydantic/genai-prices 0.1.8), matched id
    ['gpt-4o-mini', 0.15, 0.075, 0.6, 'openai/gpt-4o-mini'],
    ['gpt-4o-mini-2024-07-18', 0.15, 0.075, 0.6, 'openai/gpt-4o-mini'],
    ['gpt-4.1', 2, 0.5, 8, 'openai/gpt-4.1'],
    ['o3-mini', 1.1, 0.55, 4.4, 'openai/o3-mini'],
    ['gpt-5', 1.25, 0.125, 10, 'openai/gpt-5'],
    ['claude-3-5-sonnet-20241022', 3, 0.3, 15, 'anthropic/claude-3-5-sonnet'],
    ['gemini-2.5-flash', 0.3, 0.03, 2.5, 'google/gemini-2.5-flash'],
    // no cache price in the package: cached tokens cost the full input price
    ['mistral-large-latest', 2, 2, 6, 'mistral/mistral-large'],
    // OpenRouter-style provider prefix falls back to the bare name
    ['openai/gpt-4o-mini', 0.15, 0.075, 0.6, 'openai/gpt-4o-mini'],
  ])('%s', (model, input, cached, output, matched) => {
    expect(book.price(model)).toMatchObject({
      inputPerMTok: input,
      cachedInputPerMTok: cached,
      outputPerMTok: output,
      known: true,
      source: 'package',
      matched,
    });
  });

  it('exposes context-length tiers', () => {
    expect(book.price('gemini-2.5-pro').tiers).toEqual([
      { aboveInputTokens: 200_000, inputPerMTok: 2.5, outputPerMTok: 15, cachedInputPerMTok: 0.25 },
    ]);
    expect(book.price('gpt-4o-mini').tiers).toBeUndefined();
  });

  it('keeps the cache-write price for information', () => {
    expect(book.price('claude-3-5-sonnet-20241022').cacheWritePerMTok).toBe(3.75);
  });

  it('uses the provider hint first', () => {
    const openrouter = createPriceBook({ ...quiet, provider: 'openrouter' });
    expect(openrouter.price('anthropic/claude-3.5-sonnet')).toMatchObject({ matched: 'openrouter/anthropic/claude-3.5-sonnet', inputPerMTok: 3 });
    // a hint that does not know the model falls back to auto-detection
    expect(createPriceBook({ ...quiet, provider: 'openai' }).price('claude-3-5-sonnet-20241022').matched).toBe('anthropic/claude-3-5-sonnet');
  });

  it('returns the same frozen object from the cache', () => {
    const first = book.price('gpt-4.1');
    expect(book.price('gpt-4.1')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('never fetches over the network', () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('offline'));
    try {
      const fresh = createPriceBook(quiet);
      for (const m of ['gpt-4o', 'claude-3-7-sonnet-20250219', 'deepseek-chat', 'unknown-zzz']) fresh.price(m);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });
});

describe('createPriceBook: clock-dependent prices', () => {
  // deepseek-chat: 0.27/0.07/1.1 between 00:30 and 16:30 UTC, else 0.135/0.035/0.55 (package data)
  it('re-selects time-of-day prices on every lookup', () => {
    let now = new Date('2026-11-24T01:00:00Z');
    const book = createPriceBook({ ...quiet, now: () => now });
    expect(book.price('deepseek-chat')).toMatchObject({ inputPerMTok: 0.27, cachedInputPerMTok: 0.07, outputPerMTok: 1.1 });
    now = new Date('2026-11-24T20:00:00Z');
    expect(book.price('deepseek-chat')).toMatchObject({ inputPerMTok: 0.135, cachedInputPerMTok: 0.035, outputPerMTok: 0.55 });
  });
});

describe('createPriceBook: unknown models', () => {
  it('prices them 0 with known:false and warns once per name', () => {
    const warn = jest.fn();
    const book = createPriceBook({ onUnknownModel: warn });
    const price = book.price('my-private-model');
    expect(price).toEqual({ inputPerMTok: 0, outputPerMTok: 0, cachedInputPerMTok: 0, known: false, source: 'unknown' });
    book.price('my-private-model');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith('my-private-model');
  });

  it('warns through console.warn by default', () => {
    const spy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      createPriceBook().price('another-unknown');
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]?.[0])).toContain('another-unknown');
    } finally {
      spy.mockRestore();
    }
  });

  it.each(['', '   ', 'x'.repeat(300), 'gpt-99-ultra'])('treats %p as unknown', (model) => {
    expect(createPriceBook(quiet).price(model).known).toBe(false);
  });

  it('treats package models without token prices (audio-hour pricing) as unknown', () => {
    expect(createPriceBook(quiet).price('whisper-1').known).toBe(false);
  });
});

describe('createPriceBook: overrides', () => {
  const book = createPriceBook({
    ...quiet,
    overrides: {
      'gpt-4o-mini': { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: 0.5 },
      'gpt-4o*': { inputPerMTok: 3, outputPerMTok: 4 },
      'my-*': { inputPerMTok: 0.2, outputPerMTok: 0.4 },
      'my-llama-*': { inputPerMTok: 0.7, outputPerMTok: 0.9, cacheWritePerMTok: 1 },
    },
  });

  it('exact override beats the package', () => {
    expect(book.price('gpt-4o-mini')).toEqual({
      inputPerMTok: 1,
      outputPerMTok: 2,
      cachedInputPerMTok: 0.5,
      known: true,
      source: 'override',
      matched: 'gpt-4o-mini',
    });
  });

  it('exact beats glob, glob beats package, matching ignores case', () => {
    expect(book.price('GPT-4o-Mini').matched).toBe('gpt-4o-mini');
    // package says 2.5 for gpt-4o; the glob wins, and cached defaults to the input price
    expect(book.price('gpt-4o')).toMatchObject({ inputPerMTok: 3, cachedInputPerMTok: 3, outputPerMTok: 4, source: 'override', matched: 'gpt-4o*' });
    expect(book.price('gpt-4o-2024-08-06').matched).toBe('gpt-4o*');
  });

  it('the most specific glob wins regardless of order', () => {
    expect(book.price('my-llama-70b')).toMatchObject({ inputPerMTok: 0.7, cacheWritePerMTok: 1, matched: 'my-llama-*' });
    expect(book.price('my-other')).toMatchObject({ inputPerMTok: 0.2, matched: 'my-*' });
  });

  it('escapes regex characters in globs', () => {
    const b = createPriceBook({ ...quiet, overrides: { 'ft:gpt-4.1:*': { inputPerMTok: 3, outputPerMTok: 12 } } });
    expect(b.price('ft:gpt-4.1:acme::abc123').source).toBe('override');
    expect(b.price('ft:gpt-4x1:acme').source).not.toBe('override');
  });

  it.each([
    [{ inputPerMTok: -1, outputPerMTok: 1 }],
    [{ inputPerMTok: 1, outputPerMTok: Number.NaN }],
    [{ inputPerMTok: 1, outputPerMTok: 1, cachedInputPerMTok: Number.POSITIVE_INFINITY }],
    [{ outputPerMTok: 1 } as unknown as { inputPerMTok: number; outputPerMTok: number }],
  ])('rejects invalid override %p', (price) => {
    expect(() => createPriceBook({ overrides: { m: price } })).toThrow(RangeError);
  });
});

describe('createPriceBook: bounded cache', () => {
  it('keeps answering correctly past its bound', () => {
    const warn = jest.fn();
    const book = createPriceBook({ onUnknownModel: warn, maxEntries: 2 });
    for (const m of ['gpt-4o-mini', 'gpt-4.1', 'o3-mini', 'gpt-4o-mini']) expect(book.price(m).known).toBe(true);
    for (let i = 0; i < 10; i++) book.price(`unknown-${i}`);
    expect(warn).toHaveBeenCalledTimes(10);
  });

  it('rejects a non-positive bound', () => {
    expect(() => createPriceBook({ maxEntries: 0 })).toThrow(RangeError);
  });
});

describe('createPriceBook: embedding models', () => {
  it("prices OpenAI's embedding models from the package although its provider detection misses them, input only", () => {
    const warn = jest.fn();
    const b = createPriceBook({ onUnknownModel: warn });
    expect(b.price('text-embedding-3-small')).toMatchObject({ inputPerMTok: 0.02, outputPerMTok: 0, known: true, source: 'package', matched: 'openai/text-embedding-3-small' });
    expect(b.price('text-embedding-3-large').inputPerMTok).toBe(0.13);
    expect(b.price('text-embedding-ada-002').inputPerMTok).toBe(0.1);
    expect(warn).not.toHaveBeenCalled();
  });
});
