// Registers the Lua scripts on an ioredis client: EVALSHA per call, the full script only when Redis lacks it.
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { ADMIT_LUA } from './lua/admit.js';
import { CANCEL_ADMIT_LUA } from './lua/cancel-admit.js';
import { KILL_RUN_LUA } from './lua/kill-run.js';
import { GET_RUN_LUA, GET_USAGE_LUA, RENEW_LEASE_LUA } from './lua/lease-scripts.js';
import { RECORD_BLOCKED_LUA } from './lua/record-blocked.js';
import { SETTLE_LUA } from './lua/settle.js';

type Arg = string | number;
type ScriptCall = (...args: Arg[]) => Promise<unknown>;

/** The store's scripts, bound to one client. Arguments: the KEYS, then the ARGV. */
export interface StoreScripts {
  admit: ScriptCall;
  settle: ScriptCall;
  cancelAdmit: ScriptCall;
  renewLease: ScriptCall;
  getRun: ScriptCall;
  getUsage: ScriptCall;
  recordBlocked: ScriptCall;
  killRun: ScriptCall;
}

const DEFINITIONS = {
  admit: { lua: ADMIT_LUA, numberOfKeys: 8 },
  settle: { lua: SETTLE_LUA, numberOfKeys: 7 },
  cancelAdmit: { lua: CANCEL_ADMIT_LUA, numberOfKeys: 7 },
  renewLease: { lua: RENEW_LEASE_LUA, numberOfKeys: 1 },
  getRun: { lua: GET_RUN_LUA, numberOfKeys: 5 },
  getUsage: { lua: GET_USAGE_LUA, numberOfKeys: 3 },
  recordBlocked: { lua: RECORD_BLOCKED_LUA, numberOfKeys: 4 },
  killRun: { lua: KILL_RUN_LUA, numberOfKeys: 4 },
} as const;

/**
 * Defines the scripts with ioredis's `defineCommand`, which is the rate-limit-redis pattern built in: each
 * call is an EVALSHA; on a connection's first use, and once more after a `NOSCRIPT` (Redis restarted or
 * `SCRIPT FLUSH`), it sends the script itself, which Redis caches again. The command names carry a hash of
 * the script, so a client shared with another version of this package never runs the wrong script.
 *
 * @example
 * const scripts = defineScripts(new Redis());
 * await scripts.killRun(...keys, Date.now(), 86_400_000, 'runaway');
 */
export function defineScripts(client: Redis | Cluster): StoreScripts {
  const bound = {} as Record<keyof StoreScripts, ScriptCall>;
  for (const [name, { lua, numberOfKeys }] of Object.entries(DEFINITIONS) as Array<[keyof StoreScripts, { lua: string; numberOfKeys: number }]>) {
    const command = `agentwall_${name}_${createHash('sha1').update(lua).digest('hex').slice(0, 10)}`;
    client.defineCommand(command, { lua, numberOfKeys });
    const fn = (client as unknown as Record<string, ScriptCall>)[command]!;
    bound[name] = (...args) => fn.apply(client, args);
  }
  return bound;
}
