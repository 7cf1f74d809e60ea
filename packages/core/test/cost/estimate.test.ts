// Token estimates, output limits and worst-case reservations.
import { computeCostMicros, createPriceBook, estimateTextTokens, estimateUsage, reservationMicros } from '../../src/cost/index.js';
import { estimatePromptTokens, maxOutputTokens } from '../../src/protocols/openai-chat/estimate.js';

const book = createPriceBook({ onUnknownModel: () => undefined });

describe('estimateTextTokens', () => {
  it.each([
    ['', 0],
    ['a', 1],
    ['abcd', 1],
    ['abcde', 2],
    // 13 ASCII / 4 = 3.25 → 4
    ['Hello, world!', 4],
    // one token per non-ASCII unit
    ['こんにちは', 5],
    // 'caf' 3 ASCII → 1, 'é' → 1
    ['café', 2],
    // an emoji is two UTF-16 units
    ['🙂', 2],
    // long texts: all ASCII takes the native count, any other character the loop
    ['abcd'.repeat(10_000), 10_000],
    ['abcd'.repeat(10_000) + 'é', 10_001],
    ['é' + 'abcd'.repeat(10_000) + '\u{10000}', 10_003],
  ])('%p → %p', (text, expected) => expect(estimateTextTokens(text)).toBe(expected));

  it('does not undercount real English prose badly (reference: GPT tokenizers split this sentence into 10 tokens)', () => {
    // 10 tokens (one per word plus the full stop); the heuristic gives 44 chars / 4 = 11
    expect(estimateTextTokens('The quick brown fox jumps over the lazy dog.')).toBeGreaterThanOrEqual(10);
  });
});

describe('estimatePromptTokens', () => {
  it('counts framing, roles and content', () => {
    // 3 priming + 4 framing + 'user' 1 + 'Hello, world!' 4
    expect(estimatePromptTokens({ messages: [{ role: 'user', content: 'Hello, world!' }] })).toBe(12);
  });

  it('counts text parts, tool calls, tool results and names', () => {
    const body = {
      messages: [
        { role: 'system', content: 'Be brief.' }, // 'system' 2 + 'Be brief.' 3
        { role: 'user', name: 'alice', content: [{ type: 'text', text: 'What is the weather?' }] }, // 1 + 'alice' 2 + 'text' 1 + 20 chars 5
        {
          role: 'assistant',
          content: null,
          // 'assistant' 3 + 'call_1' 2 + 'function' 2 + 'get_weather' 3 + '{"city":"Paris"}' 4
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C sunny' }, // 'tool' 1 + 'call_1' 2 + '18C sunny' 3
      ],
    };
    // 3 + 4 × 4 = 19 framing; strings 5 + 9 + 14 + 6 = 34
    expect(estimatePromptTokens(body)).toBe(53);
  });

  it('adds tool definitions and response_format as JSON text', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }];
    const base = estimatePromptTokens({ messages: [] });
    expect(base).toBe(3);
    expect(estimatePromptTokens({ messages: [], tools })).toBe(3 + Math.ceil(JSON.stringify(tools).length / 4));
    const responseFormat = { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } };
    expect(estimatePromptTokens({ messages: [], response_format: responseFormat })).toBe(3 + Math.ceil(JSON.stringify(responseFormat).length / 4));
  });

  it('counts images at a fixed size and skips base64 payloads', () => {
    const dataUrl = `data:image/png;base64,${'A'.repeat(100_000)}`;
    const body = {
      messages: [
        {
          role: 'user', // 1
          content: [
            { type: 'image_url', image_url: { url: dataUrl } }, // 765 + 'image_url' 3
            { type: 'input_audio', input_audio: { data: 'B'.repeat(100_000), format: 'wav' } }, // 'input_audio' 3 + 'wav' 1
          ],
        },
      ],
    };
    // 3 + 4 + 1 + 765 + 3 + 3 + 1
    expect(estimatePromptTokens(body)).toBe(780);
    expect(estimatePromptTokens(body, { imageTokens: 0 })).toBe(15);
  });

  it('survives hostile input', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(estimatePromptTokens({ messages: [deep] })).toBe(3 + 4 + 1);
    expect(estimatePromptTokens({ messages: 'nope' as unknown as unknown[] })).toBe(3);
  });
});

describe('maxOutputTokens', () => {
  it.each([
    ['client max_tokens below cap', { max_tokens: 100 }, 100],
    ['client limit above cap is kept (the upstream honours it)', { max_tokens: 10_000 }, 10_000],
    ['max_completion_tokens wins over max_tokens', { max_completion_tokens: 300, max_tokens: 100 }, 300],
    ['no limit: cap stands in', {}, 4096],
    ['null limits: cap', { max_tokens: null, max_completion_tokens: null }, 4096],
    ['invalid max_completion_tokens falls back to max_tokens', { max_completion_tokens: -5, max_tokens: 50 }, 50],
    ['non-integer and string limits are ignored', { max_completion_tokens: 1.5, max_tokens: '50' }, 4096],
    ['zero is ignored', { max_tokens: 0 }, 4096],
    ['n choices multiply', { max_completion_tokens: 500, n: 3 }, 1500],
    ['n multiplies the cap', { n: 2 }, 8192],
    ['invalid n counts as 1', { max_tokens: 500, n: 0 }, 500],
  ])('%s', (_label, body, expected) => expect(maxOutputTokens(body, 4096)).toBe(expected));

  it('rejects an invalid cap', () => {
    expect(() => maxOutputTokens({}, 0)).toThrow(RangeError);
    expect(() => maxOutputTokens({}, 1.5)).toThrow(RangeError);
  });
});

describe('reservationMicros', () => {
  it.each([
    // gpt-4o-mini: 1000 × 0.15 + 4096 × 0.6 = 150 + 2457.6 → 2608
    ['gpt-4o-mini', 1000, 4096, 2608],
    // o3-mini: 500 × 1.1 + 1000 × 4.4 = 550 + 4400
    ['o3-mini', 500, 1000, 4950],
    // gemini-2.5-pro above the 200k tier: 250000 × 2.5 + 1000 × 15 = 625000 + 15000
    ['gemini-2.5-pro', 250_000, 1000, 640_000],
    // gemini-2.5-pro base tier: 1000 × 1.25 + 1000 × 10
    ['gemini-2.5-pro', 1000, 1000, 11_250],
    ['unknown-model-q', 1000, 1000, 0],
  ])('%s %p in / %p out → %p µUSD', (model, prompt, out, expected) => {
    expect(reservationMicros(book.price(model), prompt, out)).toBe(expected);
  });

  it('uses the higher of cached and uncached input prices', () => {
    const b = createPriceBook({ overrides: { odd: { inputPerMTok: 1, cachedInputPerMTok: 2, outputPerMTok: 0 } } });
    // 1000 × max(1, 2)
    expect(reservationMicros(b.price('odd'), 1000, 0)).toBe(2000);
  });

  it('covers the settled cost when usage stays within the estimate', () => {
    const price = book.price('gpt-4o-mini');
    const reserved = reservationMicros(price, 1000, 500);
    expect(computeCostMicros(price, { promptTokens: 1000, completionTokens: 500, cachedTokens: 300, reasoningTokens: 0, totalTokens: 1500 })).toBeLessThanOrEqual(reserved);
  });
});

describe('estimateUsage', () => {
  it('builds a usage from the prompt estimate and the text seen', () => {
    // 'Hello there' 11 chars → 3
    expect(estimateUsage(120, 'Hello there')).toEqual({ promptTokens: 120, completionTokens: 3, cachedTokens: 0, reasoningTokens: 0, totalTokens: 123 });
  });
});
