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
  microsToUsd,
  priceAtPromptTokens,
  usdToMicros,
  type CostBreakdown,
  type FlatPrice,
} from './cost.js';
export {
  estimatePromptTokens,
  estimateTextTokens,
  estimateUsage,
  maxOutputTokens,
  reservationMicros,
  type EstimateOptions,
  type OutputLimitBody,
  type PromptBody,
} from './estimate.js';
