// The settle script: record a step's outcome, turn its reservation into spend on the run, the day and the month.
import { RUN_LIMITS } from '@agentwall/core/store';
import { DAY_TTL_MS, MONTH_TTL_MS, RUN_HELPERS_LUA } from './run-helpers.js';

/**
 * KEYS: the run's state, window, steps and blocked keys, then the key's day and month usage hashes, then
 * the key's leases. ARGV: now, ttlMs, costMicros, heldMicros, touchUsage (`'1'` when there was a reservation
 * or a cost), record JSON, record step, ok (`'1'` when the step completed), retry (`'1'`: see
 * `SettleRequest.retry`), admitId, lease member (`''` without a reservation).
 *
 * It applies only to the admit it names (`Store.settle`): while the run holds `a:<admitId>` (releasing the
 * reservation unless its lease expired, `s<step>`), or while the lease alone is live (the run's state went
 * mid-step). Otherwise it changes nothing. Reply: `{ runCostMicros, steps }` as strings, with a third
 * element `1` when the settle was stale.
 *
 * @example
 * redis.defineCommand('agentwallSettle', { numberOfKeys: 7, lua: SETTLE_LUA });
 */
export const SETTLE_LUA = `${RUN_HELPERS_LUA}
local DAY, MONTH, LEASES = KEYS[5], KEYS[6], KEYS[7]
local now, ttl, cost, held = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local step = tonumber(ARGV[7])
local admit_field, member = 'a:' .. ARGV[10], ARGV[11]

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

local mark = redis.call('HGET', STATE, admit_field)
if mark then
  redis.call('HDEL', STATE, admit_field)
  if string.sub(mark, 1, 1) == 's' then
    -- Its lease expired and the sweep released the reservation: record the step and its cost only.
    held = 0
  elseif member ~= '' then
    redis.call('ZREM', LEASES, member)
  end
elseif not (member ~= '' and redis.call('ZREM', LEASES, member) == 1) then
  local s = redis.call('HMGET', STATE, 'costMicros', 'steps')
  -- A retry whose first attempt was applied after all (its answer lost) changes nothing; anything else
  -- names an admit this run does not hold (Redis lost it, or the run is a new one of the same id).
  if ARGV[9] == '1' and s[1] and #of_step(STEPS) > 0 then return { s[1], s[2] } end
  return { s[1] or '0', s[2] or '0', 1 }
end

touch(now)
settle()
local s = redis.call('HMGET', STATE, 'costMicros', 'steps')
expire_run(ttl)
return { s[1], s[2] }
`;
