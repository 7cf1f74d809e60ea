// Where RedisStore keeps each piece of state: one Cluster hash tag per API key, so one script can touch a run and its key's budgets.
import type { RunKey } from '@agentwall/core/store';

/** The four keys of one run, in the order every run script takes them as KEYS[1..4]. */
export interface RunKeys {
  /** Hash: status, killReason, steps, costMicros, reservedMicros, createdAt, updatedAt, blockedCount, agentId, metadata, `dlp:<kind>`. */
  state: string;
  /** List of loop window entries (JSON), oldest first. */
  window: string;
  /** List of step records (JSON), oldest first, at most `RUN_LIMITS.stepRecords`. */
  steps: string;
  /** List of blocked attempts (JSON), oldest first, at most `RUN_LIMITS.blocked`. */
  blocked: string;
}

/**
 * The hash tag of a key's state. Only `{`, `}` and `%` are escaped (as `%7B`, `%7D`, `%25`): a `}` inside
 * the tag would end it early, and escaping `%` keeps the mapping one-to-one, so two keyIds never share a
 * namespace. An empty tag would make Redis hash the whole key name, so `''` gets a value no escape produces.
 *
 * @example
 * hashTag('agent-a'); // '{agent-a}'
 * hashTag('a}b'); // '{a%7Db}'
 */
export function hashTag(keyId: string): string {
  if (keyId === '') return '{%00}';
  return `{${keyId.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}}`;
}

/**
 * Builds key names under a prefix. Every key of an API key, its runs included, carries that key's hash
 * tag, so in Redis Cluster it all lives in one slot: admit checks the run and the key's day and month
 * budgets in one script. The cost is that one very busy API key is served by one shard.
 *
 * The part after the tag starts with a fixed word and a colon, then the free-form id, so no run id or
 * period can make two names collide (`run:x:window` is impossible; it would be `window:x`).
 *
 * @example
 * const keys = keyLayout('agentwall:');
 * keys.run({ keyId: 'agent-a', runId: 'r1' }).state; // 'agentwall:{agent-a}:run:r1'
 * keys.day('agent-a', '2026-11-24'); // 'agentwall:{agent-a}:day:2026-11-24'
 */
export function keyLayout(prefix: string) {
  const base = (keyId: string): string => `${prefix}${hashTag(keyId)}`;
  return {
    run(run: RunKey): RunKeys {
      const b = base(run.keyId);
      return { state: `${b}:run:${run.runId}`, window: `${b}:window:${run.runId}`, steps: `${b}:steps:${run.runId}`, blocked: `${b}:blocked:${run.runId}` };
    },
    /** Hash {spent, reserved} of a key's UTC day, micro-dollars. */
    day: (keyId: string, day: string): string => `${base(keyId)}:day:${day}`,
    /** Hash {spent, reserved} of a key's UTC month, micro-dollars. */
    month: (keyId: string, month: string): string => `${base(keyId)}:month:${month}`,
    /** String set when the key is revoked; never expires. */
    revoked: (keyId: string): string => `${base(keyId)}:revoked`,
    /** Sorted set of the key's reservation leases, scored by expiry on Redis's clock (see `LEASE_HELPERS_LUA`). */
    leases: (keyId: string): string => `${base(keyId)}:leases`,
    /** The prefix and hash tag every key name of an API key starts with; scripts build names of that key's other runs and periods from it. */
    base,
    /**
     * String (JSON) of a relayed Responses API response (`ResponseRecord`), by response id, whichever key made it.
     * Outside every key's tag (`response:` follows the prefix, where key names have `{`), tagged by the id itself.
     */
    response: (responseId: string): string => `${prefix}response:${hashTag(responseId)}`,
  };
}

/** What {@link keyLayout} returns. */
export type KeyLayout = ReturnType<typeof keyLayout>;
