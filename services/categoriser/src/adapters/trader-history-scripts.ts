// The trader-history lookup and update as one Lua script each, so a batch costs Redis one command
// per direction instead of one per trader, pair and booking. Allocation profiling put ioredis's
// per-command objects at a fifth of everything the categoriser allocated (about 3.5 commands per
// declaration); a script call is one command whatever the batch size, and Redis runs the reads or
// writes in one go. Keys are built from the prefix inside the scripts, as the key layout in
// trader-history.ts describes. A missing key or field reads as Lua `false`.
// Inside a script, each redis.call costs about as much again as the lookup it makes, so every step
// is one call for the whole slice: one HMGET per hash, and read-then-write where Redis has no
// multi-field command (HSETNX, HINCRBY), which is safe because a script runs alone. With one hash
// per trader (an HMGET per trader, an HINCRBY per trader, an HSETNX per pair), `bench:categoriser`
// cost Redis 19–20 µs of CPU per declaration; this way 13 µs, and the categoriser, which waits on
// these calls, went from 17.7–17.9k to 20.1–20.7k declarations/s.
// Each list travels as one argument, its items joined by newlines, and the lookup's reply is one
// string likewise: ioredis builds and Redis parses one argument per value otherwise, and with ten
// or so values per declaration that was most of the client's cost of a batch's history (10–11 µs
// of CPU per declaration in the categoriser). Ids cannot hold a newline: validate-declaration.ts
// rejects them, and trader-history.ts never sends one.

// Lua's unpack is bounded (about 8,000 values), and a slice can name up to three traders per
// declaration: so every multi-field call of both scripts takes at most CALL_VALUES values at a
// time (none when the list is empty).
const helpers = `
local CALL_VALUES = 4000
-- redis.call(command, key, values...) over list[from..to], CALL_VALUES (an even number) at a time;
-- the replies, which are arrays for HMGET, are joined in order.
local function callInChunks(command, key, list, from, to)
  local out, n = {}, 0
  for a = from, to, CALL_VALUES do
    local reply = redis.call(command, key, unpack(list, a, math.min(a + CALL_VALUES - 1, to)))
    if type(reply) == 'table' then
      for k = 1, #reply do out[n + k] = reply[k] end
      n = n + #reply
    end
  end
  return out
end
-- The first n newline-separated items of s (an item may be empty).
local function split(s, n)
  local items, from = {}, 1
  for k = 1, n do
    local to = string.find(s, '\\n', from, true) or (#s + 1)
    items[k] = string.sub(s, from, to - 1)
    from = to + 1
  end
  return items
end
`;

/**
 * ARGV: prefix, #declarations, #pairs, #traders, #bookings, then the declaration ids, pair keys,
 * trader ids and booking ids, each list newline-joined. Returns one newline-joined string: each
 * declaration's recorded state, each pair's first source, each trader's
 * declarations/inspections/findings/seizures, and each booking's gross mass; empty where none.
 */
export const lookupScript = `${helpers}
local prefix = ARGV[1]
local nd, np, nt, nb = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local out, n = {}, 0
-- One HMGET for all declarations and one for all pairs, not one HGET each: each call from Lua
-- costs about as much again as the lookup it makes.
for _, hash in ipairs({ { prefix .. 'decls', nd, ARGV[6] }, { prefix .. 'pairs', np, ARGV[7] } }) do
  local count = hash[2]
  local got = callInChunks('HMGET', hash[1], split(hash[3], count), 1, count)
  for k = 1, count do out[n + k] = got[k] or '' end
  n = n + count
end
if nt > 0 then
  local traders = split(ARGV[8], nt)
  local columns = {}
  for c, name in ipairs({ 'declarations', 'inspections', 'findings', 'seizures' }) do
    columns[c] = callInChunks('HMGET', prefix .. 'traders:' .. name, traders, 1, nt)
  end
  local declarations, inspections, findings, seizures = columns[1], columns[2], columns[3], columns[4]
  for k = 1, nt do
    out[n + 1] = declarations[k] or ''
    out[n + 2] = inspections[k] or ''
    out[n + 3] = findings[k] or ''
    out[n + 4] = seizures[k] or ''
    n = n + 4
  end
end
if nb > 0 then
  for _, booking in ipairs(split(ARGV[9], nb)) do
    n = n + 1; out[n] = redis.call('HGET', prefix .. 'booking:' .. booking, 'grossMassGrams') or ''
  end
end
return table.concat(out, '\\n')
`;

/**
 * ARGV: prefix, #declarations, #pairs, #traders, then newline-joined (declaration id, state) pairs,
 * (pair key, source) pairs and (trader id, new declarations) pairs. A pair keeps the first source
 * ever written.
 */
export const recordScript = `${helpers}
local prefix = ARGV[1]
local nd, np, nt = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local decls, pairs = prefix .. 'decls', prefix .. 'pairs'
if nd > 0 then callInChunks('HSET', decls, split(ARGV[5], 2 * nd), 1, 2 * nd) end
-- Read, then write what is missing (pairs) or the new totals (traders): names are the odd items.
local function namesOf(items, count)
  local names = {}
  for k = 1, count do names[k] = items[2 * k - 1] end
  return names
end
if np > 0 then
  local items = split(ARGV[6], 2 * np)
  local names = namesOf(items, np)
  local seen = callInChunks('HMGET', pairs, names, 1, np)
  local first, m = {}, 0
  for k = 1, np do
    if not seen[k] then first[m + 1] = names[k]; first[m + 2] = items[2 * k]; m = m + 2 end
  end
  if m > 0 then callInChunks('HSET', pairs, first, 1, m) end
end
if nt > 0 then
  local key = prefix .. 'traders:declarations'
  local items = split(ARGV[7], 2 * nt)
  local names = namesOf(items, nt)
  local counts = callInChunks('HMGET', key, names, 1, nt)
  local totals = {}
  for k = 1, nt do
    totals[2 * k - 1] = names[k]
    totals[2 * k] = (tonumber(counts[k]) or 0) + tonumber(items[2 * k])
  end
  callInChunks('HSET', key, totals, 1, 2 * nt)
end
return 0
`;
