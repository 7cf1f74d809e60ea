// The option types and the zod schema are one source: every documented option is in the schema and the other way round.
import type { z } from 'zod';
import { optionsSchema, type AgentWallOptions } from '../src/options.js';

type SchemaInput = z.input<typeof optionsSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

// Compile-time pins (the typecheck runs over the tests): the same option names, and options typed as the
// public interface says are accepted by the schema's input type.
assertType<Same<keyof AgentWallOptions, keyof SchemaInput>>();
const typed: AgentWallOptions = { keys: [{ key: 'aw-key-123456', name: 'a', budgets: { dailyUsd: 1 } }], upstream: { url: 'https://api.openai.com/v1' }, loop: { mode: 'warn' }, dlp: { kinds: { email: 'mask' } } };
const asInput: SchemaInput = typed as Omit<AgentWallOptions, 'verifyKey' | 'onStep' | 'onRefusal' | 'now' | 'store' | 'logger' | 'dispatcher' | 'env'>;

/** Every option name, checked against the interface at compile time and against the schema at run time. */
const OPTION_NAMES = {
  auth: 1, keys: 1, verifyKey: 1, adminKey: 1, upstream: 1, upstreams: 1, timeouts: 1, maxBodyBytes: 1, maxSteps: 1,
  maxRunCostUsd: 1, dailyBudgetUsd: 1, monthlyBudgetUsd: 1, maxRunDurationMs: 1, unknownModel: 1, prices: 1,
  priceProvider: 1, outputTokenCap: 1, loop: 1, failOpen: 1, dlp: 1, runTtlMs: 1, maxRunsInMemory: 1,
  shutdownTimeoutMs: 1, maxStreamEventBytes: 1, storeTimeoutMs: 1, reservationLeaseMs: 1, passUnknownV1Routes: 1, onStep: 1, onRefusal: 1, dispatcher: 1, store: 1, logger: 1, env: 1, now: 1,
} satisfies Record<keyof AgentWallOptions, 1>;

describe('option types', () => {
  it('name exactly the options the schema reads', () => {
    expect(Object.keys(optionsSchema.shape).sort()).toEqual(Object.keys(OPTION_NAMES).sort());
    expect(optionsSchema.safeParse(asInput).success).toBe(true);
  });
});
