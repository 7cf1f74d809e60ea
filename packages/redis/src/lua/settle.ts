// The settle script: record a step's outcome, turn its reservation into spend on the run, the day and the month.
import { RUN_LIMITS } from '@agentwall/core';
import { DAY_TTL_MS, MONTH_TTL_MS, RUN_HELPERS_LUA } from './run-helpers.js';

/**
 * KEYS: the run's state, window, steps and blocked keys, then the key's day and month usage hashes.
 * ARGV: now, ttlMs, costMicros, heldMicros, touchUsage (`'1'` when there was a reservation or a cost),
 * record JSON, record step, ok (`'1'` when the step completed), retry (`'1'`: apply only when the run holds
 * no record of that step yet, see `SettleRequest.retry`).
 * Reply: `{ runCostMicros, steps }` as strings.
 *
 * @example
 * redis.defineCommand('agentwallSettle', { numberOfKeys: 6, lua: SETTLE_LUA });
 */
export const SETTLE_LUA = `${RUN_HELPERS_LUA}
local DAY, MONTH = KEYS[5], KEYS[6]
local now, ttl, cost, held = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

local step = tonumber(ARGV[7])

-- The entries of one of the run's lists that belong to this step (as decoded JSON carries it).
local function of_step(key)
  local found = {}
  for _, raw in ipairs(redis.call('LRANGE', key, 0, -1)) do
    if cjson.decode(raw).step == step then found[#found + 1] = raw end
  end
  return found
end

local function settle()
  redis.call('HINCRBY', STATE, 'costMicros', cost)
  release(STATE, 'reservedMicros', held)
  if ARGV[5] == '1' then
    add_usage(DAY, 'spent', cost, ${DAY_TTL_MS})
    release(DAY, 'reserved', held)
    add_usage(MONTH, 'spent', cost, ${MONTH_TTL_MS})
    release(MONTH, 'reserved', held)
  end
  append(STEPS, ARGV[6], ${RUN_LIMITS.stepRecords})
  -- A step that got no answer leaves the loop window, so its retry is not taken for a repeat.
  if ARGV[8] ~= '1' and not fresh then
    for _, raw in ipairs(of_step(WINDOW)) do redis.call('LREM', WINDOW, 0, raw) end
  end
end

touch(now)
-- A retry whose first attempt was applied after all (its answer lost) changes nothing.
if not (ARGV[9] == '1' and not fresh and #of_step(STEPS) > 0) then settle() end
local s = redis.call('HMGET', STATE, 'costMicros', 'steps')
expire_run(ttl)
return { s[1], s[2] }
`;
