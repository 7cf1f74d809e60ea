// Lua helpers for reservation leases: Redis's own clock, and the sweep that releases expired leases.
import { SWEEP_LIMIT } from '@agentwall/core/store';

/**
 * Lua functions shared by the scripts that hold, renew or release leases. Needs `RUN_HELPERS_LUA` before
 * it (for `release` and `int`).
 *
 * A lease is a member of the API key's sorted set `<base>:leases` (see `keyLayout`), scored by its expiry
 * on Redis's clock, and named `<admitId>|<micros>|<day>|<month>|<runId>`: the sweep needs nothing else to
 * release it, even when its run's state is gone. While the lease lives, the run's hash holds the field
 * `a:<admitId>` = step; the sweep turns it into `s<step>`, so a settle that comes later records the step
 * and its cost but releases nothing twice.
 *
 * Key names are built here from `base` (the prefix and the key's hash tag): a sweep releases what other
 * runs and periods of the same API key hold, which no caller can list in KEYS beforehand. They all carry
 * the same hash tag, so in Redis Cluster they are in the slot of the script's declared keys.
 *
 * @example
 * const lua = `${RUN_HELPERS_LUA}\n${LEASE_HELPERS_LUA}\nsweep(KEYS[5], ARGV[1], redis_now_ms())`;
 */
export const LEASE_HELPERS_LUA = `
-- Redis's clock in ms, so that lease expiry never depends on the clock of any instance.
local function redis_now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Releases a reservation from a usage counter that still holds the field (an expired counter is not recreated).
local function release_existing(key, field, held)
  if held > 0 and redis.call('HEXISTS', key, field) == 1 then release(key, field, held) end
end

-- Releases up to ${SWEEP_LIMIT} expired leases of the key, oldest first: bounded work whatever died at once.
local function sweep(leases, base, now_ms)
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', int(now_ms), 'LIMIT', 0, ${SWEEP_LIMIT})
  if #expired == 0 then return end
  for _, member in ipairs(expired) do
    local id, micros, day, month, run_id = string.match(member, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
    local held = tonumber(micros)
    release_existing(base .. ':day:' .. day, 'reserved', held)
    release_existing(base .. ':month:' .. month, 'reserved', held)
    local run = base .. ':run:' .. run_id
    local mark = redis.call('HGET', run, 'a:' .. id)
    if mark and string.sub(mark, 1, 1) ~= 's' then
      redis.call('HSET', run, 'a:' .. id, 's' .. mark)
      release(run, 'reservedMicros', held)
    end
  end
  redis.call('ZREM', leases, unpack(expired))
end
`;
