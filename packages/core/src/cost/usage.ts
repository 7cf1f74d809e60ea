// Reads the upstream's `usage` object into token counts with OpenAI semantics, repairing known gateway quirks.

/**
 * Token counts of one completion, OpenAI semantics: `promptTokens` includes `cachedTokens` (and
 * `cacheWriteTokens`), `completionTokens` includes `reasoningTokens`, so the subsets are never billed twice.
 * Protocols whose wire counts differ (Anthropic's `input_tokens` excludes the cache) convert to this shape.
 *
 * @example
 * const usage: Usage = { promptTokens: 1000, completionTokens: 500, cachedTokens: 800, reasoningTokens: 0, totalTokens: 1500 };
 * // Anthropic: input_tokens 100, cache_read_input_tokens 800, cache_creation_input_tokens 100 (60 of them 1h)
 * const anthropic: Usage = { promptTokens: 1000, completionTokens: 500, cachedTokens: 800, cacheWriteTokens: 100, cacheWrite1hTokens: 60, reasoningTokens: 0, totalTokens: 1500 };
 */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Part of `promptTokens` read from the provider's prompt cache. */
  cachedTokens: number;
  /** Part of `completionTokens` spent on hidden reasoning. */
  reasoningTokens: number;
  totalTokens: number;
  /**
   * Part of `promptTokens` written to the provider's prompt cache, priced at the cache-write price. Only wires
   * that report writes set it (Anthropic's `cache_creation_input_tokens`); absent means none were reported.
   */
  cacheWriteTokens?: number;
  /** Part of `cacheWriteTokens` written with a one-hour lifetime, priced at the one-hour write price. Default 0. */
  cacheWrite1hTokens?: number;
}

type Field = number | undefined | typeof INVALID;

const INVALID = Symbol('invalid');

/**
 * Normalizes an upstream `usage` object (chat completions: `prompt_tokens`, `completion_tokens`, `total_tokens`,
 * `prompt_tokens_details.cached_tokens`, `completion_tokens_details.reasoning_tokens`; the Responses API's
 * `input_tokens`/`output_tokens`/`*_details` names are accepted as a fallback).
 *
 * Missing or null details count as 0. Any field that is present but not a finite non-negative number (or a
 * details field that is not an object) makes the whole usage untrustworthy: `undefined` is returned and the
 * caller falls back to an estimate. Fractional counts are rounded up.
 *
 * Gateways that break OpenAI's nesting are repaired so the customer is never under-charged:
 * - `cached > prompt` means the cache was reported beside the prompt (Anthropic style): prompt += cached;
 * - `reasoning > completion` means reasoning was reported beside the completion (some Gemini bridges): completion += reasoning;
 * - `total > prompt + completion` means output went unreported (Gemini thoughts): completion = total - prompt.
 *   If the gap was really input, this bills it at the higher output price, the safe direction.
 *
 * @param usage - the `usage` value from a response or the final stream chunk; anything is accepted.
 * @returns the counts, or `undefined` when absent or malformed.
 * @example
 * normalizeUsage({ prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 800 } })
 * // { promptTokens: 1000, completionTokens: 500, cachedTokens: 800, reasoningTokens: 0, totalTokens: 1500 }
 */
export function normalizeUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const chatShape = usage.prompt_tokens !== undefined || usage.completion_tokens !== undefined;
  const prompt = count(chatShape ? usage.prompt_tokens : usage.input_tokens);
  const completion = count(chatShape ? usage.completion_tokens : usage.output_tokens);
  const total = count(usage.total_tokens);
  const cached = detail(chatShape ? usage.prompt_tokens_details : usage.input_tokens_details, 'cached_tokens');
  const reasoning = detail(chatShape ? usage.completion_tokens_details : usage.output_tokens_details, 'reasoning_tokens');
  if (prompt === undefined || completion === undefined) return undefined;
  if (prompt === INVALID || completion === INVALID || total === INVALID || cached === INVALID || reasoning === INVALID) {
    return undefined;
  }
  const cachedTokens = cached ?? 0;
  const reasoningTokens = reasoning ?? 0;
  const promptTokens = cachedTokens > prompt ? prompt + cachedTokens : prompt;
  let completionTokens = reasoningTokens > completion ? completion + reasoningTokens : completion;
  if (total !== undefined && total > promptTokens + completionTokens) completionTokens = total - promptTokens;
  return { promptTokens, completionTokens, cachedTokens, reasoningTokens, totalTokens: promptTokens + completionTokens };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): Field {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return INVALID;
  return Math.ceil(value);
}

function detail(details: unknown, key: string): Field {
  if (details === undefined || details === null) return undefined;
  if (!isRecord(details)) return INVALID;
  return count(details[key]);
}
