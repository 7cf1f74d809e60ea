// normalizeUsage: OpenAI shapes, tolerated gaps, rejected garbage and repaired gateway quirks.
import { normalizeUsage } from '../../src/cost/index.js';

describe('normalizeUsage', () => {
  it.each([
    [
      'full chat usage',
      {
        prompt_tokens: 1000,
        completion_tokens: 500,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 800, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 200, accepted_prediction_tokens: 0 },
      },
      { promptTokens: 1000, completionTokens: 500, cachedTokens: 800, reasoningTokens: 200, totalTokens: 1500 },
    ],
    [
      'details missing',
      { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      { promptTokens: 10, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, totalTokens: 15 },
    ],
    [
      'details null and total missing',
      { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: null, completion_tokens_details: null },
      { promptTokens: 10, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, totalTokens: 15 },
    ],
    [
      'detail fields null',
      { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: null }, completion_tokens_details: {} },
      { promptTokens: 10, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, totalTokens: 15 },
    ],
    [
      'zeros',
      { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      { promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, totalTokens: 0 },
    ],
    [
      'fractional counts round up',
      { prompt_tokens: 10.2, completion_tokens: 4.5 },
      { promptTokens: 11, completionTokens: 5, cachedTokens: 0, reasoningTokens: 0, totalTokens: 16 },
    ],
    [
      'Responses API names',
      {
        input_tokens: 100,
        output_tokens: 50,
        total_tokens: 150,
        input_tokens_details: { cached_tokens: 40 },
        output_tokens_details: { reasoning_tokens: 30 },
      },
      { promptTokens: 100, completionTokens: 50, cachedTokens: 40, reasoningTokens: 30, totalTokens: 150 },
    ],
    [
      // Anthropic-style bridge: cache reported beside the prompt
      'cached > prompt is added to the prompt',
      { prompt_tokens: 100, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 900 } },
      { promptTokens: 1000, completionTokens: 10, cachedTokens: 900, reasoningTokens: 0, totalTokens: 1010 },
    ],
    [
      // Gemini bridge: completion 0, reasoning 60, total 81
      'reasoning > completion is added to the completion',
      { prompt_tokens: 21, completion_tokens: 0, total_tokens: 81, completion_tokens_details: { reasoning_tokens: 60 } },
      { promptTokens: 21, completionTokens: 60, cachedTokens: 0, reasoningTokens: 60, totalTokens: 81 },
    ],
    [
      // Gemini bridge without details: 553 - 20 = 533 output tokens
      'total > prompt + completion bills the gap as output',
      { prompt_tokens: 20, completion_tokens: 151, total_tokens: 553 },
      { promptTokens: 20, completionTokens: 533, cachedTokens: 0, reasoningTokens: 0, totalTokens: 553 },
    ],
    [
      'total < prompt + completion is recomputed',
      { prompt_tokens: 20, completion_tokens: 10, total_tokens: 5 },
      { promptTokens: 20, completionTokens: 10, cachedTokens: 0, reasoningTokens: 0, totalTokens: 30 },
    ],
  ])('%s', (_label, input, expected) => {
    expect(normalizeUsage(input)).toEqual(expected);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an array', [1, 2]],
    ['an empty object', {}],
    ['prompt missing', { completion_tokens: 5 }],
    ['completion missing', { prompt_tokens: 5 }],
    ['prompt null', { prompt_tokens: null, completion_tokens: 5 }],
    ['negative prompt', { prompt_tokens: -1, completion_tokens: 5 }],
    ['string count', { prompt_tokens: '10', completion_tokens: 5 }],
    ['NaN', { prompt_tokens: Number.NaN, completion_tokens: 5 }],
    ['Infinity', { prompt_tokens: 10, completion_tokens: Number.POSITIVE_INFINITY }],
    ['negative total', { prompt_tokens: 10, completion_tokens: 5, total_tokens: -15 }],
    ['negative cached', { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: -1 } }],
    ['string reasoning', { prompt_tokens: 10, completion_tokens: 5, completion_tokens_details: { reasoning_tokens: 'x' } }],
    ['details not an object', { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: 7 }],
  ])('rejects %s', (_label, input) => {
    expect(normalizeUsage(input)).toBeUndefined();
  });
});
