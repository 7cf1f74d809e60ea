// Reads Anthropic's `usage` (input excluding the cache, cache reads and writes beside it) into AgentWall's Usage.
import type { Usage } from '../../cost/usage.js';

const INVALID = Symbol('invalid');
type Field = number | undefined | typeof INVALID;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): Field {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return INVALID;
  return Math.ceil(value);
}

/**
 * Normalizes an Anthropic `usage` object: `input_tokens` (which excludes the cache), `output_tokens`,
 * `cache_creation_input_tokens` with its `cache_creation.ephemeral_5m_input_tokens` /
 * `ephemeral_1h_input_tokens` split, and `cache_read_input_tokens`. The result has OpenAI's semantics, where the
 * prompt contains the cache: `promptTokens = input + writes + reads`, `cachedTokens = reads`, `cacheWriteTokens =
 * writes` (of which `cacheWrite1hTokens` for one hour), so each token is priced once. Thinking tokens are part of
 * `output_tokens` and not reported apart (`reasoningTokens` 0).
 *
 * Missing or null cache fields count as 0; a write total below its split is raised to the split (never an
 * under-charge). A missing `input_tokens` or `output_tokens`, or any field that is not a finite non-negative
 * number, makes the usage untrustworthy: `undefined`, and the caller estimates instead.
 *
 * @param usage - a Message's `usage`, or a stream's merged one; anything is accepted.
 * @returns the counts, or `undefined` when absent or malformed.
 * @example
 * normalizeAnthropicUsage({ input_tokens: 100, cache_creation_input_tokens: 100, cache_read_input_tokens: 800, cache_creation: { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 60 }, output_tokens: 500 })
 * // { promptTokens: 1000, completionTokens: 500, cachedTokens: 800, cacheWriteTokens: 100, cacheWrite1hTokens: 60, reasoningTokens: 0, totalTokens: 1500 }
 */
export function normalizeAnthropicUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = count(usage['input_tokens']);
  const output = count(usage['output_tokens']);
  const writes = count(usage['cache_creation_input_tokens']);
  const reads = count(usage['cache_read_input_tokens']);
  const split = usage['cache_creation'];
  if (split !== undefined && split !== null && !isRecord(split)) return undefined;
  const fiveMinutes = split ? count(split['ephemeral_5m_input_tokens']) : undefined;
  const oneHour = split ? count(split['ephemeral_1h_input_tokens']) : undefined;
  if (input === undefined || output === undefined) return undefined;
  if (input === INVALID || output === INVALID || writes === INVALID || reads === INVALID || fiveMinutes === INVALID || oneHour === INVALID) return undefined;
  const cacheWriteTokens = Math.max(writes ?? 0, (fiveMinutes ?? 0) + (oneHour ?? 0));
  const cachedTokens = reads ?? 0;
  const promptTokens = input + cacheWriteTokens + cachedTokens;
  return {
    promptTokens,
    completionTokens: output,
    cachedTokens,
    cacheWriteTokens,
    cacheWrite1hTokens: oneHour ?? 0,
    reasoningTokens: 0,
    totalTokens: promptTokens + output,
  };
}

/**
 * A stream's usage so far: `message_start`'s, with every field a later `message_delta` gives replacing it
 * (`message_delta` counts are cumulative, not increments; its null fields mean "unchanged").
 *
 * @example
 * mergeStreamUsage({ input_tokens: 10, output_tokens: 1 }, { output_tokens: 42, input_tokens: null }) // { input_tokens: 10, output_tokens: 42 }
 */
export function mergeStreamUsage(start: Record<string, unknown> | undefined, delta: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...start };
  for (const key of Object.keys(delta)) {
    const value = delta[key];
    if (value !== null && value !== undefined && key !== '__proto__') merged[key] = value;
  }
  return merged;
}
