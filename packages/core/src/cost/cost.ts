// Cost of a completion in integer micro-dollars (µUSD), rounded up once per request so nothing is under-charged.
import type { ResolvedPrice } from './pricing.js';
import type { Usage } from './usage.js';

/** One US dollar in micro-dollars. */
export const MICROS_PER_USD = 1_000_000;

/**
 * The per-MTok prices in force for one request, after picking the context-length tier. The cache-write prices
 * are present only when the price source knows them.
 *
 * @example
 * const flat: FlatPrice = { inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125 };
 * const claude: FlatPrice = { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, cacheWrite1hPerMTok: 6 };
 */
export interface FlatPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number;
  /** Cache writes (five-minute lifetime); when absent they cost `inputPerMTok`. */
  cacheWritePerMTok?: number;
  /** One-hour cache writes; when absent they cost `cacheWritePerMTok`. */
  cacheWrite1hPerMTok?: number;
}

/** The price of a cache write of each lifetime, falling back as the price package does: 1 h → 5 min → input. */
function writePrices(flat: FlatPrice): { fiveMinutes: number; oneHour: number } {
  const fiveMinutes = flat.cacheWritePerMTok ?? flat.inputPerMTok;
  return { fiveMinutes, oneHour: flat.cacheWrite1hPerMTok ?? fiveMinutes };
}

/**
 * Where a request's cost comes from. Parts are unrounded µUSD; only `totalMicros` is rounded (up), once,
 * so a request is over-charged by less than 1 µUSD instead of up to 3.
 *
 * @example
 * costBreakdown(gpt4oMini, { promptTokens: 1000, completionTokens: 500, cachedTokens: 800, reasoningTokens: 0, totalTokens: 1500 })
 * // { inputMicros: 30, cachedInputMicros: 60, outputMicros: 300, totalMicros: 390, price: {...} }
 */
export interface CostBreakdown {
  /** Uncached prompt tokens (neither read from nor written to the cache) × input price. */
  inputMicros: number;
  /** Cached prompt tokens × cache-read price. */
  cachedInputMicros: number;
  /**
   * Cache-write tokens × the write price of their lifetime; present only when the usage reports cache writes
   * (`Usage.cacheWriteTokens` set: Anthropic's Messages API), so OpenAI's breakdowns keep their shape.
   */
  cacheWriteMicros?: number;
  /** Completion tokens (reasoning included) × output price. */
  outputMicros: number;
  /** Integer total, rounded up. */
  totalMicros: number;
  /** Prices applied, after tier selection. */
  price: FlatPrice;
}

/**
 * Picks the prices for a prompt of `promptTokens` tokens: the highest tier whose threshold the prompt exceeds,
 * else the base prices. Same rule as `@pydantic/genai-prices`: a tier re-prices the whole request.
 *
 * @param price - resolved prices, possibly with `tiers`.
 * @param promptTokens - total prompt tokens, cached included.
 * @returns flat prices; the base prices when `price.tiers` is absent.
 * @example
 * priceAtPromptTokens(gemini25Pro, 200_001).inputPerMTok // 2.5 (base 1.25)
 */
export function priceAtPromptTokens(price: ResolvedPrice, promptTokens: number): FlatPrice {
  let flat: FlatPrice = price;
  for (const tier of price.tiers ?? []) if (promptTokens > tier.aboveInputTokens) flat = tier;
  const out: FlatPrice = { inputPerMTok: flat.inputPerMTok, outputPerMTok: flat.outputPerMTok, cachedInputPerMTok: flat.cachedInputPerMTok };
  if (flat.cacheWritePerMTok !== undefined) out.cacheWritePerMTok = flat.cacheWritePerMTok;
  if (flat.cacheWrite1hPerMTok !== undefined) out.cacheWrite1hPerMTok = flat.cacheWrite1hPerMTok;
  return out;
}

/**
 * Itemized cost of one completion. Cached tokens and cache writes are taken out of the prompt before pricing it
 * (`Usage.promptTokens` already contains them), so each prompt token is priced once: uncached at the input
 * price, read at the cache-read price, written at the write price of its lifetime (one hour, else five
 * minutes). Reasoning tokens are not added to the completion (already inside).
 *
 * @param price - from `PriceBook.price`.
 * @param usage - from `normalizeUsage` or an estimate.
 * @returns the breakdown; all zero for unknown models.
 * @example
 * costBreakdown(price, usage).totalMicros // e.g. 390
 */
export function costBreakdown(price: ResolvedPrice, usage: Usage): CostBreakdown {
  const flat = priceAtPromptTokens(price, usage.promptTokens);
  // Clamped so a hand-built Usage with cached > prompt cannot make the uncached part negative.
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const written = Math.min(usage.cacheWriteTokens ?? 0, usage.promptTokens - cached);
  const written1h = Math.min(usage.cacheWrite1hTokens ?? 0, written);
  // tokens × USD per million tokens = µUSD, with no division that could add float noise.
  const inputMicros = (usage.promptTokens - cached - written) * flat.inputPerMTok;
  const cachedInputMicros = cached * flat.cachedInputPerMTok;
  const outputMicros = usage.completionTokens * flat.outputPerMTok;
  if (usage.cacheWriteTokens === undefined) {
    return { inputMicros, cachedInputMicros, outputMicros, totalMicros: ceilMicros(inputMicros + cachedInputMicros + outputMicros), price: flat };
  }
  const write = writePrices(flat);
  const cacheWriteMicros = (written - written1h) * write.fiveMinutes + written1h * write.oneHour;
  const totalMicros = ceilMicros(inputMicros + cachedInputMicros + cacheWriteMicros + outputMicros);
  return { inputMicros, cachedInputMicros, cacheWriteMicros, outputMicros, totalMicros, price: flat };
}

/**
 * The dearest price a prompt token can cost under `flat`: uncached or read and, when the protocol reports cache
 * writes (`cacheWrites`), written at either lifetime. The worst case a reservation must cover per input token.
 *
 * @param flat - prices after tier selection.
 * @param cacheWrites - whether cache writes can be billed (Anthropic's Messages API). Default false.
 * @returns USD per million tokens.
 * @example
 * dearestInputPrice({ inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, cacheWrite1hPerMTok: 6 }, true) // 6
 */
export function dearestInputPrice(flat: FlatPrice, cacheWrites = false): number {
  const base = Math.max(flat.inputPerMTok, flat.cachedInputPerMTok);
  if (!cacheWrites) return base;
  const write = writePrices(flat);
  return Math.max(base, write.fiveMinutes, write.oneHour);
}

/**
 * Cost of one completion in integer µUSD, rounded up.
 *
 * @param price - from `PriceBook.price`.
 * @param usage - from `normalizeUsage` or an estimate.
 * @returns integer µUSD ≥ 0; 0 for unknown models.
 * @example
 * // gpt-4o-mini, 1000 prompt / 500 completion: 1000 × 0.15 + 500 × 0.6 = 450
 * computeCostMicros(book.price('gpt-4o-mini'), usage) // 450
 */
export function computeCostMicros(price: ResolvedPrice, usage: Usage): number {
  return costBreakdown(price, usage).totalMicros;
}

/**
 * Rounds a fractional µUSD amount up to an integer, ignoring binary floating-point noise below 1e-6 µUSD
 * (3000 × 4.4 is 13200.000000000002 in doubles and must stay 13200, not become 13201).
 *
 * @param micros - non-negative µUSD, possibly fractional.
 * @returns the next integer µUSD at or above `micros`.
 * @example
 * ceilMicros(0.75) // 1
 * ceilMicros(13200.000000000002) // 13200
 */
export function ceilMicros(micros: number): number {
  return Math.ceil(Math.round(micros * 1e6) / 1e6);
}

/**
 * Micro-dollars to dollars, for display only (stores keep integers).
 *
 * @param micros - integer µUSD.
 * @returns USD as a float, e.g. 0.000123.
 * @example
 * microsToUsd(123) // 0.000123
 */
export function microsToUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

/**
 * Dollars to integer micro-dollars, rounded to the nearest µUSD (for configured budgets and limits, where
 * rounding up or down by less than a millionth of a dollar is immaterial but an integer is required).
 *
 * @param usd - finite amount in USD.
 * @returns integer µUSD.
 * @throws RangeError when `usd` is not finite.
 * @example
 * usdToMicros(0.1) // 100000
 * usdToMicros(microsToUsd(123)) // 123
 */
export function usdToMicros(usd: number): number {
  if (!Number.isFinite(usd)) throw new RangeError(`usd must be a finite number, got ${usd}`);
  // Math.round alone would make -0 for tiny negatives; `+ 0` normalizes it.
  return Math.round(usd * MICROS_PER_USD) + 0;
}
