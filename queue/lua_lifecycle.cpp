// The operator's lifecycle scripts: retract a release, cancel or move a scheduled one.
#include "queue/lua_scripts.h"

#include "queue/lua_prelude.h"
#include "queue/lua_settled.h"

namespace fabu::lua {

// Every delivery of the release that is not itself a retraction:
// - delivered: a retraction of it is queued now (it knows the post id / URL to take back);
// - being sent: a retraction waits for it (the complete script queues it, in doubt, or cancels it);
// - not sent yet: cancelled; if an earlier attempt may have gone out (in doubt), a retraction in doubt
//   is queued, and the adapter looks on the platform before it acts.
const RedisScript retract{"retract", std::string(kPrelude) + kSettled + R"lua(
local rid, reason, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
local rk = REL_KEY .. rid
if redis.call('EXISTS', rk) == 0 then return {'unknown', 0, 0, 0} end
if redis.call('HGET', rk, 'state') == 'retracted' then return {'already', 0, 0, 0} end
unpack_release(rid)
redis.call('HSET', rk, 'state', 'retracted', 'retracted_ms', int(now), 'retract_reason', reason)
redis.call('ZREM', k('scheduled'), rid)
redis.call('ZREM', k('deadlines'), rid)
local cancelled, queued, waiting = 0, 0, 0
local ids, lanes = {}, {}
for _, id in ipairs(redis.call('SMEMBERS', rk .. ':d')) do
  local d = redis.call('HMGET', D_KEY .. id, 'state', 'in_doubt', 'op', 'rev', 'channel', 'dest', 'lane')
  if d[3] ~= OP.retract and d[1] ~= STATE.cancelled and d[1] ~= STATE.retracted then
    local make, doubt, sending = d[1] == STATE.delivered, false, d[1] == STATE.sending
    if sending then
      make = true
    elseif not make then
      doubt = d[2] == '1'
      make = doubt
      cancel_delivery(id, 'cancelled: release retracted before it was sent', now)
      cancelled = cancelled + 1
    end
    if make then
      local rid2 = op_id(rid, d[5], d[6], OP.retract, d[4] or '1')
      local deps = {}
      if sending then deps[1] = id end
      put_delivery(rid2, {release = rid, channel = d[5], dest = d[6], lane = d[7], op = OP.retract,
                          rev = d[4] or '1', prev = id, waits_on = sending and id or '',
                          in_doubt = doubt and '1' or '0'}, deps, now, now)
      if sending then waiting = waiting + 1 else queued = queued + 1 end
      ids[#ids + 1], lanes[#lanes + 1] = rid2, d[7]
    end
  end
end
sadd_all(rk .. ':d', ids)
redis.call('HINCRBY', rk, 'total', #ids)
settle_check(rid, now)
wake()
return {'retracting', cancelled, queued, waiting}
)lua"};

// ARGV: base, release id, action ("cancel" | "reschedule"), new due ms, now. A schedule can change only
// while nothing of the release has been sent: once a delivery started, retract instead.
const RedisScript change_schedule{"change_schedule", std::string(kPrelude) + kSettled + R"lua(
local rid, action, new_due, now = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local rk = REL_KEY .. rid
if redis.call('EXISTS', rk) == 0 then return {'unknown', ''} end
local state = redis.call('HGET', rk, 'state')
if state == 'retracted' or state == 'cancelled' then return {'closed', state} end
local ids = delivery_ids(rid)
local rows = {}
for _, id in ipairs(ids) do
  local d = delivery_get(id, 'state', 'attempt', 'in_doubt', 'lane')
  if (d[1] ~= STATE.queued and d[1] ~= STATE.waiting and d[1] ~= STATE.cancelled) or num(d[2]) > 0 or d[3] == '1' then
    return {'started', id}
  end
  rows[#rows + 1] = {id, d[1], d[4]}
end
if action == 'cancel' then
  for _, r in ipairs(rows) do
    if r[2] ~= STATE.cancelled then cancel_delivery(r[1], 'cancelled: its schedule was cancelled', now) end
  end
  redis.call('HSET', rk, 'state', 'cancelled', 'cancelled_ms', int(now))
  redis.call('ZREM', k('scheduled'), rid)
  redis.call('ZREM', k('deadlines'), rid)
  settle_check(rid, now)
  return {'cancelled', int(#rows)}
end
for _, r in ipairs(rows) do
  if r[2] == STATE.queued then
    redis.call('ZADD', LQ_KEY .. r[3], int(new_due), r[1])
    redis.call('HSET', D_KEY .. r[1], 'next_at', int(new_due), 'updated_ms', int(now))
    ready_lower(r[3], new_due)
  end
end
redis.call('HSET', rk, 'due_ms', int(new_due), 'rescheduled_ms', int(now))
if new_due > now then
  redis.call('ZADD', k('scheduled'), int(new_due), rid)
else
  redis.call('ZREM', k('scheduled'), rid)
end
wake()
return {'rescheduled', int(#rows)}
)lua"};

// ARGV: base, cutoff ms, limit. Releases in `settled` before the cutoff whose deliveries are all still
// settled go with every record of theirs; one that came alive again (a retraction, a correction)
// leaves `settled` until it settles anew. Then it enters in `packing` the releases that settled before
// compaction existed (lua_settled.h), 5 x limit per call, walking `settled` onwards from the mark
// `settled_packed_to`; pack_settled packs them.
const RedisScript expire_settled{"expire_settled", std::string(kPrelude) + kSettled + R"lua(
local cutoff, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
local settled = {[STATE.delivered] = true, [STATE.dead] = true, [STATE.retracted] = true, [STATE.cancelled] = true}
local removed = 0
for _, rid in ipairs(redis.call('ZRANGEBYSCORE', k('settled'), '-inf', int(cutoff), 'LIMIT', 0, limit)) do
  local rk = REL_KEY .. rid
  local ids = delivery_ids(rid)
  local live = false
  for _, id in ipairs(ids) do
    if not settled[delivery_get(id, 'state')[1] or STATE.delivered] then live = true break end
  end
  redis.call('ZREM', k('settled'), rid)
  if not live then
    for _, id in ipairs(ids) do
      redis.call('DEL', D_KEY .. id, WAITERS_KEY .. id)
      redis.call('ZREM', k('dead'), id)
    end
    redis.call('DEL', rk, rk .. ':d', rk .. ':reach', packed_key(rid))
    redis.call('ZREM', k('scheduled'), rid)
    redis.call('ZREM', k('deadlines'), rid)
    redis.call('ZREM', k('packing'), rid)
    removed = removed + 1
  end
end
local mark = redis.call('GET', k('settled_packed_to')) or '-inf'
local batch = redis.call('ZRANGEBYSCORE', k('settled'), mark, '+inf', 'WITHSCORES', 'LIMIT', 0, limit * 5)
for i = 1, #batch, 2 do
  if redis.call('EXISTS', REL_KEY .. batch[i] .. ':d') == 1 then redis.call('ZADD', k('packing'), 'NX', 0, batch[i]) end
end
if #batch > 0 then
  local last = batch[#batch]
  -- A mark that did not move (one millisecond with more releases than a batch) moves on by one.
  if last == mark then last = int(tonumber(last) + 1) end
  redis.call('SET', k('settled_packed_to'), last)
end
return removed
)lua"};

// ARGV: base. Packs one chunk of the first release in `packing` (lua_settled.h). Returns {deliveries
// packed, releases left in `packing`}.
const RedisScript pack_settled{"pack_settled", std::string(kPrelude) + kSettled + R"lua(
local first = redis.call('ZRANGE', k('packing'), 0, 0)
local packed = 0
if #first > 0 then packed = compact_release(first[1]) end
return {packed, redis.call('ZCARD', k('packing'))}
)lua"};

}  // namespace fabu::lua
