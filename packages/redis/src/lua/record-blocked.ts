// The recordBlocked script: add a refused request to the run (creating the run if it is new).
import { RUN_HELPERS_LUA } from './run-helpers.js';

/**
 * KEYS: the run's state, window, steps and blocked keys. ARGV: now, ttlMs, attempt JSON. Reply: 1.
 *
 * @example
 * redis.defineCommand('agentwallRecordBlocked', { numberOfKeys: 4, lua: RECORD_BLOCKED_LUA });
 */
export const RECORD_BLOCKED_LUA = `${RUN_HELPERS_LUA}
touch(ARGV[1])
push_blocked(ARGV[3])
expire_run(ARGV[2])
return 1
`;
