// Cost metering: model prices, usage normalization, cost in integer micro-dollars, estimates and reservations.
export {
  createPriceBook,
  type ModelPrice,
  type PriceBook,
  type PriceBookOptions,
  type PriceTier,
  type ResolvedPrice,
} from './pricing.js';
export { normalizeUsage, type Usage } from './usage.js';
export {
  MICROS_PER_USD,
  ceilMicros,
  computeCostMicros,
  costBreakdown,
  dearestInputPrice,
  microsToUsd,
  priceAtPromptTokens,
  usdToMicros,
  type CostBreakdown,
  type FlatPrice,
} from './cost.js';
export { DEFAULT_IMAGE_TOKENS, estimateJsonTokens, estimateTextTokens, estimateUsage, outputLimit, reservationMicros } from './estimate.js';
