// The killRun script: mark a known run killed; an unknown (or expired) run stays unknown.
import { RUN_HELPERS_LUA } from './run-helpers.js';

/**
 * KEYS: the run's state, window, steps and blocked keys. ARGV: now, ttlMs, reason. Reply: 1 when killed, 0 when unknown.
 *
 * @example
 * redis.defineCommand('agentwallKillRun', { numberOfKeys: 4, lua: KILL_RUN_LUA });
 */
export const KILL_RUN_LUA = `${RUN_HELPERS_LUA}
if redis.call('EXISTS', STATE) == 0 then return 0 end
touch(ARGV[1])
redis.call('HSET', STATE, 'status', 'killed', 'killReason', ARGV[3])
expire_run(ARGV[2])
return 1
`;
