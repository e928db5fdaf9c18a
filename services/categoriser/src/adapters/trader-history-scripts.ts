// The trader-history lookup and update as one Lua script each, so a batch costs Redis one command
// per direction instead of one per trader, pair and booking. Allocation profiling put ioredis's
// per-command objects at a fifth of everything the categoriser allocated (about 3.5 commands per
// declaration); a script call is one command whatever the batch size, and Redis runs the reads or
// writes in one go. Keys are built from the prefix inside the scripts, as the key layout in
// trader-history.ts describes. Redis turns Lua `false` (a missing key or field) into a nil reply.

/**
 * ARGV: prefix, #declarations, #pairs, #traders, #bookings, then the declaration ids, pair keys,
 * trader ids and booking ids. Returns, flat and in that order: each declaration's recorded state,
 * each pair's first source, each trader's declarations/inspections/findings/seizures, and each
 * booking's gross mass.
 */
export const lookupScript = `
local prefix = ARGV[1]
local nd, np, nt, nb = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local out, n, i = {}, 0, 6
local decls, pairs = prefix .. 'decls', prefix .. 'pairs'
-- One HMGET for all declarations and one for all pairs, not one HGET each: each call from Lua
-- costs about as much again as the lookup it makes.
for _, hash in ipairs({ { decls, nd }, { pairs, np } }) do
  if hash[2] > 0 then
    local got = redis.call('HMGET', hash[1], unpack(ARGV, i, i + hash[2] - 1))
    for k = 1, hash[2] do out[n + k] = got[k] end
    n = n + hash[2]; i = i + hash[2]
  end
end
for _ = 1, nt do
  local s = redis.call('HMGET', prefix .. 'trader:' .. ARGV[i], 'declarations', 'inspections', 'findings', 'seizures')
  out[n + 1], out[n + 2], out[n + 3], out[n + 4] = s[1], s[2], s[3], s[4]
  n = n + 4; i = i + 1
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
export const recordScript = `
local prefix = ARGV[1]
local nd, np, nt = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local i = 5
local decls, pairs = prefix .. 'decls', prefix .. 'pairs'
if nd > 0 then
  redis.call('HSET', decls, unpack(ARGV, i, i + 2 * nd - 1)); i = i + 2 * nd
end
for _ = 1, np do
  redis.call('HSETNX', pairs, ARGV[i], ARGV[i + 1]); i = i + 2
end
for _ = 1, nt do
  redis.call('HINCRBY', prefix .. 'trader:' .. ARGV[i], 'declarations', ARGV[i + 1]); i = i + 2
end
return 0
`;
