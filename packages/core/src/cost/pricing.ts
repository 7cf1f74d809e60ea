// Price book: resolves a model name to per-million-token prices (overrides, then the offline package), cached.
import { lookupPackagePrice, type PackageMatch } from './package-prices.js';

/**
 * Prices of one model in USD per million tokens, as written in overrides.
 *
 * @example
 * const price: ModelPrice = { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 };
 */
export interface ModelPrice {
  /** Uncached prompt tokens. */
  inputPerMTok: number;
  /** Completion tokens, reasoning tokens included. */
  outputPerMTok: number;
  /** Cache-read prompt tokens; default `inputPerMTok` (no discount, never under-charges). */
  cachedInputPerMTok?: number | undefined;
  /**
   * Cache-write tokens (five-minute lifetime), as Anthropic's Messages API reports them. Default `inputPerMTok`.
   * The OpenAI wire formats report no cache writes, so it never applies there.
   */
  cacheWritePerMTok?: number | undefined;
  /** One-hour cache-write tokens (`cache_control.ttl: "1h"`). Default `cacheWritePerMTok`. */
  cacheWrite1hPerMTok?: number | undefined;
}

/**
 * Prices that replace the base ones once the prompt exceeds `aboveInputTokens` (e.g. Gemini 2.5 Pro above 200k).
 * As in the package, the tier's prices apply to the whole request, output included, not just the excess.
 *
 * @example
 * const tier: PriceTier = { aboveInputTokens: 200_000, inputPerMTok: 2.5, outputPerMTok: 15, cachedInputPerMTok: 0.25 };
 */
export interface PriceTier {
  /** The tier applies when prompt tokens are strictly greater than this. */
  aboveInputTokens: number;
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number;
  /** Cache writes in this tier, when the source prices them. */
  cacheWritePerMTok?: number;
  /** One-hour cache writes in this tier, when the source prices them. */
  cacheWrite1hPerMTok?: number;
}

/**
 * A model's resolved prices. Instances are frozen and shared between lookups.
 *
 * @example
 * createPriceBook().price('gpt-4o-mini')
 * // { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, known: true, source: 'package', matched: 'openai/gpt-4o-mini' }
 */
export interface ResolvedPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Cache-read prompt tokens; `inputPerMTok` when the source gives no discount. */
  cachedInputPerMTok: number;
  /** False when neither an override nor the package knows the model: every price is then 0. */
  known: boolean;
  source: 'override' | 'package' | 'unknown';
  /** Cache-write price when known; used where the wire reports cache writes (see {@link ModelPrice.cacheWritePerMTok}). */
  cacheWritePerMTok?: number;
  /** One-hour cache-write price when known (see {@link ModelPrice.cacheWrite1hPerMTok}). */
  cacheWrite1hPerMTok?: number;
  /** Context-length tiers, ascending; absent for flat-priced models. Picked by `priceAtPromptTokens`. */
  tiers?: readonly PriceTier[];
  /** What matched, for logs: the override pattern or `provider/model` id in the package. Absent when unknown. */
  matched?: string;
}

/**
 * Options of {@link createPriceBook}.
 *
 * @example
 * createPriceBook({ provider: 'openai', overrides: { 'ft:gpt-4o-mini:*': { inputPerMTok: 0.3, outputPerMTok: 1.2 } } });
 */
export interface PriceBookOptions {
  /** Prices by exact model name or `*` glob, matched case-insensitively; they beat the package. Default none. */
  overrides?: Record<string, ModelPrice> | undefined;
  /** Provider id hint for the package (e.g. `'openai'`, `'openrouter'`); tried first, then auto-detection. Default none. */
  provider?: string | undefined;
  /** Called once per unknown model name. Default: `console.warn`. */
  onUnknownModel?: ((model: string) => void) | undefined;
  /** Most model names kept in the cache (clients choose model names, so it must be bounded). Default 1000. */
  maxEntries?: number | undefined;
  /** Clock used for date/time-dependent package prices. Default `() => new Date()`. */
  now?: (() => Date) | undefined;
}

/**
 * Resolves model names to prices. See {@link createPriceBook}.
 *
 * @example
 * const book = createPriceBook();
 * book.price('gpt-4o-mini').outputPerMTok // 0.6
 */
export interface PriceBook {
  /** Prices of `model`; unknown models resolve to zero prices with `known: false`. Never throws. */
  price(model: string): ResolvedPrice;
}

const UNKNOWN: ResolvedPrice = Object.freeze({
  inputPerMTok: 0,
  outputPerMTok: 0,
  cachedInputPerMTok: 0,
  known: false,
  source: 'unknown' as const,
});

interface CacheEntry {
  price: ResolvedPrice;
  reresolve?: PackageMatch['reresolve'];
}

/**
 * Creates a price book: overrides first (exact name, then the most specific glob), then the bundled
 * `@pydantic/genai-prices` snapshot, else unknown. Results are cached per model name in a bounded map because
 * a package lookup costs 5–40 µs and sits on every request; prices that depend on the clock are re-selected
 * on each call. Unknown models are reported with `known: false`; refusing them is the caller's decision.
 *
 * @param opts - see {@link PriceBookOptions}; default `{}`.
 * @throws RangeError when an override holds a negative or non-finite price, so bad config fails at startup.
 * @example
 * const book = createPriceBook({ overrides: { 'my-llama-*': { inputPerMTok: 0.2, outputPerMTok: 0.2 } } });
 * book.price('my-llama-70b').source // 'override'
 * book.price('gpt-4o-mini').inputPerMTok // 0.15
 * book.price('no-such-model').known // false
 */
export function createPriceBook(opts: PriceBookOptions = {}): PriceBook {
  const maxEntries = opts.maxEntries ?? 1000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const now = opts.now ?? (() => new Date());
  const onUnknown = opts.onUnknownModel ?? ((model: string) => console.warn(`agentwall: no price known for model "${model}"; costing it at 0`));
  const overrides = compileOverrides(opts.overrides ?? {});
  const cache = new Map<string, CacheEntry>();
  const warned = new Set<string>();

  const resolve = (model: string): CacheEntry => {
    const override = overrides(model);
    if (override) return { price: override };
    const found = lookupPackagePrice(model, opts.provider, now());
    if (found) return found.reresolve ? { price: found.price, reresolve: found.reresolve } : { price: found.price };
    if (!warned.has(model)) {
      // Bounded like the cache: a client cycling random model names must not grow memory; it may re-warn.
      if (warned.size >= maxEntries) warned.clear();
      warned.add(model);
      onUnknown(model);
    }
    return { price: UNKNOWN };
  };

  return {
    price(model: string): ResolvedPrice {
      let entry = cache.get(model);
      if (!entry) {
        entry = resolve(model);
        // Evict the oldest insertion: cheap, and a real deployment uses far fewer models than the bound.
        if (cache.size >= maxEntries) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
        cache.set(model, entry);
      }
      if (entry.reresolve) return entry.reresolve(now()) ?? entry.price;
      return entry.price;
    },
  };
}

/** Builds the override matcher: exact names win, then globs by most literal characters, then declaration order. */
function compileOverrides(overrides: Record<string, ModelPrice>): (model: string) => ResolvedPrice | undefined {
  const exact = new Map<string, ResolvedPrice>();
  const globs: Array<{ re: RegExp; literal: number; price: ResolvedPrice }> = [];
  for (const [pattern, price] of Object.entries(overrides)) {
    const resolved = toResolved(pattern, price);
    if (!pattern.includes('*')) {
      exact.set(pattern.trim().toLowerCase(), resolved);
      continue;
    }
    const source = pattern.trim().split('*').map(escapeRegExp).join('.*');
    globs.push({ re: new RegExp(`^${source}$`, 'i'), literal: pattern.replace(/\*/g, '').length, price: resolved });
  }
  // Stable sort keeps declaration order among equally specific globs.
  globs.sort((a, b) => b.literal - a.literal);
  return (model) => {
    const name = model.trim();
    return exact.get(name.toLowerCase()) ?? globs.find((g) => g.re.test(name))?.price;
  };
}

function toResolved(pattern: string, price: ModelPrice): ResolvedPrice {
  const check = (field: string, value: number | undefined, required = false) => {
    if ((required || value !== undefined) && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`override "${pattern}": ${field} must be a finite non-negative number, got ${value}`);
    }
  };
  check('inputPerMTok', price.inputPerMTok, true);
  check('outputPerMTok', price.outputPerMTok, true);
  check('cachedInputPerMTok', price.cachedInputPerMTok);
  check('cacheWritePerMTok', price.cacheWritePerMTok);
  check('cacheWrite1hPerMTok', price.cacheWrite1hPerMTok);
  return Object.freeze({
    inputPerMTok: price.inputPerMTok,
    outputPerMTok: price.outputPerMTok,
    cachedInputPerMTok: price.cachedInputPerMTok ?? price.inputPerMTok,
    ...(price.cacheWritePerMTok === undefined ? {} : { cacheWritePerMTok: price.cacheWritePerMTok }),
    ...(price.cacheWrite1hPerMTok === undefined ? {} : { cacheWrite1hPerMTok: price.cacheWrite1hPerMTok }),
    known: true,
    source: 'override' as const,
    matched: pattern,
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
