// The trader-history lookup and update as one Lua script each, so a batch costs Redis one command
// per direction instead of one per trader, pair and booking. Allocation profiling put ioredis's
// per-command objects at a fifth of everything the categoriser allocated (about 3.5 commands per
// declaration); a script call is one command whatever the batch size, and Redis runs the reads or
// writes in one go. Keys are built from the prefix inside the scripts, as the key layout in
// trader-history.ts describes. Redis turns Lua `false` (a missing key or field) into a nil reply.
// Inside a script, each redis.call costs about as much again as the lookup it makes, so every step
// is one call for the whole slice: one HMGET per hash, and read-then-write where Redis has no
// multi-field command (HSETNX, HINCRBY), which is safe because a script runs alone. With one hash
// per trader (an HMGET per trader, an HINCRBY per trader, an HSETNX per pair), `bench:categoriser`
// cost Redis 19–20 µs of CPU per declaration; this way 13 µs, and the categoriser, which waits on
// these calls, went from 17.7–17.9k to 20.1–20.7k declarations/s.

// Lua's unpack is bounded (about 8,000 values), and a slice can name up to three traders per
// declaration: so every multi-field call of both scripts takes at most CALL_VALUES values at a
// time (none when the list is empty).
const chunkedCalls = `
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
`;

/**
 * ARGV: prefix, #declarations, #pairs, #traders, #bookings, then the declaration ids, pair keys,
 * trader ids and booking ids. Returns, flat and in that order: each declaration's recorded state,
 * each pair's first source, each trader's declarations/inspections/findings/seizures, and each
 * booking's gross mass.
 */
export const lookupScript = `${chunkedCalls}
local prefix = ARGV[1]
local nd, np, nt, nb = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local out, n, i = {}, 0, 6
local decls, pairs = prefix .. 'decls', prefix .. 'pairs'
-- One HMGET for all declarations and one for all pairs, not one HGET each: each call from Lua
-- costs about as much again as the lookup it makes.
for _, hash in ipairs({ { decls, nd }, { pairs, np } }) do
  local got = callInChunks('HMGET', hash[1], ARGV, i, i + hash[2] - 1)
  for k = 1, hash[2] do out[n + k] = got[k] end
  n = n + hash[2]; i = i + hash[2]
end
if nt > 0 then
  local columns = {}
  for c, name in ipairs({ 'declarations', 'inspections', 'findings', 'seizures' }) do
    columns[c] = callInChunks('HMGET', prefix .. 'traders:' .. name, ARGV, i, i + nt - 1)
  end
  local declarations, inspections, findings, seizures = columns[1], columns[2], columns[3], columns[4]
  for k = 1, nt do
    out[n + 1], out[n + 2], out[n + 3], out[n + 4] = declarations[k], inspections[k], findings[k], seizures[k]
    n = n + 4
  end
  i = i + nt
end
for _ = 1, nb do
  n = n + 1; out[n] = redis.call('HGET', prefix .. 'booking:' .. ARGV[i], 'grossMassGrams'); i = i + 1
end
return out
`;

/**
 * ARGV: prefix, #declarations, #pairs, #traders, then (declaration id, state) pairs, (pair key,
 * source) pairs and (trader id, new declarations) pairs. A pair keeps the first source ever written.
 */
export const recordScript = `${chunkedCalls}
local prefix = ARGV[1]
local nd, np, nt = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local i = 5
local decls, pairs = prefix .. 'decls', prefix .. 'pairs'
callInChunks('HSET', decls, ARGV, i, i + 2 * nd - 1); i = i + 2 * nd
-- Read, then write what is missing (pairs) or the new totals (traders): the arguments' names are
-- every other value from i.
local function namesFrom(at, count)
  local names = {}
  for k = 1, count do names[k] = ARGV[at + 2 * (k - 1)] end
  return names
end
if np > 0 then
  local names = namesFrom(i, np)
  local seen = callInChunks('HMGET', pairs, names, 1, np)
  local first, m = {}, 0
  for k = 1, np do
    if not seen[k] then first[m + 1] = names[k]; first[m + 2] = ARGV[i + 2 * k - 1]; m = m + 2 end
  end
  if m > 0 then callInChunks('HSET', pairs, first, 1, m) end
  i = i + 2 * np
end
if nt > 0 then
  local key = prefix .. 'traders:declarations'
  local names = namesFrom(i, nt)
  local counts = callInChunks('HMGET', key, names, 1, nt)
  local totals = {}
  for k = 1, nt do
    totals[2 * k - 1] = names[k]
    totals[2 * k] = (tonumber(counts[k]) or 0) + tonumber(ARGV[i + 2 * k - 1])
  end
  callInChunks('HSET', key, totals, 1, 2 * nt)
end
return 0
`;
