// detectLoop from @agentwall/core ported line for line to Lua, so the loop verdict is taken inside the atomic admit script.

/**
 * Lua functions `hamming_hex64(a, b)` and `detect_loop(w, cur, step, window, nearMax, nearRepeats, toolRepeats)`,
 * a port of `detectLoop` and `hammingHex64` (see their TSDoc in @agentwall/core for the algorithm).
 * `detect_loop` returns `finding, entry`: `finding` is `nil` or `{ loopType, score, matchedStep, repeats }`
 * and `entry` the window entry to append. The confidence is left to JavaScript ({@link findingFrom}): Lua
 * returns the integer `score` it is computed from (tool: percent; near: Hamming distance), so the
 * floating-point result is the very number `detectLoop` produces.
 *
 * @example
 * const lua = `${DETECT_LOOP_LUA}\nlocal f, e = detect_loop(history, cur, 3, 10, 6, 3, 3)`;
 */
export const DETECT_LOOP_LUA = `
local function is_hex16(s)
  return type(s) == 'string' and #s == 16 and string.find(s, '^[0-9a-f]+$') ~= nil
end

-- bit.* works on signed 32-bit values; testing all 32 positions counts the sign bit too.
local function popcount32(x)
  local c = 0
  for i = 0, 31 do
    c = c + bit.band(bit.rshift(x, i), 1)
  end
  return c
end

-- A Lua number cannot hold 64 bits exactly, so each sketch is read as two 32-bit halves.
local function hamming_hex64(a, b)
  if not is_hex16(a) or not is_hex16(b) then return 64 end
  local hi = bit.bxor(tonumber(string.sub(a, 1, 8), 16), tonumber(string.sub(b, 1, 8), 16))
  local lo = bit.bxor(tonumber(string.sub(a, 9, 16), 16), tonumber(string.sub(b, 9, 16), 16))
  return popcount32(hi) + popcount32(lo)
end

local function detect_loop(w, cur, step, window, near_max, near_repeats, tool_repeats)
  local n = #w
  local first = math.max(1, n - window + 1)
  local prev = nil
  if n >= first then prev = w[n] end
  local entry = {}
  for k, v in pairs(cur) do entry[k] = v end
  entry.step = step
  entry.nearRun = 0
  entry.toolRun = 0

  if cur.tool ~= '' then
    local chained = prev ~= nil and prev.tool == cur.tool
    local run = 1
    if chained then run = prev.toolRun + 1 end
    entry.toolRun = math.max(run, cur.toolRepeatsInRequest)
    if entry.toolRun < tool_repeats then return nil, entry end
    local matched = step
    if chained then matched = prev.step end
    return { 'tool_call_repeat', math.min(100, 90 + 5 * (entry.toolRun - tool_repeats)), matched, entry.toolRun }, entry
  end

  local distance = 64
  if cur.simhash ~= '' then
    if prev ~= nil and prev.nearRun > 0 then distance = hamming_hex64(prev.simhash, cur.simhash) end
    if prev ~= nil and distance <= near_max then entry.nearRun = prev.nearRun + 1 else entry.nearRun = 1 end
  end

  local function count(match)
    local c = 1
    for i = first, n do
      if match(w[i]) then c = c + 1 end
    end
    return c
  end
  local function same_exact(e) return e.exact == cur.exact end
  local function same_normalized(e) return e.normalized == cur.normalized end
  local function same_either(e) return same_exact(e) or same_normalized(e) end

  if prev ~= nil and same_exact(prev) then
    return { 'exact_repeat', 0, prev.step, count(same_exact) }, entry
  end
  if prev ~= nil and same_normalized(prev) then
    return { 'normalized_repeat', 0, prev.step, count(same_normalized) }, entry
  end
  for i = n - 1, first, -1 do
    if same_either(w[i]) then
      return { 'cycle', 0, w[i].step, count(same_either) }, entry
    end
  end
  if entry.nearRun >= near_repeats then
    local matched = step
    if prev ~= nil then matched = prev.step end
    return { 'near_repeat', distance, matched, entry.nearRun }, entry
  end
  return nil, entry
end
`;

/**
 * A script that runs {@link DETECT_LOOP_LUA} alone, for the test that keeps the port equal to `detectLoop`.
 * ARGV: history (JSON array of window entries), current fingerprint (JSON), step, window, nearMaxDistance,
 * nearRepeats, toolRepeats. Returns `{ entryJson }` or `{ entryJson, loopType, score, matchedStep, repeats }`.
 *
 * @example
 * await redis.eval(DETECT_LOOP_PROBE_LUA, 0, '[]', JSON.stringify(fp), 1, 10, 6, 3, 3);
 */
export const DETECT_LOOP_PROBE_LUA = `${DETECT_LOOP_LUA}
local history = cjson.decode(ARGV[1])
local finding, entry = detect_loop(history, cjson.decode(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]))
if finding then return { cjson.encode(entry), finding[1], finding[2], finding[3], finding[4] } end
return { cjson.encode(entry) }
`;
