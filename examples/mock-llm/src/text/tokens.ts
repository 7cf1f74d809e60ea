// The mock's token arithmetic: a quarter of the characters, plus the cache and reasoning figures it reports.

/** Length in code points, so emoji count once and truncation never splits a surrogate pair. */
export function charCount(text: string): number {
  return Array.from(text).length;
}

/**
 * Estimate tokens as a quarter of the characters, rounded up.
 *
 * @example estimateTokens(28) // 7
 */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** First `tokens * 4` code points of `text`: the inverse of {@link estimateTokens}, used to truncate. */
export function truncateToTokens(text: string, tokens: number): string {
  return Array.from(text).slice(0, Math.max(0, tokens) * 4).join('');
}

/** Below this many prompt tokens OpenAI caches nothing; the mock follows the same threshold. */
export const OPENAI_CACHE_MIN_TOKENS = 1024;

/**
 * OpenAI's `cached_tokens` for a prompt, as a warm cache would report it: 0 under 1024 tokens, else the
 * prompt rounded down to a multiple of 128 (OpenAI caches in 128-token steps). Stateless, so the figure
 * depends only on the request and concurrent tests cannot disturb each other.
 *
 * @example openAiCachedTokens(1000) // 0
 * @example openAiCachedTokens(1300) // 1280
 */
export function openAiCachedTokens(promptTokens: number): number {
  return promptTokens < OPENAI_CACHE_MIN_TOKENS ? 0 : Math.floor(promptTokens / 128) * 128;
}

/** Reasoning tokens a reasoning model spends on every answer, counted in the output tokens. */
export const MOCK_REASONING_TOKENS = 16;

/**
 * Whether a model name is an OpenAI reasoning model (o1, o3, o4-mini, gpt-5...), which report
 * {@link MOCK_REASONING_TOKENS} reasoning tokens and, on the Responses API, a reasoning output item.
 *
 * @example isReasoningModel('o4-mini') // true
 * @example isReasoningModel('gpt-4o-mini') // false
 */
export function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/i.test(model);
}
