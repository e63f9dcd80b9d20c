// Admission, rejects, lane limits and the operator scripts (dead letters, parking).
// The hot-path scripts (claim, complete) are in lua_dispatch.cpp.
#include "queue/lua_scripts.h"

#include "queue/lua_activity.h"
#include "queue/lua_correction.h"
#include "queue/lua_prelude.h"
#include "queue/lua_settled.h"

namespace fabu::lua {

const RedisScript admit{"admit", std::string(kPrelude) + kSettled + kActivity + kCorrection + kPolicyLinks + R"lua(
local entry, rid, digest, json = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local not_before = num(ARGV[6])
local now = num(ARGV[7])
local rev, link_target = tonumber(ARGV[8]), ARGV[9]
local n, m = tonumber(ARGV[10]), tonumber(ARGV[11])
local doc_number, interprets, link = ARGV[12], ARGV[13], ARGV[14]
local deadline = num(ARGV[#ARGV])  -- Art. 26 deadline (ms), after the deliveries and corrections; 0 = unknown
if now <= 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local rk = REL_KEY .. rid
local due = now
if not_before > due then due = not_before end

-- Replays (a reclaimed intake entry, a resubmission) land here and change nothing but the intake; a
-- newer revision is a correction; anything else is refused with its reason.
if redis.call('EXISTS', rk) == 1 then
  local old = redis.call('HMGET', rk, 'digest', 'serial', 'admitted_ms', 'rev', 'state')
  local old_rev = tonumber(old[4]) or 1
  ack_intake(entry)
  if old[1] == digest then return {'duplicate', str(old[2]), str(old[3])} end
  local why
  if rev < old_rev then
    why = 'revision ' .. rev .. ' is older than revision ' .. old_rev .. ', already admitted: revisions only move forward'
  elseif rev == old_rev and old_rev == 1 then
    why = 'release ' .. rid .. ' was already admitted with different content; give a changed release a new id, ' ..
          'or correct it with revision 2 and a change_note'
  elseif rev == old_rev then
    why = 'revision ' .. rev .. ' of release ' .. rid .. ' was already admitted with different content; ' ..
          'a further correction needs revision ' .. (old_rev + 1)
  elseif old[5] == 'retracted' or old[5] == 'cancelled' then
    why = 'release ' .. rid .. ' was ' .. old[5] .. '; a correction cannot bring it back: submit it under a new id'
  end
  if why then
    push_reject(cjson.encode({
      intake_entry_id = entry, release_id = rid, at_ms = now, payload = json,
      errors = {{path = rev ~= old_rev and 'revision' or 'id', reason = why}}}))
    return {rev < old_rev and 'stale' or 'conflict', str(old[2]), str(old[3])}
  end
  correct_release(rk, rid, old_rev, rev, json, digest, link_target, 15 + n * 4, m, due, now)
  ack_intake(entry)
  wake()
  return {'corrected', str(old[2]), str(old[3])}
end

local serial = redis.call('INCR', k('serial'))
local release_fields = {'json', json, 'digest', digest, 'serial', int(serial), 'admitted_ms', int(now),
                        'total', int(n), 'done', '0', 'rev', int(rev), 'due_ms', int(due), 'link', link}
local act = activity_targets(json)  -- left out when it would not read back (lua_activity.h)
if act then release_fields[#release_fields + 1] = 'act'; release_fields[#release_fields + 1] = act end
redis.call('HSET', rk, unpack(release_fields))
if due > now then redis.call('ZADD', k('scheduled'), int(due), rid) end
-- Until its first delivery goes out (the complete script), the release waits in `deadlines`.
if deadline > 0 then
  redis.call('HSET', rk, 'deadline_ms', int(deadline))
  redis.call('ZADD', k('deadlines'), int(deadline), rid)
end
-- Each delivery's hash is written whole in one HSET; the release's delivery set and the set of lanes
-- take all of the release's members in one SADD each after the loop, and `ready` its lanes in one ZADD
-- (nothing in the loop reads them).
local ids, lanes, ready_at = {}, {}, {}
local now_s, due_s = int(now), int(due)  -- as Redis stores them, formatted once for every delivery
for i = 0, n - 1 do
  local b = 15 + i * 4
  local channel, dest, lane, waits_on = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local id = rid .. '|' .. channel .. '|' .. dest
  -- A release first seen at a later revision is published as that revision (core/delivery_id.h).
  if rev > 1 then
    id = op_id(rid, channel, dest, OP.publish, rev)
    redis.call('HSET', rk, 'cur:' .. channel .. '|' .. dest, id)
  end
  local dk = D_KEY .. id
  ids[#ids + 1], lanes[#lanes + 1] = id, lane
  -- Fields at their default ('' or 0: no attempt, owner, lease, doubt, post or error yet) are left
  -- out: every reader takes an absent field as its default, and each costs the call and the AOF.
  if waits_on ~= '' then
    redis.call('HSET', dk, 'release', rid, 'channel', channel, 'dest', dest, 'lane', lane, 'waits_on', waits_on,
               'updated_ms', now_s, 'state', 'waiting', 'next_at', '0')
  else
    redis.call('HSET', dk, 'release', rid, 'channel', channel, 'dest', dest, 'lane', lane,
               'updated_ms', now_s, 'state', 'queued', 'next_at', due_s)
  end
  if rev > 1 then redis.call('HSET', dk, 'op', OP.publish, 'rev', int(rev)) end
  if waits_on ~= '' then
    redis.call('SADD', WAITERS_KEY .. waits_on, id)
  else
    redis.call('ZADD', LQ_KEY .. lane, due_s, id)
    ready_at[#ready_at + 1] = due_s
    ready_at[#ready_at + 1] = lane
  end
end
sadd_all(rk .. ':d', ids)
sadd_all(k('lanes'), lanes)
ready_lower_all(ready_at)
link_policy(rk, rid, ids, link_target, doc_number, interprets, now)
-- A release the screen held and that is now admitted (by an override, or changed so nothing holds)
-- keeps its held record for the audit trail, marked released, in the same step.
local hk = k('held:' .. rid)
if redis.call('EXISTS', hk) == 1 then
  redis.call('HSET', hk, 'state', 'released', 'released_ms', int(now))
  redis.call('ZREM', k('held'), rid)
end
ack_intake(entry)
wake()
return {'admitted', int(serial), int(now)}
)lua"};

const RedisScript reject{"reject", std::string(kPrelude) + R"lua(
push_reject(ARGV[3])
ack_intake(ARGV[2])
return 1
)lua"};

const RedisScript set_lanes{"set_lanes", std::string(kPrelude) + R"lua(
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  local b = 3 + i * 6
  local lane = ARGV[b]
  redis.call('HSET', LANE_KEY .. lane, 'max_in_flight', ARGV[b + 1], 'per_hour', ARGV[b + 2],
             'min_gap_ms', ARGV[b + 3], 'group', ARGV[b + 4], 'group_per_hour', ARGV[b + 5])
  redis.call('SADD', k('lanes'), lane)
  -- A raised limit may free a lane that claim took out of `ready` when it was full. Scored at its
  -- head's due time (no clock needed here: an early score only makes claim look at the lane).
  reschedule(lane, 0)
end
return n
)lua"};

// A dependant that died only because this delivery died comes back to wait for it again.
const RedisScript retry_dead{"retry_dead", std::string(kPrelude) + kSettled + R"lua(
local id, now = ARGV[2], tonumber(ARGV[3])

local function revive(did, state)
  local dk = D_KEY .. did
  local d = redis.call('HMGET', dk, 'lane', 'release', 'error')
  -- Its release comes alive again: its packed deliveries get their hashes back first (lua_settled.h).
  unpack_release(str(d[2]))
  redis.call('HSET', dk, 'state', state, 'attempt', '0', 'note', 'retried after: ' .. str(d[3]),
             'error', '', 'error_kind', '', 'owner', '', 'updated_ms', int(now),
             'next_at', state == 'queued' and int(now) or '0')
  redis.call('ZREM', k('dead'), did)
  redis.call('HINCRBY', REL_KEY .. d[2], 'done', -1)
  if state == 'queued' then
    redis.call('ZADD', LQ_KEY .. d[1], int(now), did)
    reschedule(d[1], now)
  end
end

local function revive_dependants(did)
  for _, w in ipairs(redis.call('SMEMBERS', WAITERS_KEY .. did)) do
    local wd = redis.call('HMGET', D_KEY .. w, 'state', 'dropped', 'error')
    local cause = 'waited on ' .. did .. ','
    if wd[1] == 'dead' and wd[2] ~= '1' and string.sub(str(wd[3]), 1, #cause) == cause then
      revive(w, 'waiting')
      revive_dependants(w)
    end
  end
end

local dk = D_KEY .. id
local d = redis.call('HMGET', dk, 'state', 'dropped', 'waits_on', 'release', 'op')
if d[1] ~= 'dead' or d[2] == '1' then return 0 end
-- A retracted release is not sent again; only its retractions may be retried.
local closed = redis.call('HGET', REL_KEY .. str(d[4]), 'state')
if (closed == 'retracted' or closed == 'cancelled') and d[5] ~= OP.retract then return 0 end
local state = 'queued'
if d[3] and d[3] ~= '' then
  local upstream = delivery_get(d[3], 'state')[1]
  -- Its upstream must be retried first; requeueing this one alone would send it without the link.
  if upstream == 'dead' then return 0 end
  if upstream ~= 'delivered' then
    state = 'waiting'
    redis.call('SADD', WAITERS_KEY .. d[3], id)
  end
end
revive(id, state)
revive_dependants(id)
wake()
return 1
)lua"};

const RedisScript drop_dead{"drop_dead", std::string(kPrelude) + R"lua(
local id = ARGV[2]
if redis.call('HGET', D_KEY .. id, 'state') ~= 'dead' then return 0 end
if redis.call('ZREM', k('dead'), id) == 0 then return 0 end
redis.call('HSET', D_KEY .. id, 'dropped', '1')
return 1
)lua"};

const RedisScript unpark_lane{"unpark_lane", std::string(kPrelude) + R"lua(
local lane, now = ARGV[2], tonumber(ARGV[3])
local lq = LQ_KEY .. lane
redis.call('HDEL', LANE_KEY .. lane, 'parked')
local held = 0
for _, id in ipairs(redis.call('ZRANGE', lq, 0, -1)) do
  local dk = D_KEY .. id
  if redis.call('HGET', dk, 'state') == 'needs_auth' then
    redis.call('HSET', dk, 'state', 'queued', 'next_at', int(now), 'updated_ms', int(now))
    redis.call('ZADD', lq, int(now), id)
    held = held + 1
  end
end
reschedule(lane, now)
wake()
return held
)lua"};

}  // namespace fabu::lua
