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
  entry.actionRun = 0
  local is_action = cur.kind == 'action'

  -- An entry from an older version has no exchange (nil): it matches nothing.
  local function same(a, b) return a ~= nil and a == b end

  local chained = false
  if is_action then
    chained = prev ~= nil and prev.kind == 'action' and same(prev.exchange, cur.exchange)
    local run = 1
    if chained then run = prev.actionRun + 1 end
    entry.actionRun = math.max(run, cur.repeatsInRequest)
  end

  local distance = 64
  if not is_action and cur.simhash ~= '' then
    local near = false
    if prev ~= nil and prev.kind == cur.kind and prev.nearRun > 0 then
      distance = hamming_hex64(prev.simhash, cur.simhash)
      near = distance <= near_max and (cur.kind ~= 'text' or prev.observed == cur.observed)
    end
    if near then entry.nearRun = prev.nearRun + 1 else entry.nearRun = 1 end
  end

  local function count(field)
    local c = 1
    for i = first, n do
      if w[i][field] == cur[field] then c = c + 1 end
    end
    return c
  end

  if not is_action and prev ~= nil then
    if prev.exact == cur.exact then return { 'exact_repeat', 0, prev.step, count('exact') }, entry end
    if prev.normalized == cur.normalized then return { 'normalized_repeat', 0, prev.step, count('normalized') }, entry end
  end
  if is_action and entry.actionRun >= tool_repeats then
    local matched = step
    if chained then matched = prev.step end
    return { 'tool_call_repeat', math.min(100, 90 + 5 * (entry.actionRun - tool_repeats)), matched, entry.actionRun }, entry
  end

  -- s[k] for k in 1..len: the window's entries from first, then the current step.
  local len = n - first + 2
  local function key(k)
    if k == len then return cur.exchange end
    return w[first + k - 1].exchange
  end
  local p = 2
  while 2 * p <= len do
    local j = 0
    while len - j - p >= 1 and same(key(len - j), key(len - j - p)) do j = j + 1 end
    if j >= p then
      local mixed = false
      for k = len - p + 1, len - 1 do
        if key(k) ~= cur.exchange then mixed = true end
      end
      if mixed then
        return { 'cycle', 0, w[first + len - p - 1].step, math.floor(j / p) + 1 }, entry
      end
    end
    p = p + 1
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
