// The cancelAdmit script: undo an admit whose answer was lost, wherever it ran, and only once.
import { RUN_HELPERS_LUA } from './run-helpers.js';
import { LEASE_HELPERS_LUA } from './leases.js';

/**
 * KEYS: the run's state, window, steps and blocked keys, then the key's day and month usage hashes (of the
 * admit's reservation), then the key's leases. ARGV: admitId, lease member (`''` without a reservation),
 * reserved micros, DLP counts JSON (`''` for none). Reply: 1 when an admit was undone, 0 when the run did
 * not hold it (never ran, settled, or cancelled already).
 *
 * @example
 * redis.defineCommand('agentwallCancelAdmit', { numberOfKeys: 7, lua: CANCEL_ADMIT_LUA });
 */
export const CANCEL_ADMIT_LUA = `${RUN_HELPERS_LUA}
${LEASE_HELPERS_LUA}
local DAY, MONTH, LEASES = KEYS[5], KEYS[6], KEYS[7]
local admit_field, member, held = 'a:' .. ARGV[1], ARGV[2], tonumber(ARGV[3])

local mark = redis.call('HGET', STATE, admit_field)
if not mark then
  -- The run's state went, but its lease still holds the money on the day and the month.
  if member ~= '' and redis.call('ZREM', LEASES, member) == 1 then
    release_existing(DAY, 'reserved', held)
    release_existing(MONTH, 'reserved', held)
  end
  return 0
end
redis.call('HDEL', STATE, admit_field)
local swept = string.sub(mark, 1, 1) == 's'
local step = tonumber(swept and string.sub(mark, 2) or mark)
if not swept and member ~= '' then
  redis.call('ZREM', LEASES, member)
  release(STATE, 'reservedMicros', held)
  release_existing(DAY, 'reserved', held)
  release_existing(MONTH, 'reserved', held)
end
-- The step never happened: out of the window, its DLP counts off the run, its number free again unless
-- a later step took the next one.
for _, raw in ipairs(redis.call('LRANGE', WINDOW, 0, -1)) do
  if cjson.decode(raw).step == step then redis.call('LREM', WINDOW, 0, raw) end
end
if ARGV[4] ~= '' then
  for kind, n in pairs(cjson.decode(ARGV[4])) do redis.call('HINCRBY', STATE, 'dlp:' .. kind, int(-n)) end
end
if tonumber(redis.call('HGET', STATE, 'steps')) == step then redis.call('HINCRBY', STATE, 'steps', -1) end
return 1
`;
