// Tokenizer-free token estimates and the worst-case reservation taken before a request is forwarded.
import { ceilMicros, dearestInputPrice, priceAtPromptTokens } from './cost.js';
import type { ResolvedPrice } from './pricing.js';
import type { Usage } from './usage.js';

/** OpenAI high-detail 1024×1024 image on gpt-4o: 85 + 4 tiles × 170. */
export const DEFAULT_IMAGE_TOKENS = 765;

/**
 * Estimates the tokens of `text` without a tokenizer: one token per 4 ASCII characters (English prose runs at
 * about 4–4.5 per token with GPT-4o's tokenizer) plus one token per non-ASCII UTF-16 unit, since CJK, Cyrillic
 * and emoji take about one token per character or more and chars/4 would undercount them fourfold. Rounded up.
 * Code and JSON tokenize denser (about 3 chars per token), so those can be underestimated by a quarter; the
 * settled cost always comes from the upstream's real usage.
 *
 * @param text - any string.
 * @returns tokens ≥ 0; 0 only for the empty string.
 * @example
 * estimateTextTokens('Hello, world!') // 4 (13 ASCII chars / 4, rounded up)
 * estimateTextTokens('こんにちは') // 5
 */
export function estimateTextTokens(text: string): number {
  // All ASCII exactly when the UTF-8 length equals the UTF-16 length: one native count instead of a
  // loop over every character (25 times faster on a 32 KiB prompt), and by far the common case.
  if (Buffer.byteLength(text, 'utf8') === text.length) return Math.ceil(text.length / 4);
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4) + other;
}

/** Keys whose string value is binary payload, not text the model reads as tokens. */
const PAYLOAD_KEYS = new Set(['data', 'file_data']);

/**
 * Estimates the tokens of every string in a JSON value (a message, a tool definition): string leaves through
 * {@link estimateTextTokens}, image parts (`image_url`, `input_image`, `image`) at `imageTokens` each, binary
 * payloads (`data:` URLs, `data` and `file_data` fields) skipped, as their size says little about their token
 * cost. An explicit stack, since hostile JSON can nest deeper than the call stack.
 *
 * @example
 * estimateJsonTokens({ role: 'user', content: 'Hello, world!' }) // 5: 'user' 1 + 'Hello, world!' 4
 */
export function estimateJsonTokens(root: unknown, imageTokens = DEFAULT_IMAGE_TOKENS): number {
  let tokens = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (!node.startsWith('data:')) tokens += estimateTextTokens(node);
    } else if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
    } else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (record.type === 'image_url' || record.type === 'input_image' || record.type === 'image') tokens += imageTokens;
      for (const [key, value] of Object.entries(record)) {
        if (!PAYLOAD_KEYS.has(key)) stack.push(value);
      }
    }
  }
  return tokens;
}

/**
 * The output limit a client set, or `cap` when it set none, times `choices`: a client limit above `cap` is kept,
 * not clamped (the upstream honours the client's limit, so a clamped reservation would under-cover the real
 * worst case). Invalid values (non-integers, ≤ 0) are ignored; the first valid candidate wins.
 *
 * @throws RangeError when `cap` is not a positive integer.
 * @example
 * outputLimit([body.max_completion_tokens, body.max_tokens], body.n, 4096)
 */
export function outputLimit(candidates: readonly unknown[], choices: unknown, cap: number): number {
  if (!isPositiveInteger(cap)) throw new RangeError(`cap must be a positive integer, got ${cap}`);
  const limit = candidates.find(isPositiveInteger) ?? cap;
  return limit * (isPositiveInteger(choices) ? choices : 1);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * Worst-case cost to reserve before forwarding: every prompt token at the dearest price it can cost (the higher
 * of the uncached and cached prices, as a cache hit cannot be promised; with `cacheWrites`, the cache-write
 * prices too, since a client may mark any prefix for caching) plus `maxOutputTokens` at the output price, using
 * the tier for the estimated prompt size, rounded up. Settle with the real cost afterwards.
 *
 * @param price - from `PriceBook.price`.
 * @param promptTokens - the protocol's input estimate.
 * @param maxOutputTokens - the protocol's output limit.
 * @param cacheWrites - the protocol reports cache writes (Anthropic's Messages API). Default false.
 * @returns integer µUSD; 0 for unknown models.
 * @example
 * // gpt-4o-mini: 1000 × 0.15 + 4096 × 0.6 = 150 + 2457.6 → 2608
 * reservationMicros(book.price('gpt-4o-mini'), 1000, 4096) // 2608
 * // claude-sonnet-4-5 on the Messages API: 1000 × 6 (one-hour writes) + 100 × 15 = 7500
 * reservationMicros(book.price('claude-sonnet-4-5'), 1000, 100, true) // 7500
 */
export function reservationMicros(price: ResolvedPrice, promptTokens: number, maxOutputTokens: number, cacheWrites = false): number {
  const flat = priceAtPromptTokens(price, promptTokens);
  return ceilMicros(promptTokens * dearestInputPrice(flat, cacheWrites) + maxOutputTokens * flat.outputPerMTok);
}

/**
 * A stand-in `Usage` for a stream cut short before its usage chunk: estimated prompt tokens plus the text seen
 * so far (content, tool-call arguments). Hidden reasoning is never seen, so this can undercount reasoning
 * models; the caller marks the resulting cost `estimated: true`.
 *
 * @param promptTokens - the protocol's input estimate.
 * @param completionText - all output text received.
 * @returns a usage with no cached or reasoning tokens.
 * @example
 * estimateUsage(120, 'Hello there') // { promptTokens: 120, completionTokens: 3, cachedTokens: 0, reasoningTokens: 0, totalTokens: 123 }
 */
export function estimateUsage(promptTokens: number, completionText: string): Usage {
  const completionTokens = estimateTextTokens(completionText);
  return { promptTokens, completionTokens, cachedTokens: 0, reasoningTokens: 0, totalTokens: promptTokens + completionTokens };
}
