// Tokenizer-free token estimates and the worst-case reservation taken before a request is forwarded.
import { ceilMicros, priceAtPromptTokens } from './cost.js';
import type { ResolvedPrice } from './pricing.js';
import type { Usage } from './usage.js';

/** Chat-format framing per message (role, separators); OpenAI's documented figure is 3, +1 with `name`. */
const TOKENS_PER_MESSAGE = 4;
/** Tokens that prime the assistant's reply. */
const REPLY_PRIMING_TOKENS = 3;
/** OpenAI high-detail 1024×1024 image on gpt-4o: 85 + 4 tiles × 170. */
const DEFAULT_IMAGE_TOKENS = 765;

/**
 * Options of {@link estimatePromptTokens}.
 *
 * @example
 * estimatePromptTokens(body, { imageTokens: 1105 });
 */
export interface EstimateOptions {
  /** Tokens counted per image part, whose real cost depends on its size and the model. Default 765. */
  imageTokens?: number;
}

/**
 * Request fields read by {@link estimatePromptTokens}; other fields are ignored.
 *
 * @example
 * const body: PromptBody = { messages: [{ role: 'user', content: 'Hello' }] };
 */
export interface PromptBody {
  messages: unknown[];
  tools?: unknown;
  /** Legacy function-calling definitions, billed as input like `tools`. */
  functions?: unknown;
  /** A JSON schema here is sent to the model and billed as input. */
  response_format?: unknown;
}

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

/**
 * Estimates a chat request's prompt tokens: every string in every message (text parts, tool-call names and
 * arguments, tool results, names) plus framing per message and for the reply, plus tool/function definitions
 * and a `response_format` schema counted as their JSON text (more than the model's own rendering of them).
 * Image parts count `imageTokens` each; base64 payloads (`data:` URLs, audio/file data) are skipped, as their
 * size says little about their token cost.
 *
 * @param body - the request body; non-array `messages` count as none.
 * @param opts - see {@link EstimateOptions}; default `{}`.
 * @returns estimated prompt tokens, rounded up.
 * @example
 * estimatePromptTokens({ messages: [{ role: 'user', content: 'Hello, world!' }] })
 * // 12: 3 reply priming + 4 message framing + 'user' 1 + 'Hello, world!' 4
 */
export function estimatePromptTokens(body: PromptBody, opts: EstimateOptions = {}): number {
  const imageTokens = opts.imageTokens ?? DEFAULT_IMAGE_TOKENS;
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let tokens = REPLY_PRIMING_TOKENS + messages.length * TOKENS_PER_MESSAGE;
  for (const message of messages) tokens += walkStrings(message, imageTokens);
  for (const extra of [body.tools, body.functions, body.response_format]) {
    if (extra !== undefined && extra !== null) tokens += estimateTextTokens(JSON.stringify(extra) ?? '');
  }
  return tokens;
}

/** Keys whose string value is binary payload, not text the model reads as tokens. */
const PAYLOAD_KEYS = new Set(['data', 'file_data']);

/** Sums estimates of string leaves; an explicit stack, since hostile JSON can nest deeper than the call stack. */
function walkStrings(root: unknown, imageTokens: number): number {
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
      if (record.type === 'image_url' || record.type === 'input_image') tokens += imageTokens;
      for (const [key, value] of Object.entries(record)) {
        if (!PAYLOAD_KEYS.has(key)) stack.push(value);
      }
    }
  }
  return tokens;
}

/**
 * Request fields read by {@link maxOutputTokens}.
 *
 * @example
 * const body: OutputLimitBody = { max_completion_tokens: 1024, n: 2 };
 */
export interface OutputLimitBody {
  max_completion_tokens?: unknown;
  max_tokens?: unknown;
  /** Number of choices; each may use the full output limit. */
  n?: unknown;
}

/**
 * The most output tokens the upstream may bill for this request: `max_completion_tokens ?? max_tokens ?? cap`,
 * times `n` choices. A client limit above `cap` is kept, not clamped: the upstream honours the client's limit,
 * so a clamped reservation would under-cover the real worst case. `cap` only stands in when the client sets no
 * limit (the model could then write up to its own maximum). Enforcing a lower limit is a policy decision for
 * the caller (rewrite the body), not something an estimate can do. Invalid values (non-integers, ≤ 0) are ignored.
 *
 * @param body - the request body.
 * @param cap - configured stand-in when the client sets no limit, a positive integer (e.g. 4096).
 * @returns output tokens to reserve for.
 * @throws RangeError when `cap` is not a positive integer.
 * @example
 * maxOutputTokens({ max_tokens: 100 }, 4096) // 100
 * maxOutputTokens({ max_tokens: 10_000 }, 4096) // 10000
 * maxOutputTokens({}, 4096) // 4096
 * maxOutputTokens({ max_completion_tokens: 500, n: 3 }, 4096) // 1500
 */
export function maxOutputTokens(body: OutputLimitBody, cap: number): number {
  if (!isPositiveInteger(cap)) throw new RangeError(`cap must be a positive integer, got ${cap}`);
  const limit = [body.max_completion_tokens, body.max_tokens].find(isPositiveInteger) ?? cap;
  const choices = isPositiveInteger(body.n) ? body.n : 1;
  return limit * choices;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * Worst-case cost to reserve before forwarding: every prompt token at the higher of the uncached and cached
 * prices (a cache hit cannot be promised) plus `maxOutputTokens` at the output price, using the tier for the
 * estimated prompt size, rounded up. Settle with the real cost afterwards.
 *
 * @param price - from `PriceBook.price`.
 * @param promptTokens - from {@link estimatePromptTokens}.
 * @param maxOutputTokens - from {@link maxOutputTokens}.
 * @returns integer µUSD; 0 for unknown models.
 * @example
 * // gpt-4o-mini: 1000 × 0.15 + 4096 × 0.6 = 150 + 2457.6 → 2608
 * reservationMicros(book.price('gpt-4o-mini'), 1000, 4096) // 2608
 */
export function reservationMicros(price: ResolvedPrice, promptTokens: number, maxOutputTokens: number): number {
  const flat = priceAtPromptTokens(price, promptTokens);
  const inputPerMTok = Math.max(flat.inputPerMTok, flat.cachedInputPerMTok);
  return ceilMicros(promptTokens * inputPerMTok + maxOutputTokens * flat.outputPerMTok);
}

/**
 * A stand-in `Usage` for a stream cut short before its usage chunk: estimated prompt tokens plus the text seen
 * so far (content, tool-call arguments). Hidden reasoning is never seen, so this can undercount reasoning
 * models; the caller marks the resulting cost `estimated: true`.
 *
 * @param promptTokens - from {@link estimatePromptTokens}.
 * @param completionText - all output text received.
 * @returns a usage with no cached or reasoning tokens.
 * @example
 * estimateUsage(120, 'Hello there') // { promptTokens: 120, completionTokens: 3, cachedTokens: 0, reasoningTokens: 0, totalTokens: 123 }
 */
export function estimateUsage(promptTokens: number, completionText: string): Usage {
  const completionTokens = estimateTextTokens(completionText);
  return { promptTokens, completionTokens, cachedTokens: 0, reasoningTokens: 0, totalTokens: promptTokens + completionTokens };
}
