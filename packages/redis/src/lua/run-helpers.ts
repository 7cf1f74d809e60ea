// Lua helpers every run script shares: create-or-touch the run, record a blocked attempt, refresh expiry, release money.
import { RUN_LIMITS } from '@agentwall/core/store';

/** Day counters are read on their own day only; two days from any write during the day cover a request reserved just before midnight. */
export const DAY_TTL_MS = 2 * 24 * 3600 * 1000;
/** A month counter must outlive its month (31 days at most) even when it was created on the 1st. */
export const MONTH_TTL_MS = 35 * 24 * 3600 * 1000;

/**
 * Lua prelude of the run scripts. They take the run's keys as KEYS[1..4] (state, window, steps, blocked;
 * see `RunKeys`). Numbers that go back into Redis are formatted with `%d`, because Lua's default
 * conversion (`%.14g`) would write large integers in exponent form.
 *
 * @example
 * const lua = `${RUN_HELPERS_LUA}\ntouch(ARGV[1])\nexpire_run(ARGV[2])`;
 */
export const RUN_HELPERS_LUA = `
local STATE, WINDOW, STEPS, BLOCKED = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

local function int(x) return string.format('%d', x) end

-- Set by touch: the run's state was created just now, so its lists were emptied and only those this script
-- appends to exist. Lets the scripts skip reading, and setting the expiry of, keys known to be absent.
local fresh = false
-- The run's lists this script appended to.
local wrote = {}

-- A run is new when its state hash is gone; its lists expire with it, but start clean regardless.
local function touch(now)
  if redis.call('EXISTS', STATE) == 0 then
    fresh = true
    redis.call('DEL', WINDOW, STEPS, BLOCKED)
    redis.call('HSET', STATE, 'status', 'active', 'steps', '0', 'costMicros', '0', 'reservedMicros', '0',
      'createdAt', now, 'blockedCount', '0', 'updatedAt', now)
  else
    redis.call('HSET', STATE, 'updatedAt', now)
  end
end

-- Appends to one of the run's lists; past 'limit' entries, the oldest goes (one out per one in, as in
-- MemoryStore). RPUSH answers the new length.
local function append(key, value, limit)
  wrote[key] = true
  if redis.call('RPUSH', key, value) > limit then redis.call('LPOP', key) end
end

-- Relative expiry, so the deadline is on Redis's clock, not on any instance's; all four keys share it.
-- A new run's list that this script did not write does not exist, so it has no expiry to set.
local function expire_run(ttl)
  redis.call('PEXPIRE', STATE, ttl)
  if not fresh or wrote[WINDOW] then redis.call('PEXPIRE', WINDOW, ttl) end
  if not fresh or wrote[STEPS] then redis.call('PEXPIRE', STEPS, ttl) end
  if not fresh or wrote[BLOCKED] then redis.call('PEXPIRE', BLOCKED, ttl) end
end

local function push_blocked(json)
  redis.call('HINCRBY', STATE, 'blockedCount', 1)
  append(BLOCKED, json, ${RUN_LIMITS.blocked})
end

-- The blocked attempts admit records itself: 'now' is passed as JavaScript's String(now), a JSON number.
local function blocked_json(now, kind, loop_type)
  if loop_type then
    return '{"at":' .. now .. ',"type":"' .. kind .. '","loopType":"' .. loop_type .. '"}'
  end
  return '{"at":' .. now .. ',"type":"' .. kind .. '"}'
end

-- Releases a reservation, never below zero (a reservation lost to an expired counter must not go negative).
-- Releasing nothing changes nothing, so it sends nothing either.
local function release(key, field, held)
  if held == 0 then return end
  if redis.call('HINCRBY', key, field, int(-held)) < 0 then redis.call('HSET', key, field, '0') end
end

-- Adds n to a field of a key's day or month usage counter. The counter's expiry (DAY_TTL_MS, MONTH_TTL_MS)
-- outlasts its day or month from any write made during it, so it is set when the field starts from zero
-- (which includes the write that creates the counter), not on every write.
local function add_usage(key, field, n, ttl)
  if redis.call('HINCRBY', key, field, n) == tonumber(n) then redis.call('PEXPIRE', key, ttl) end
end
`;
