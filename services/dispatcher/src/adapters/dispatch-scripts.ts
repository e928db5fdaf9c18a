// The dispatcher's Redis scripts. Each input record is applied by exactly one script call, which
// is atomic: it checks the record's idempotency marker (`applied:<topic:partition:offset>`),
// changes lane occupancy, and stores its decision under the marker, all or nothing. A record
// replayed after a failed Kafka transaction or a kill -9 gets its stored decision back and the
// handler re-emits the same events; a second copy of an assessment or result published under a
// new offset is caught by `seen:a:<assessmentId>` / `seen:r:<resultId>`.
//
// Keys (P = REDIS_KEY_PREFIX + 'dsp:'); keys are built inside the scripts, so this assumes a
// single Redis (or one hash slot), not Redis Cluster:
//   P applied:<source>        string  stored decision JSON (expires)
//   P seen:a:<assessmentId>   string  source that first applied the assessment
//   P seen:r:<resultId>       string  source that first applied the result
//   P decl:<declarationId>    hash    amendment, a (latest assessment id)
//   P t:<assessmentId>        hash    state HELD|QUEUED|INSERVICE|DONE|CANCELLED, port, lane, asg, svc
//                                     (seconds), pri, n (placements), holds, info (TruckInfo JSON)
//   P asg:<assignmentId>      hash    a, port, lane, state ACTIVE|DONE|MOVED|CANCELLED, result
//   P lane:<port>:<lane>      hash    open, count, load, ins, insLoad, pri, priLoad (loads in seconds)
//   P lw:<port>:<lane>        zset    waiting trucks; priority trucks score below the rest
//   P li:<port>:<lane>        set     trucks in service
//   P held:<port>             zset    trucks held for want of an open capable lane
//   P seq                     counter ordering
//   P bk:due                  zset    bookings by no-show deadline
//   P bkdecl:<declarationId>  string  booking id
//   P rulestats               hash    <rule>|inspected, <rule>|findings, <rule>|seizures
//   <prefix>traders:inspections, <prefix>traders:findings, <prefix>traders:seizures
//                             hashes  trader id → count (read by the categoriser, which keeps
//                                     traders:declarations beside them)
//   <prefix>booking:<id>      hash    grossMassGrams (read by the categoriser), plate, port, slot...

const common = `
local P = ARGV[1]
local function num(v) return tonumber(v) or 0 end
local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end
local function lanekey(port, lane) return P .. 'lane:' .. port .. ':' .. lane end
local function waitkey(port, lane) return P .. 'lw:' .. port .. ':' .. lane end
local function inskey(port, lane) return P .. 'li:' .. port .. ':' .. lane end
local function asSet(json)
  local s = {}
  for _, v in ipairs(cjson.decode(json)) do s[v] = true end
  return s
end

local function laneLoad(port, c)
  local h = redis.call('HMGET', lanekey(port, c.lane), 'open', 'count', 'load', 'ins', 'insLoad', 'pri', 'priLoad')
  local open
  if h[1] then open = (h[1] == '1') else open = c.open0 end
  return { open = open, count = num(h[2]), load = num(h[3]), ins = num(h[4]), insLoad = num(h[5]),
           pri = num(h[6]), priLoad = num(h[7]) }
end

-- The least expected wait among open, in-hours capable lanes (mirrors domain/lanes.ts chooseLane).
local function choose(info, port, inHours, maxPri)
  local best = nil
  local considered = 0
  local wantPri = info.booking.priority
  for _, c in ipairs(info.candidates) do
    if inHours[c.lane] then
      local l = laneLoad(port, c)
      if l.open then
        considered = considered + 1
        local pri = wantPri and l.pri < maxPri
        local ahead, wait
        if pri then
          ahead = l.ins + l.pri
          wait = (l.insLoad + l.priLoad) / 60 / c.cap
        else
          ahead = l.count
          wait = l.load / 60 / c.cap
        end
        if best == nil or wait < best.wait or (wait == best.wait and c.svc < best.c.svc) then
          best = { c = c, l = l, ahead = ahead, wait = wait, pri = pri }
        end
      end
    end
  end
  if best then
    best.considered = considered
    best.priLimited = wantPri and not best.pri
  end
  return best
end

local function enqueue(aid, infoJson, port, best, from, fromAsg)
  local c, l = best.c, best.l
  local lk = lanekey(port, c.lane)
  local tk = P .. 't:' .. aid
  local n = redis.call('HINCRBY', tk, 'n', 1)
  local asg = aid .. '/' .. n
  local svc = math.floor(c.svc * 60 + 0.5)
  local state
  if l.ins < c.cap then
    redis.call('SADD', inskey(port, c.lane), aid)
    redis.call('HINCRBY', lk, 'ins', 1)
    redis.call('HINCRBY', lk, 'insLoad', svc)
    state = 'INSERVICE'
  else
    local seq = redis.call('INCR', P .. 'seq')
    local score = seq
    if not best.pri then score = 10000000000000 + seq end
    redis.call('ZADD', waitkey(port, c.lane), score, aid)
    if best.pri then
      redis.call('HINCRBY', lk, 'pri', 1)
      redis.call('HINCRBY', lk, 'priLoad', svc)
    end
    state = 'QUEUED'
  end
  redis.call('HINCRBY', lk, 'count', 1)
  redis.call('HINCRBY', lk, 'load', svc)
  local pri = '0'
  if best.pri then pri = '1' end
  redis.call('HSET', tk, 'state', state, 'port', port, 'lane', c.lane, 'asg', asg, 'svc', svc, 'pri', pri)
  redis.call('HSET', P .. 'asg:' .. asg, 'a', aid, 'port', port, 'lane', c.lane, 'state', 'ACTIVE')
  return { info = infoJson, from = from, fromAsg = fromAsg, to = c.lane, asg = asg, ahead = best.ahead,
           wait = best.wait, cap = c.cap, considered = best.considered, hold = 0, priLimited = best.priLimited }
end

local function hold(aid, infoJson, port, from, fromAsg)
  local tk = P .. 't:' .. aid
  local holds = redis.call('HINCRBY', tk, 'holds', 1)
  local seq = redis.call('INCR', P .. 'seq')
  redis.call('ZADD', P .. 'held:' .. port, seq, aid)
  redis.call('HSET', tk, 'state', 'HELD', 'port', port, 'lane', '', 'asg', '')
  return { info = infoJson, from = from, fromAsg = fromAsg, to = cjson.null, asg = cjson.null, ahead = 0,
           wait = 0, cap = 0, considered = 0, hold = holds, priLimited = false }
end

-- Takes a truck off its lane; a freed place in service goes to the head of the waiting queue.
local function unlane(aid, t)
  local port, lane = t.port, t.lane
  local lk = lanekey(port, lane)
  local svc = num(t.svc)
  if redis.call('SREM', inskey(port, lane), aid) == 1 then
    redis.call('HINCRBY', lk, 'ins', -1)
    redis.call('HINCRBY', lk, 'insLoad', -svc)
    local head = redis.call('ZRANGE', waitkey(port, lane), 0, 0)[1]
    if head then
      local hk = P .. 't:' .. head
      local h = redis.call('HMGET', hk, 'svc', 'pri')
      redis.call('ZREM', waitkey(port, lane), head)
      redis.call('SADD', inskey(port, lane), head)
      redis.call('HINCRBY', lk, 'ins', 1)
      redis.call('HINCRBY', lk, 'insLoad', num(h[1]))
      if h[2] == '1' then
        redis.call('HINCRBY', lk, 'pri', -1)
        redis.call('HINCRBY', lk, 'priLoad', -num(h[1]))
      end
      redis.call('HSET', hk, 'state', 'INSERVICE')
    end
  elseif redis.call('ZREM', waitkey(port, lane), aid) == 1 then
    if t.pri == '1' then
      redis.call('HINCRBY', lk, 'pri', -1)
      redis.call('HINCRBY', lk, 'priLoad', -svc)
    end
  end
  redis.call('HINCRBY', lk, 'count', -1)
  redis.call('HINCRBY', lk, 'load', -svc)
end

local src, now, ttl = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local appliedKey = P .. 'applied:' .. src
local function finish(d)
  local s = cjson.encode(d)
  redis.call('SET', appliedKey, s, 'EX', ttl)
  return s
end
local previous = redis.call('GET', appliedKey)
if previous then return previous end
`;

/**
 * Dispatch one assessment. ARGV: P, source, now, ttl, assessmentId, declarationId, amendment,
 * TruckInfo JSON, in-hours lane ids JSON, priority quota, release ('1'/'0'), bookingId or ''.
 */
export const dispatchScript = `${common}
local aid, declId, amendment = ARGV[5], ARGV[6], tonumber(ARGV[7])
local infoJson = ARGV[8]
local seenKey = P .. 'seen:a:' .. aid
local seen = redis.call('GET', seenKey)
if seen then return finish({ k = 'dup', of = seen }) end
redis.call('SET', seenKey, src, 'EX', ttl)

local dk = P .. 'decl:' .. declId
local d = redis.call('HMGET', dk, 'amendment', 'a')
if d[1] and tonumber(d[1]) > amendment then
  return finish({ k = 'stale', latest = tonumber(d[1]), now = now })
end
local sup = cjson.null
if d[2] and d[2] ~= aid then
  local pk = P .. 't:' .. d[2]
  local pt = hgetall(pk)
  if pt.state == 'HELD' or pt.state == 'QUEUED' or pt.state == 'INSERVICE' then
    local lane, asg = cjson.null, cjson.null
    if pt.state == 'HELD' then
      redis.call('ZREM', P .. 'held:' .. pt.port, d[2])
    else
      unlane(d[2], pt)
      lane, asg = pt.lane, pt.asg
      redis.call('HSET', P .. 'asg:' .. pt.asg, 'state', 'CANCELLED')
      redis.call('EXPIRE', P .. 'asg:' .. pt.asg, ttl)
    end
    redis.call('HSET', pk, 'state', 'CANCELLED')
    redis.call('EXPIRE', pk, ttl)
    sup = { info = pt.info, lane = lane, asg = asg }
  end
end
redis.call('HSET', dk, 'amendment', amendment, 'a', aid)
redis.call('EXPIRE', dk, ttl)
if ARGV[12] ~= '' then redis.call('ZREM', P .. 'bk:due', ARGV[12]) end
if ARGV[11] == '1' then return finish({ k = 'release', now = now, sup = sup }) end

local info = cjson.decode(infoJson)
redis.call('HSET', P .. 't:' .. aid, 'info', infoJson)
local best = choose(info, info.port, asSet(ARGV[9]), tonumber(ARGV[10]))
local move
if best then move = enqueue(aid, infoJson, info.port, best, cjson.null, cjson.null)
else move = hold(aid, infoJson, info.port, cjson.null, cjson.null) end
return finish({ k = 'place', now = now, sup = sup, move = move })
`;

/**
 * Apply one inspection result. ARGV: P, source, now, ttl, resultId, assignmentId, laneId, port,
 * found ('1'/'0'), seizure ('1'/'0'), trader key prefix. The traders credited with the result are
 * the ones the truck's assessment carried (TruckInfo.traders).
 */
export const completeScript = `${common}
local rid, asgId, laneId, port = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local found, seizure = num(ARGV[9]), num(ARGV[10])
local function reject(code, reason) return finish({ k = 'reject', code = code, reason = reason }) end
local seen = redis.call('GET', P .. 'seen:r:' .. rid)
if seen then return reject('DUPLICATE', 'result ' .. rid .. ' was already applied (from ' .. seen .. ')') end
local ak = P .. 'asg:' .. asgId
local a = hgetall(ak)
if not a.a then return reject('REJECTED', 'unknown assignment ' .. asgId) end
if a.lane ~= laneId or a.port ~= port then
  return reject('REJECTED', 'assignment ' .. asgId .. ' is for lane ' .. a.port .. '/' .. a.lane ..
    ', not ' .. port .. '/' .. laneId)
end
if a.state == 'DONE' then
  return reject('DUPLICATE', 'assignment ' .. asgId .. ' already has a result (' .. (a.result or '?') .. ')')
end
if a.state ~= 'ACTIVE' then
  return reject('REJECTED', 'assignment ' .. asgId .. ' is no longer active (' .. a.state .. ')')
end

local tk = P .. 't:' .. a.a
local t = hgetall(tk)
unlane(a.a, t)
redis.call('HSET', tk, 'state', 'DONE')
redis.call('EXPIRE', tk, ttl)
redis.call('HSET', ak, 'state', 'DONE', 'result', rid)
redis.call('EXPIRE', ak, ttl)
redis.call('SET', P .. 'seen:r:' .. rid, src, 'EX', ttl)

local info = cjson.decode(t.info)
-- Trucks stored before TruckInfo carried traders have none to credit.
local traders = ARGV[11] .. 'traders:'
for _, id in ipairs(info.traders or {}) do
  redis.call('HINCRBY', traders .. 'inspections', id, 1)
  if found == 1 then redis.call('HINCRBY', traders .. 'findings', id, 1) end
  if seizure == 1 then redis.call('HINCRBY', traders .. 'seizures', id, 1) end
end
for _, rule in ipairs(info.rules) do
  redis.call('HINCRBY', P .. 'rulestats', rule .. '|inspected', 1)
  if found == 1 then redis.call('HINCRBY', P .. 'rulestats', rule .. '|findings', 1) end
  if seizure == 1 then redis.call('HINCRBY', P .. 'rulestats', rule .. '|seizures', 1) end
end
return finish({ k = 'done', now = now, info = t.info, lane = a.lane, asg = asgId })
`;

/**
 * A lane opened or closed. ARGV: P, source, now, ttl, port, laneId, 'OPEN'|'CLOSED', in-hours lane
 * ids JSON, priority quota. Closing moves the lane's waiting trucks (trucks in service finish
 * there); opening places held trucks that can now go somewhere.
 */
export const laneStatusScript = `${common}
local port, lane, status = ARGV[5], ARGV[6], ARGV[7]
local inHours = asSet(ARGV[8])
local maxPri = tonumber(ARGV[9])
local lk = lanekey(port, lane)
local moves = {}
if status == 'CLOSED' then
  redis.call('HSET', lk, 'open', '0')
  for _, aid in ipairs(redis.call('ZRANGE', waitkey(port, lane), 0, -1)) do
    local t = hgetall(P .. 't:' .. aid)
    unlane(aid, t)
    redis.call('HSET', P .. 'asg:' .. t.asg, 'state', 'MOVED')
    redis.call('EXPIRE', P .. 'asg:' .. t.asg, ttl)
    local best = choose(cjson.decode(t.info), port, inHours, maxPri)
    if best then moves[#moves + 1] = enqueue(aid, t.info, port, best, lane, t.asg)
    else moves[#moves + 1] = hold(aid, t.info, port, lane, t.asg) end
  end
else
  redis.call('HSET', lk, 'open', '1')
  for _, aid in ipairs(redis.call('ZRANGE', P .. 'held:' .. port, 0, -1)) do
    local tk = P .. 't:' .. aid
    local infoJson = redis.call('HGET', tk, 'info')
    local best = choose(cjson.decode(infoJson), port, inHours, maxPri)
    if best then
      redis.call('ZREM', P .. 'held:' .. port, aid)
      moves[#moves + 1] = enqueue(aid, infoJson, port, best, cjson.null, cjson.null)
    end
  end
end
return finish({ k = 'lane', now = now, status = status, moves = moves })
`;

/**
 * Record a booking. ARGV: P, trader/booking key prefix, bookingId, port, plate, slot start, slot
 * end, declarationId or '', status, booked gross mass or '', no-show deadline, ttl.
 */
export const bookingScript = `
local P, TP, bid = ARGV[1], ARGV[2], ARGV[3]
local declId, status = ARGV[8], ARGV[9]
local bk = TP .. 'booking:' .. bid
redis.call('HSET', bk, 'port', ARGV[4], 'plate', ARGV[5], 'slotStart', ARGV[6], 'slotEnd', ARGV[7],
  'declarationId', declId, 'status', status)
if ARGV[10] ~= '' then redis.call('HSET', bk, 'grossMassGrams', ARGV[10]) else redis.call('HDEL', bk, 'grossMassGrams') end
redis.call('EXPIRE', bk, tonumber(ARGV[12]))
if declId ~= '' then redis.call('SET', P .. 'bkdecl:' .. declId, bid, 'EX', tonumber(ARGV[12])) end
local arrived = declId ~= '' and redis.call('EXISTS', P .. 'decl:' .. declId) == 1
if status == 'CANCELLED' or status == 'ARRIVED' or arrived then
  redis.call('ZREM', P .. 'bk:due', bid)
else
  redis.call('ZADD', P .. 'bk:due', tonumber(ARGV[11]), bid)
end
return 1
`;

/**
 * The bookings of a batch of declaration amendments, in one round trip. ARGV: P, trader/booking key
 * prefix, then per amendment its declarationId and the bookingId it names or ''. An amendment that
 * names none gets the booking the booking system linked to its declaration (`bkdecl`). Per amendment,
 * in order: { bookingId, plate, slotStart, slotEnd, status }, or nil when there is no such booking.
 */
export const bookingsScript = `
local P, TP = ARGV[1], ARGV[2]
local out = {}
for i = 3, #ARGV, 2 do
  local bid = ARGV[i + 1]
  if bid == '' then bid = redis.call('GET', P .. 'bkdecl:' .. ARGV[i]) end
  local found = false
  if bid then
    local h = redis.call('HMGET', TP .. 'booking:' .. bid, 'plate', 'slotStart', 'slotEnd', 'status')
    if h[2] then found = { bid, h[1] or '', h[2], h[3] or '', h[4] or '' } end
  end
  out[#out + 1] = found
end
return out
`;

/** Bookings past their no-show deadline, taken off the watch list. ARGV: P, trader prefix, now, limit. */
export const noShowScript = `
local P, TP = ARGV[1], ARGV[2]
local due = redis.call('ZRANGEBYSCORE', P .. 'bk:due', '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for _, bid in ipairs(due) do
  redis.call('ZREM', P .. 'bk:due', bid)
  local bk = TP .. 'booking:' .. bid
  redis.call('HSET', bk, 'status', 'NO_SHOW')
  local h = redis.call('HMGET', bk, 'port', 'plate', 'slotStart', 'slotEnd')
  out[#out + 1] = cjson.encode({ bookingId = bid, port = h[1] or '', plate = h[2] or '',
    slotStart = tonumber(h[3]) or 0, slotEnd = tonumber(h[4]) or 0 })
end
return out
`;
