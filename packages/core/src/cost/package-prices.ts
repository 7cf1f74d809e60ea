// Adapter over @pydantic/genai-prices: finds a model's prices in the bundled (offline) snapshot and flattens them.
import { calcPrice, type ModelPrice as PackageModelPrice, type Provider } from '@pydantic/genai-prices';
import type { PriceTier, ResolvedPrice } from './pricing.js';

/**
 * A model found in the package snapshot.
 *
 * `reresolve` is set only for models whose prices change with the clock (launch-date switches, DeepSeek's
 * off-peak hours): the price book calls it on every lookup instead of trusting its cache.
 */
export interface PackageMatch {
  /** Prices in force at the lookup's timestamp. */
  price: ResolvedPrice;
  /** Re-selects the time-dependent price for `at`; a one-model lookup (~5 µs), not a catalogue scan. */
  reresolve?: (at: Date) => ResolvedPrice | undefined;
}

/** OpenAI model names the package's provider detection misses (it finds them with the `openai` provider). */
const OPENAI_UNDETECTED = /^text-embedding-/i;

/** Longer names are never model names; refusing them keeps the package's regex matching off attacker-sized input. */
const MAX_MODEL_NAME_LENGTH = 256;

/**
 * Looks `model` up in the package's bundled price snapshot.
 *
 * Tries, in order: the provider hint, the package's own provider detection (helped for OpenAI's
 * `text-embedding-*` models, which it does not detect), then for `prefix/name` (OpenRouter style) the prefix as
 * provider and the bare name. Never touches the network: the package only fetches when
 * `updatePrices` is called, which this module never does.
 *
 * @param model - model name as sent on the wire, e.g. `"gpt-4o-mini-2024-07-18"`.
 * @param providerHint - optional package provider id, e.g. `"openai"`; default none (auto-detect).
 * @param at - timestamp selecting date/time-conditional prices; default now.
 * @returns the match, or `undefined` when the package has no token price for it.
 * @example
 * lookupPackagePrice('gpt-4o-mini')?.price.inputPerMTok // 0.15
 */
export function lookupPackagePrice(model: string, providerHint?: string, at: Date = new Date()): PackageMatch | undefined {
  const name = model.trim();
  if (name.length === 0 || name.length > MAX_MODEL_NAME_LENGTH) return undefined;
  const attempts: Array<[string, string | undefined]> = [];
  if (providerHint) attempts.push([name, providerHint]);
  attempts.push([name, undefined]);
  // The package knows OpenAI's embedding models, but its provider detection does not claim their names.
  if (OPENAI_UNDETECTED.test(name)) attempts.push([name, 'openai']);
  const slash = name.indexOf('/');
  if (slash > 0 && slash < name.length - 1) {
    const rest = name.slice(slash + 1);
    attempts.push([rest, name.slice(0, slash)], [rest, undefined]);
  }
  for (const [candidate, providerId] of attempts) {
    const found = tryCalc(candidate, providerId === undefined ? {} : { providerId }, at);
    if (found) return found;
  }
  return undefined;
}

function tryCalc(name: string, options: { providerId?: string; provider?: Provider }, at: Date): PackageMatch | undefined {
  let result: ReturnType<typeof calcPrice>;
  try {
    // Empty usage: we only want the match and the price record; the package's own arithmetic is not used.
    result = calcPrice({}, name, { ...options, timestamp: at });
  } catch {
    // A malformed entry in the snapshot must not take the proxy down; the model is then simply unknown.
    return undefined;
  }
  if (!result) return undefined;
  const matched = `${result.provider.id}/${result.model.id}`;
  const price = flattenPrice(result.model_price, matched);
  if (!price) return undefined;
  if (!Array.isArray(result.model.prices)) return { price };
  // A one-model provider lets the package redo constraint selection without rescanning its catalogue.
  const single: Provider = { ...result.provider, models: [result.model] };
  return {
    price,
    reresolve: (when: Date) => {
      try {
        const again = calcPrice({}, name, { provider: single, timestamp: when });
        return again ? flattenPrice(again.model_price, matched) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

type PriceValue = PackageModelPrice[string];

interface Tiered {
  base: number;
  tiers: Array<{ start: number; price: number }>;
}

function isTiered(value: PriceValue): value is Tiered {
  return typeof value === 'object' && value !== null && typeof value.base === 'number' && Array.isArray(value.tiers);
}

/** Value of one price key for prompts of `promptTokens`; mirrors the package: a tier applies when input > start. */
function valueAt(value: PriceValue, promptTokens: number): number | undefined {
  if (typeof value === 'number') return value;
  if (!isTiered(value)) return undefined;
  let price = value.base;
  for (const tier of value.tiers) if (promptTokens > tier.start) price = tier.price;
  return price;
}

/**
 * Converts a package price record to our flat per-MTok shape, expanding tiered prices into `tiers`.
 * Returns `undefined` for models with no token price at all (audio-hour or per-request models), so they
 * count as unknown rather than silently free.
 */
function flattenPrice(record: PackageModelPrice, matched: string): ResolvedPrice | undefined {
  const input = record.input_mtok;
  const output = record.output_mtok;
  if (input === undefined && output === undefined) return undefined;
  const at = (promptTokens: number) => {
    const inputPerMTok = valueAt(input, promptTokens) ?? 0;
    const cacheWrite = valueAt(record.cache_write_mtok, promptTokens);
    const cacheWrite1h = valueAt(record.cache_write_1h_mtok, promptTokens);
    return {
      inputPerMTok,
      outputPerMTok: valueAt(output, promptTokens) ?? 0,
      cachedInputPerMTok: valueAt(record.cache_read_mtok, promptTokens) ?? inputPerMTok,
      // Absent rather than defaulted, as in the package: the cost computation falls back 1 h → 5 min → input.
      ...(cacheWrite === undefined ? {} : { cacheWritePerMTok: cacheWrite }),
      ...(cacheWrite1h === undefined ? {} : { cacheWrite1hPerMTok: cacheWrite1h }),
    };
  };
  const starts = new Set<number>();
  for (const key of ['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok', 'cache_write_1h_mtok']) {
    const value = record[key];
    if (isTiered(value)) for (const tier of value.tiers) starts.add(tier.start);
  }
  const tiers: PriceTier[] = [...starts]
    .sort((a, b) => a - b)
    .map((start) => Object.freeze({ aboveInputTokens: start, ...at(start + 1) }));
  return Object.freeze({
    ...at(0),
    ...(tiers.length > 0 ? { tiers: Object.freeze(tiers) } : {}),
    known: true,
    source: 'package' as const,
    matched,
  });
}
