// Lua helpers every run script shares: create-or-touch the run, record a blocked attempt, refresh expiry, release money.
import { RUN_LIMITS } from '@agentwall/core';

/** Day counters are read on their own day only; two days cover a request reserved just before midnight. */
export const DAY_TTL_MS = 2 * 24 * 3600 * 1000;
/** A month counter must outlive its month (31 days at most) even when its last write was on the 1st. */
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

-- A run is new when its state hash is gone; its lists expire with it, but start clean regardless.
local function touch(now)
  if redis.call('EXISTS', STATE) == 0 then
    redis.call('DEL', WINDOW, STEPS, BLOCKED)
    redis.call('HSET', STATE, 'status', 'active', 'steps', '0', 'costMicros', '0', 'reservedMicros', '0',
      'createdAt', now, 'blockedCount', '0')
  end
  redis.call('HSET', STATE, 'updatedAt', now)
end

-- Relative expiry, so the deadline is on Redis's clock, not on any instance's; all four keys share it.
local function expire_run(ttl)
  redis.call('PEXPIRE', STATE, ttl)
  redis.call('PEXPIRE', WINDOW, ttl)
  redis.call('PEXPIRE', STEPS, ttl)
  redis.call('PEXPIRE', BLOCKED, ttl)
end

local function push_blocked(json)
  redis.call('HINCRBY', STATE, 'blockedCount', 1)
  redis.call('RPUSH', BLOCKED, json)
  redis.call('LTRIM', BLOCKED, -${RUN_LIMITS.blocked}, -1)
end

-- The blocked attempts admit records itself: 'now' is passed as JavaScript's String(now), a JSON number.
local function blocked_json(now, kind, loop_type)
  if loop_type then
    return '{"at":' .. now .. ',"type":"' .. kind .. '","loopType":"' .. loop_type .. '"}'
  end
  return '{"at":' .. now .. ',"type":"' .. kind .. '"}'
end

-- Releases a reservation, never below zero (a reservation lost to an expired counter must not go negative).
local function release(key, field, held)
  local left = tonumber(redis.call('HGET', key, field) or '0') - held
  if left < 0 then left = 0 end
  redis.call('HSET', key, field, int(left))
end
`;
