// The scripts that renew a lease, and the reads that release a key's expired leases before they answer.
import { RUN_HELPERS_LUA } from './run-helpers.js';
import { LEASE_HELPERS_LUA } from './leases.js';

/**
 * KEYS: the key's leases. ARGV: lease member, lease length (ms). Reply: 1 when the lease was live and now
 * ends that long from now on Redis's clock, 0 when it is gone.
 *
 * @example
 * redis.defineCommand('agentwallRenewLease', { numberOfKeys: 1, lua: RENEW_LEASE_LUA });
 */
export const RENEW_LEASE_LUA = `${RUN_HELPERS_LUA}
${LEASE_HELPERS_LUA}
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', int(redis_now_ms() + tonumber(ARGV[2])), ARGV[1])
return 1
`;

/**
 * KEYS: the run's state, window, steps and blocked keys, then the key's leases. ARGV: the key base.
 * Releases the key's expired leases (as admit does), then replies `{ HGETALL state, window, steps, blocked }`
 * as read in the same atomic step.
 *
 * @example
 * redis.defineCommand('agentwallGetRun', { numberOfKeys: 5, lua: GET_RUN_LUA });
 */
export const GET_RUN_LUA = `${RUN_HELPERS_LUA}
${LEASE_HELPERS_LUA}
sweep(KEYS[5], ARGV[1], redis_now_ms())
return { redis.call('HGETALL', STATE), redis.call('LRANGE', WINDOW, 0, -1), redis.call('LRANGE', STEPS, 0, -1), redis.call('LRANGE', BLOCKED, 0, -1) }
`;

/**
 * KEYS: the key's day and month usage hashes, then its leases. ARGV: the key base. Releases the key's
 * expired leases, then replies `{ { daySpent, dayReserved }, { monthSpent, monthReserved } }`.
 *
 * @example
 * redis.defineCommand('agentwallGetUsage', { numberOfKeys: 3, lua: GET_USAGE_LUA });
 */
export const GET_USAGE_LUA = `${RUN_HELPERS_LUA}
${LEASE_HELPERS_LUA}
sweep(KEYS[3], ARGV[1], redis_now_ms())
return { redis.call('HMGET', KEYS[1], 'spent', 'reserved'), redis.call('HMGET', KEYS[2], 'spent', 'reserved') }
`;
