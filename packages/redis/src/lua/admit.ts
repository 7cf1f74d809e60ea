// The admit script: MemoryStore.admit's checks, in its order, as one atomic Lua script.
import { DAY_TTL_MS, MONTH_TTL_MS, RUN_HELPERS_LUA } from './run-helpers.js';
import { DETECT_LOOP_LUA } from './detect-loop.js';
import { LEASE_HELPERS_LUA } from './leases.js';

/**
 * Positions of the admit script's ARGV (1-based, as Lua reads them). Absent values are passed as `''`.
 *
 * @example
 * args[ADMIT_ARGV.maxSteps - 1] = String(req.maxSteps);
 */
export const ADMIT_ARGV = {
  now: 1,
  ttlMs: 2,
  /** `'1'` when an agent id is given (it may be the empty string). */
  hasAgentId: 3,
  agentId: 4,
  /** JSON, or `''`. */
  metadata: 5,
  maxSteps: 6,
  /** JSON object of counts by kind, or `''`. */
  dlp: 7,
  maxDurationMs: 8,
  budgetMicros: 9,
  runLimitMicros: 10,
  dailyLimitMicros: 11,
  monthlyLimitMicros: 12,
  /** JSON `StepFingerprint`, or `''` when loop detection is off. */
  fingerprint: 13,
  loopMode: 14,
  loopWindow: 15,
  nearMaxDistance: 16,
  nearRepeats: 17,
  toolRepeats: 18,
  /** `'1'`: refuse with `key_revoked` when the key's revocation mark (KEYS[7]) exists. */
  checkRevoked: 19,
  /** The admit's id: the run holds it (`a:<admitId>`) until its settle or cancel. */
  admitId: 20,
  /** Lease length (ms, on Redis's clock) of the reservation, when there is one. */
  leaseMs: 21,
  /** The API key's key base (prefix and hash tag), for the sweep (see `LEASE_HELPERS_LUA`). */
  keyBase: 22,
  /** The lease's member in KEYS[8] when there is a reservation, else `''`. */
  leaseMember: 23,
} as const;

/** Number of ARGV entries of the admit script. */
export const ADMIT_ARGC = 23;

/**
 * KEYS: the run's state, window, steps and blocked keys, then the key's day and month usage hashes, then
 * the key's revocation mark, then the key's leases. Replies (money as strings, counters as integers): `{'key_revoked'}` (nothing touched),
 * `{'admitted', step}` or `{'admitted', step, loopType, score, matchedStep, repeats}` (warn mode),
 * `{'run_killed', steps, reason}`, `{'run_duration_exceeded', steps, createdAt}`, `{'step_limit_exceeded', steps}`,
 * `{'loop_detected', steps, step, loopType, score, matchedStep, repeats, killed}`,
 * `{'budget_exceeded', steps, scope, limit, spent, reserved}`.
 *
 * @example
 * redis.defineCommand('agentwallAdmit', { numberOfKeys: 8, lua: ADMIT_LUA });
 */
export const ADMIT_LUA = `${RUN_HELPERS_LUA}
${LEASE_HELPERS_LUA}
${DETECT_LOOP_LUA}
local DAY, MONTH, LEASES = KEYS[5], KEYS[6], KEYS[8]
local now, ttl = ARGV[${ADMIT_ARGV.now}], ARGV[${ADMIT_ARGV.ttlMs}]
if ARGV[${ADMIT_ARGV.checkRevoked}] == '1' and redis.call('EXISTS', KEYS[7]) == 1 then return { 'key_revoked' } end

-- Leases: reservations of requests that died unsettled are released before any budget is checked.
local now_ms
if ARGV[${ADMIT_ARGV.budgetMicros}] ~= '' then
  now_ms = redis_now_ms()
  sweep(LEASES, ARGV[${ADMIT_ARGV.keyBase}], now_ms)
end

touch(now)
if ARGV[${ADMIT_ARGV.hasAgentId}] == '1' then redis.call('HSET', STATE, 'agentId', ARGV[${ADMIT_ARGV.agentId}]) end
if ARGV[${ADMIT_ARGV.metadata}] ~= '' then redis.call('HSET', STATE, 'metadata', ARGV[${ADMIT_ARGV.metadata}]) end

local function admit()
  -- A run touch just created holds exactly what it wrote.
  local s
  if fresh then
    s = { 'active', false, '0', now, '0', '0' }
  else
    s = redis.call('HMGET', STATE, 'status', 'killReason', 'steps', 'createdAt', 'costMicros', 'reservedMicros')
  end
  local steps = tonumber(s[3])
  if s[1] == 'killed' then
    push_blocked(blocked_json(now, 'run_killed'))
    return { 'run_killed', steps, s[2] or 'killed' }
  end
  local max_duration = ARGV[${ADMIT_ARGV.maxDurationMs}]
  if max_duration ~= '' and tonumber(now) - tonumber(s[4]) > tonumber(max_duration) then
    push_blocked(blocked_json(now, 'run_duration_exceeded'))
    return { 'run_duration_exceeded', steps, s[4] }
  end
  local max_steps = tonumber(ARGV[${ADMIT_ARGV.maxSteps}])
  if max_steps > 0 and steps >= max_steps then
    push_blocked(blocked_json(now, 'step_limit_exceeded'))
    return { 'step_limit_exceeded', steps }
  end

  local entry, warning = nil, nil
  local window = tonumber(ARGV[${ADMIT_ARGV.loopWindow}])
  if ARGV[${ADMIT_ARGV.fingerprint}] ~= '' then
    local history = {}
    if not fresh then
      for i, raw in ipairs(redis.call('LRANGE', WINDOW, 0, -1)) do history[i] = cjson.decode(raw) end
    end
    local finding
    finding, entry = detect_loop(history, cjson.decode(ARGV[${ADMIT_ARGV.fingerprint}]), steps + 1, window,
      tonumber(ARGV[${ADMIT_ARGV.nearMaxDistance}]), tonumber(ARGV[${ADMIT_ARGV.nearRepeats}]), tonumber(ARGV[${ADMIT_ARGV.toolRepeats}]))
    local mode = ARGV[${ADMIT_ARGV.loopMode}]
    if finding and mode ~= 'warn' then
      push_blocked(blocked_json(now, 'loop_detected', finding[1]))
      local killed = 0
      if mode == 'kill' then
        redis.call('HSET', STATE, 'status', 'killed', 'killReason', 'loop detected (' .. finding[1] .. ')')
        killed = 1
      end
      return { 'loop_detected', steps, steps + 1, finding[1], finding[2], finding[3], finding[4], killed }
    end
    warning = finding
  end

  local micros = ARGV[${ADMIT_ARGV.budgetMicros}]
  if micros ~= '' then
    -- Only a budget with a limit is read; the run, then the day, then the month.
    local checks = {}
    local run_limit = ARGV[${ADMIT_ARGV.runLimitMicros}]
    if run_limit ~= '' then checks[#checks + 1] = { 'run', run_limit, s[5], s[6] } end
    local day_limit = ARGV[${ADMIT_ARGV.dailyLimitMicros}]
    if day_limit ~= '' then
      local d = redis.call('HMGET', DAY, 'spent', 'reserved')
      checks[#checks + 1] = { 'key_daily', day_limit, d[1] or '0', d[2] or '0' }
    end
    local month_limit = ARGV[${ADMIT_ARGV.monthlyLimitMicros}]
    if month_limit ~= '' then
      local m = redis.call('HMGET', MONTH, 'spent', 'reserved')
      checks[#checks + 1] = { 'key_monthly', month_limit, m[1] or '0', m[2] or '0' }
    end
    -- All or nothing: every budget is checked before any is charged.
    for _, c in ipairs(checks) do
      if tonumber(c[3]) + tonumber(c[4]) + tonumber(micros) > tonumber(c[2]) then
        push_blocked(blocked_json(now, 'budget_exceeded'))
        return { 'budget_exceeded', steps, c[1], c[2], c[3], c[4] }
      end
    end
    redis.call('HINCRBY', STATE, 'reservedMicros', micros)
    add_usage(DAY, 'reserved', micros, ${DAY_TTL_MS})
    add_usage(MONTH, 'reserved', micros, ${MONTH_TTL_MS})
  end

  local step = redis.call('HINCRBY', STATE, 'steps', 1)
  local dlp = ARGV[${ADMIT_ARGV.dlp}]
  if dlp ~= '' then
    for kind, n in pairs(cjson.decode(dlp)) do redis.call('HINCRBY', STATE, 'dlp:' .. kind, int(n)) end
  end
  if entry then
    -- Like MemoryStore: one entry out per entry in, so the window never holds more than it did.
    append(WINDOW, cjson.encode(entry), window)
  end
  -- Leases: the run holds the admit until its settle or cancel; its reservation is leased on Redis's clock.
  redis.call('HSET', STATE, 'a:' .. ARGV[${ADMIT_ARGV.admitId}], step)
  if now_ms then
    redis.call('ZADD', LEASES, int(now_ms + tonumber(ARGV[${ADMIT_ARGV.leaseMs}])), ARGV[${ADMIT_ARGV.leaseMember}])
    redis.call('PEXPIRE', LEASES, ${MONTH_TTL_MS})
  end
  if warning then return { 'admitted', step, warning[1], warning[2], warning[3], warning[4] } end
  return { 'admitted', step }
end

local reply = admit()
expire_run(ttl)
return reply
`;
