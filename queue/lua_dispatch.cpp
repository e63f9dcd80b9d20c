// The hot-path scripts: claim (due deliveries -> sending) and complete (sending -> a result).
#include "queue/lua_scripts.h"

#include "queue/lua_activity.h"
#include "queue/lua_prelude.h"
#include "queue/lua_reach.h"
#include "queue/lua_settled.h"

namespace fabu::lua {

const RedisScript claim{"claim", std::string(kPrelude) + kSettled + R"lua(
local owner, max, now = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local lease, reap_limit, reclaim_delay = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]) or 0
local now_s, lease_s = int(now), int(now + lease)  -- as Redis stores them, formatted once
local ready_key, inflight_key = k('ready'), k('inflight')
local hour = 3600000
local NONE = {false, false, false}  -- an upstream or previous post that is not there (read only)

-- 1. Leases that ran out: their owner died or hung. The send may have happened, so the delivery goes
--    back to its lane marked in doubt and the next attempt reconciles before sending again, due after
--    `reclaim_delay` (a platform may show the send late).
local reclaim_s = int(now + reclaim_delay)
for _, id in ipairs(redis.call('ZRANGEBYSCORE', inflight_key, '-inf', '(' .. now_s, 'LIMIT', 0, reap_limit)) do
  redis.call('ZREM', inflight_key, id)
  local dk = D_KEY .. id
  local d = redis.call('HMGET', dk, 'state', 'lane', 'attempt', 'owner')
  if d[1] == STATE.sending then
    redis.call('HSET', dk, 'state', STATE.queued, 'in_doubt', '1', 'next_at', reclaim_s, 'updated_ms', now_s,
               'error_kind', KIND.transient,
               'error', 'lease of attempt ' .. str(d[3]) .. ' by ' .. str(d[4]) .. ' expired')
    lane_inflight_add(d[2], -1)
    redis.call('ZADD', LQ_KEY .. d[2], reclaim_s, id)
    ready_lower(d[2], now + reclaim_delay)
  end
end

-- 2. Due lanes, earliest first; each gives deliveries while its gates allow. Within one call a
--    release's serial and admission time cannot change, so each is read once; the new leases go into
--    `inflight` in one ZADD at the end (nothing below reads it).
local out, nout, claimed = {}, 0, 0
local releases, leases = {}, {}

-- Where each lane handled goes in `ready` is gathered for the round (one ZADD and one ZREM): nothing
-- reads `ready` until the next round's ZRANGEBYSCORE, which comes after they are written.
local rescore, unready = {}, {}
local function flush_ready()
  zadd_all(ready_key, rescore)
  zrem_all(ready_key, unready)
  rescore, unready = {}, {}
end

-- A group's send window (`gw:<group>`: every lane of a Weibo app draws on one hourly quota), read once
-- per call: {key, limit, sends in the window}. Nil for a lane in no group.
local groups = {}
local function group_window(name, limit)
  if not name or name == '' or limit <= 0 then return nil end
  local g = groups[name]
  if not g then
    local key = k('gw:' .. name)
    redis.call('ZREMRANGEBYSCORE', key, '-inf', int(now - hour))
    g = {key = key, limit = limit, count = redis.call('ZCARD', key)}
    groups[name] = g
  end
  g.limit = limit
  return g
end

-- When a full window frees a slot: as its (count - limit + 1)-th oldest send turns an hour old.
local function window_frees_at(key, count, limit)
  local nth = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  return tonumber(nth[2]) + hour
end

local function claim_lane(lane)
  local lk, lq, lw = LANE_KEY .. lane, LQ_KEY .. lane, k('lw:' .. lane)
  local cfg = redis.call('HMGET', lk, 'max_in_flight', 'per_hour', 'min_gap_ms', 'inflight', 'parked',
                         'last_sent_ms', 'slow_until_ms', 'probe', 'group', 'group_per_hour')
  if cfg[5] and cfg[5] ~= '' then
    unready[#unready + 1] = lane
    return
  end
  local max_in_flight = tonumber(cfg[1]) or 1  -- a lane nobody configured sends one at a time
  if cfg[8] == '1' then max_in_flight = 1 end  -- its breaker opened: one probe at a time
  local per_hour, min_gap, inflight = num(cfg[2]), num(cfg[3]), num(cfg[4])
  local last_sent, slow_until = num(cfg[6]), num(cfg[7])
  -- The send window only matters to a lane with an hourly limit; an unlimited lane skips it (three
  -- commands per send, and an hour of sends kept in memory). Raising a limit later starts a fresh window.
  local in_window = 0
  if per_hour > 0 then
    redis.call('ZREMRANGEBYSCORE', lw, '-inf', int(now - hour))
    in_window = redis.call('ZCARD', lw)
  end
  local group = group_window(cfg[9], num(cfg[10]))
  local next_score = nil  -- nil: out of `ready` until a completion, a reap or an admission adds it back
  local sent = false
  while true do
    if inflight >= max_in_flight then break end
    if claimed >= max then next_score = now break end
    local head = redis.call('ZRANGE', lq, '0', '0', 'WITHSCORES')
    if #head == 0 then break end
    local id, due = head[1], tonumber(head[2])
    if due > now then next_score = due break end
    local gate = slow_until
    if min_gap > 0 and last_sent > 0 and last_sent + min_gap > gate then gate = last_sent + min_gap end
    if per_hour > 0 and in_window >= per_hour then
      local free_at = window_frees_at(lw, in_window, per_hour)
      if free_at > gate then gate = free_at end
    end
    if group and group.count >= group.limit then
      local free_at = window_frees_at(group.key, group.count, group.limit)
      if free_at > gate then gate = free_at end
    end
    if gate > now then next_score = gate break end

    redis.call('ZREM', lq, id)
    local dk = D_KEY .. id
    local d = redis.call('HMGET', dk, 'state', 'waits_on', 'in_doubt', 'attempt', 'prev')
    -- Anything else in a lane queue is a leftover of a finished delivery: dropping it is the repair.
    if d[1] == STATE.queued or d[1] == STATE.retrying then
      local release, _, _, op = id_parts(id)
      local attempt = int(num(d[4]) + 1)
      -- The lease is the delivery's score in `inflight`; `next_at` (its old due time) and `owner` mean
      -- something only in the states that set them, so neither is cleared here (PROTOCOL.md, `d:`).
      redis.call('HSET', dk, 'state', STATE.sending, 'attempt', attempt, 'owner', owner, 'updated_ms', now_s)
      leases[#leases + 1] = lease_s
      leases[#leases + 1] = id
      if per_hour > 0 then redis.call('ZADD', lw, now_s, id .. '#' .. attempt .. '#' .. now_s) end
      if group then
        redis.call('ZADD', group.key, now_s, id .. '#' .. attempt .. '#' .. now_s)
        group.count = group.count + 1
      end
      inflight, last_sent, in_window, sent = inflight + 1, now, in_window + 1, true
      local rel = releases[release]
      if not rel then
        rel = redis.call('HMGET', REL_KEY .. release, 'serial', 'admitted_ms', 'retract_reason', 'link')
        releases[release] = rel
      end
      local up = NONE
      if d[2] and d[2] ~= '' then up = delivery_get(d[2], 'post_id', 'url', 'note') end
      local prev = NONE
      if d[5] and d[5] ~= '' then prev = delivery_get(d[5], 'post_id', 'url', 'note') end
      local reason = ''
      if op == OP.retract then reason = str(rel[3]) end
      -- The delivery's 14 reply fields, in the order ledger_dispatch.cpp reads them.
      local o = nout
      out[o + 1], out[o + 2], out[o + 3], out[o + 4] = id, lane, attempt, str(d[3])
      out[o + 5], out[o + 6], out[o + 7], out[o + 8] = str(rel[1]), str(rel[2]), str(up[1]), str(up[2])
      out[o + 9], out[o + 10], out[o + 11], out[o + 12] = str(up[3]), reason, str(prev[1]), str(prev[2])
      out[o + 13], out[o + 14] = str(prev[3]), str(rel[4])
      nout = o + 14
      claimed = claimed + 1
    end
  end
  if sent then redis.call('HSET', lk, 'inflight', int(inflight), 'last_sent_ms', int(last_sent)) end
  if next_score then
    rescore[#rescore + 1] = int(next_score)
    rescore[#rescore + 1] = lane
  else
    unready[#unready + 1] = lane
  end
end

-- Every lane handled leaves `ready` or moves past `now` unless the batch filled up, so this ends.
for _ = 1, 16 do
  if claimed >= max then break end
  local lanes = redis.call('ZRANGEBYSCORE', ready_key, '-inf', now_s, 'LIMIT', 0, max - claimed)
  if #lanes == 0 then break end
  for _, lane in ipairs(lanes) do
    if claimed >= max then break end
    claim_lane(lane)
  end
  flush_ready()
end
zadd_all(inflight_key, leases)
return out
)lua"};

const RedisScript complete{"complete",
                           std::string(kPrelude) + kSettled + kActivity + kReachEntry + R"lua(
local now, n = tonumber(ARGV[2]), tonumber(ARGV[3])
local now_s = int(now)  -- `now` as Redis stores it, formatted once
local results, touched, woke = {}, {}, false
-- Counters and resets that nothing in this call reads back are gathered per lane and per release and
-- written once at the end, so a batch of one lane's completions costs one write each, not one per row.
local inflight_delta, done_delta, breaker_reset, finished_ids, finished = {}, {}, {}, {}, {}
local breaker = redis.call('HMGET', k('breaker'), 'failures', 'cooloff_ms')
local breaker_failures, breaker_cooloff = tonumber(breaker[1]) or 5, tonumber(breaker[2]) or 60000

-- The lane's circuit breaker: transient failures in a row open it, which slows the lane for the
-- cool-off and then lets one probe through (claim honours `probe`). A delivery closes it. Rejections
-- and token errors say the platform answered, so they neither count nor close it.
local function flush_breaker_reset(lane)
  if breaker_reset[lane] then
    redis.call('HSET', LANE_KEY .. lane, 'fails', '0', 'probe', '0', 'breaker_until_ms', '0')
    breaker_reset[lane] = nil
  end
end

local function lane_failed(lane)
  flush_breaker_reset(lane)  -- a delivery earlier in this batch closed the breaker before this failure
  local lk = LANE_KEY .. lane
  local fails = redis.call('HINCRBY', lk, 'fails', 1)
  if breaker_failures > 0 and fails >= breaker_failures then
    local reopen = now + breaker_cooloff
    redis.call('HSET', lk, 'breaker_until_ms', int(reopen), 'probe', '1')
    if reopen > num(redis.call('HGET', lk, 'slow_until_ms')) then redis.call('HSET', lk, 'slow_until_ms', int(reopen)) end
  end
end

local function lane_delivered(lane) breaker_reset[lane] = true end

local function finish(release) done_delta[release] = (done_delta[release] or 0) + 1 end

-- Per release, read once per call: whether its Art. 26 clock still runs, its total, and the targets
-- it names (`act`, written at admission; lua_activity.h).
local release_info = {}
local function release_of_call(release)
  local r = release_info[release]
  if not r then
    local v = redis.call('HMGET', REL_KEY .. release, 'first_out_ms', 'total', 'act', 'deadline_ms')
    r = {out = v[1] ~= false, total = v[2], act = v[3], deadline = num(v[4])}
    release_info[release] = r
  end
  return r
end

-- The release's first successful delivery stops its Art. 26 clock: when it went out, whether that was
-- by the deadline (end of the deadline day, set at admission), and it leaves `deadlines`.
local function first_out(release)
  local r = release_of_call(release)
  if r.out then return end  -- read with HMGET, not HSETNX: the documented ACL
  r.out = true
  if r.deadline > 0 then
    redis.call('HSET', REL_KEY .. release, 'first_out_ms', now_s, 'in_time', now < r.deadline and '1' or '0')
  else
    redis.call('HSET', REL_KEY .. release, 'first_out_ms', now_s)
  end
  redis.call('ZREM', k('deadlines'), release)
end

-- Inspection readiness: when each destination, and each target its release named in the channel (the
-- portal's columns), last had a publish or a correction delivered. The stamps (all `now`) are written
-- in one HSET at the end: nothing in the call reads them. A release admitted before `act` existed has
-- its JSON decoded instead, once per call; one that does not decode still stamps its destination.
local activity, fields_of = {}, {}
local function record_activity(release, channel, dest)
  activity[channel .. '|' .. dest] = true
  local key = release .. '|' .. channel
  local fields = fields_of[key]
  if not fields then
    local act = release_of_call(release).act
    if act then
      fields = activity_fields(act, channel)
    else
      fields = channel_names(release_target_names(redis.call('HGET', REL_KEY .. release, 'json') or ''), channel)
    end
    fields_of[key] = fields
  end
  for _, field in ipairs(fields) do activity[field] = true end
end

local function flush_activity()
  local fields = {}
  for field in pairs(activity) do
    fields[#fields + 1] = field
    fields[#fields + 1] = now_s
  end
  for i = 1, #fields, 1000 do
    redis.call('HSET', k('activity'), unpack(fields, i, math.min(i + 999, #fields)))
  end
end

-- Whether a delivery this call may deliver has dependants, asked with one EXISTS over the batch
-- instead of an SMEMBERS per delivery: dependants are rare, and no `waiters:` set is made during a call.
-- While a Cluster slot moves, the node taking it refuses a command over several keys that are not all
-- there (TRYAGAIN) but serves one key alone: then each set is read, as before.
local maybe_waiters = false
do
  local wkeys = {}
  for i = 0, n - 1 do
    local b = 4 + i * 10
    if ARGV[b + 2] == OUTCOME.delivered then wkeys[#wkeys + 1] = WAITERS_KEY .. ARGV[b] end
  end
  for i = 1, #wkeys, 500 do
    local found = redis.pcall('EXISTS', unpack(wkeys, i, math.min(i + 499, #wkeys)))
    if type(found) ~= 'number' or found > 0 then maybe_waiters = true break end
  end
end

local function release_waiters(id)
  if not maybe_waiters then return 0 end
  local wkey = WAITERS_KEY .. id
  local waiters = redis.call('SMEMBERS', wkey)
  for _, w in ipairs(waiters) do
    local wk = D_KEY .. w
    local wd = redis.call('HMGET', wk, 'state', 'lane')
    -- A delivery may wait for two (a correction: the post it corrects and its lead's new post).
    if wd[1] == STATE.waiting and redis.call('HINCRBY', wk, 'pending', -1) <= 0 then
      redis.call('HSET', wk, 'state', STATE.queued, 'next_at', now_s, 'updated_ms', now_s)
      redis.call('ZADD', LQ_KEY .. wd[2], now_s, w)
      touched[wd[2]] = true
      woke = true
    end
  end
  if #waiters > 0 then redis.call('DEL', wkey) end
  return #waiters
end

-- Dependants die with the reason chained; `waiters:<id>` is kept so retry_dead can revive them.
local function kill(id, reason, kind)
  local dk = D_KEY .. id
  redis.call('HSET', dk, 'state', STATE.dead, 'error', reason, 'error_kind', kind, 'updated_ms', now_s)
  redis.call('ZADD', k('dead'), now_s, id)
  finish(redis.call('HGET', dk, 'release'))
  for _, w in ipairs(redis.call('SMEMBERS', WAITERS_KEY .. id)) do
    if redis.call('HGET', D_KEY .. w, 'state') == STATE.waiting then
      kill(w, 'waited on ' .. id .. ', which failed: ' .. reason, KIND.permanent)
    end
  end
end

local function release_closed(release)
  local state = redis.call('HGET', REL_KEY .. release, 'state')
  return state == 'retracted' or state == 'cancelled'
end

-- A send that did not succeed after its release was retracted (or its schedule cancelled) is not
-- tried again: it is cancelled. The retraction waiting for it is queued in doubt when the send may have
-- gone out (the adapter then looks on the platform), else cancelled too.
local function withdraw(id, maybe_sent, in_doubt)
  cancel_delivery(id, 'cancelled: release retracted while this was being sent', now)
  for _, w in ipairs(redis.call('SMEMBERS', WAITERS_KEY .. id)) do
    local wk = D_KEY .. w
    local wd = redis.call('HMGET', wk, 'state', 'op', 'lane')
    if wd[1] == STATE.waiting then
      if wd[2] == OP.retract and (maybe_sent == '1' or in_doubt == '1') then
        redis.call('HSET', wk, 'state', STATE.queued, 'in_doubt', '1', 'pending', '0', 'next_at', now_s,
                   'updated_ms', now_s)
        redis.call('ZADD', LQ_KEY .. wd[3], now_s, w)
        touched[wd[3]] = true
        woke = true
      else
        cancel_delivery(w, 'cancelled: what it waited for was never sent (release retracted)', now)
      end
    end
  end
end

-- A delivered delivery is packed at once (lua_settled.h, "Packed when delivered") unless something may
-- still read or change its hash: a dependant woken by it (a previous version's claim reads the upstream
-- post from the hash), a retraction waiting for it (it marks the post retracted; the retract script
-- makes every send under way of a retracted release such a waiter), or a release too large for one
-- chunk. Rows are gathered per release and written after the batch, as one more chunk of the release's
-- string; the hashes and their members of `rel:<id>:d` go with them.
local rows_of, packed_ids, packed_keys, packed_order = {}, {}, {}, {}
local function packs_when_delivered(release, op, waiters)
  return waiters == 0 and op ~= OP.retract and num(release_of_call(release).total) <= PACK_CHUNK
end

-- `d` is complete's HMGET of the delivery; the row holds what the delivered hash would have held.
local function pack_delivered(id, d, release, channel, dest, op, rev, post_id, url, note)
  local function cleared(v) if v and v ~= '' then return '' end return v end
  local in_doubt = d[5]
  if in_doubt == '1' then in_doubt = '0' end
  -- A first publish's hash has no `op` or `rev` (its id has no suffix); every other delivery's has both.
  local stored_op, stored_rev = false, false
  if #id > #release + #channel + #dest + 2 then stored_op, stored_rev = op, rev end
  local row = packed_row(release, id, {STATE.delivered, d[2], in_doubt, post_id, url, note, cleared(d[6]),
                                       cleared(d[7]), now_s, d[3], stored_op, stored_rev, d[4], d[8], false})
  local rows = rows_of[release]
  if not rows then
    rows, packed_ids[release] = {}, {}
    rows_of[release] = rows
    packed_order[#packed_order + 1] = release
  end
  rows[#rows + 1] = row
  table.insert(packed_ids[release], id)
  packed_keys[#packed_keys + 1] = D_KEY .. id
end

-- The rows before the hashes: a call cut short leaves a delivery in both forms (the hash wins), never
-- in neither.
local function flush_packed()
  for _, release in ipairs(packed_order) do
    append_packed(release, rows_of[release])
    srem_all(REL_KEY .. release .. ':d', packed_ids[release])
    packed_of[release] = nil
  end
  in_chunks('DEL', nil, packed_keys)
end

for i = 0, n - 1 do
  local b = 4 + i * 10
  local id, attempt, outcome = ARGV[b], ARGV[b + 1], ARGV[b + 2]
  local post_id, url, note, err, kind = ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7]
  local next_at, maybe_sent = num(ARGV[b + 8]), ARGV[b + 9]
  local dk = D_KEY .. id
  local d = redis.call('HMGET', dk, 'state', 'attempt', 'lane', 'prev', 'in_doubt', 'error', 'error_kind', 'waits_on')
  -- Fencing: only the holder of the current attempt may finish it. A late reply from an attempt whose
  -- lease expired (or a replayed batch) finds another attempt or another state and changes nothing; a
  -- delivery named twice in one batch is finished once (a packed one keeps its hash until the end).
  if d[1] ~= STATE.sending or d[2] ~= attempt or finished[id] then
    results[#results + 1] = 0
  else
    results[#results + 1] = 1
    local lane, prev, in_doubt = d[3], d[4], d[5]
    local release, channel, dest, op, rev = id_parts(id)
    finished_ids[#finished_ids + 1], finished[id] = id, true
    inflight_delta[lane] = (inflight_delta[lane] or 0) - 1
    if outcome == OUTCOME.delivered then
      finish(release)
      if op ~= OP.retract then first_out(release) end
      if packs_when_delivered(release, op, release_waiters(id)) then
        pack_delivered(id, d, release, channel, dest, op, rev, post_id, url, note)
      else
        -- `in_doubt`, `error` and `error_kind` are cleared only where they were set; `owner` and
        -- `next_at` are left as they are (they mean nothing once delivered).
        local fields = {'state', STATE.delivered, 'post_id', post_id, 'url', url, 'note', note, 'updated_ms', now_s}
        if in_doubt == '1' then fields[#fields + 1] = 'in_doubt'; fields[#fields + 1] = '0' end
        if d[6] and d[6] ~= '' then fields[#fields + 1] = 'error'; fields[#fields + 1] = '' end
        if d[7] and d[7] ~= '' then fields[#fields + 1] = 'error_kind'; fields[#fields + 1] = '' end
        redis.call('HSET', dk, unpack(fields))
      end
      lane_delivered(lane)
      if op ~= OP.retract then record_activity(release, channel, dest) end
      if op == OP.retract and prev and prev ~= '' and redis.call('HGET', D_KEY .. prev, 'state') == STATE.delivered then
        redis.call('HSET', D_KEY .. prev, 'state', STATE.retracted, 'note', 'retracted by ' .. id, 'updated_ms', now_s)
      end
    elseif op ~= OP.retract and release_closed(release) then
      withdraw(id, maybe_sent, in_doubt)
      if kind == KIND.transient then lane_failed(lane) end
    elseif outcome == OUTCOME.retry or outcome == OUTCOME.rate_limited then
      if next_at < now then next_at = now end
      redis.call('HSET', dk, 'state', STATE.retrying, 'error', err, 'error_kind', kind, 'next_at', int(next_at),
                 'updated_ms', now_s)
      if maybe_sent == '1' then redis.call('HSET', dk, 'in_doubt', '1') end
      redis.call('ZADD', LQ_KEY .. lane, int(next_at), id)
      if outcome == OUTCOME.retry and kind == KIND.transient then lane_failed(lane) end
      if outcome == OUTCOME.rate_limited then
        -- The platform said "slow down": not the delivery's fault, so the attempt is given back.
        redis.call('HINCRBY', dk, 'attempt', -1)
        local lk = LANE_KEY .. lane
        if next_at > num(redis.call('HGET', lk, 'slow_until_ms')) then
          redis.call('HSET', lk, 'slow_until_ms', int(next_at))
        end
      end
    elseif outcome == OUTCOME.needs_auth then
      redis.call('HSET', dk, 'state', STATE.needs_auth, 'error', err, 'error_kind', kind, 'updated_ms', now_s)
      if maybe_sent == '1' then redis.call('HSET', dk, 'in_doubt', '1') end
      if err == '' then err = 'the account needs a new token' end
      redis.call('HSET', LANE_KEY .. lane, 'parked', err)
      redis.call('ZADD', LQ_KEY .. lane, now_s, id)
      redis.call('ZREM', k('ready'), lane)
    else
      -- Its last attempt may have reached the platform: a retry of the dead letter looks there first.
      if maybe_sent == '1' and in_doubt ~= '1' then redis.call('HSET', dk, 'in_doubt', '1') end
      kill(id, err, kind)
      if kind == KIND.transient then lane_failed(lane) end  -- attempts ran out on a transient failure
    end
    touched[lane] = true
  end
end
-- The posts to follow (reach) of the completions applied as delivered, entered in this same step, before
-- the packed rows are written.
do
  local rb = 4 + n * 10
  local offsets = {}
  for j = 0, (tonumber(ARGV[rb]) or 0) - 1 do
    local at = rb + 1 + j * 9
    local row = tonumber(ARGV[at])
    if results[row + 1] == 1 and ARGV[4 + row * 10 + 2] == OUTCOME.delivered then offsets[#offsets + 1] = at + 1 end
  end
  if #offsets > 0 then enter_posts(base, k('reach:due'), ARGV, offsets) end
end
flush_packed()
-- With the count HINCRBY answers and the total read once per call (a completion never changes it).
for release, delta in pairs(done_delta) do
  settle_check(release, now, redis.call('HINCRBY', REL_KEY .. release, 'done', delta), release_of_call(release).total)
end
zrem_all(k('inflight'), finished_ids)
flush_activity()
-- Each lane the batch touched, with one read and at most one write of its hash: its in-flight count
-- less the batch's finished sends, its breaker closed by a delivery (fields already closed or never
-- set are left alone: both read as 0), then back into `ready` at its head's due time unless parked
-- (all of them in one ZADD).
local ready_at = {}
for lane in pairs(touched) do
  local lk = LANE_KEY .. lane
  local l = redis.call('HMGET', lk, 'inflight', 'parked', 'fails', 'probe', 'breaker_until_ms')
  local set = {}
  local function put(field, value) set[#set + 1] = field; set[#set + 1] = value end
  if inflight_delta[lane] then put('inflight', int(math.max(num(l[1]) + inflight_delta[lane], 0))) end
  if breaker_reset[lane] then
    if num(l[3]) ~= 0 then put('fails', '0') end
    if num(l[4]) ~= 0 then put('probe', '0') end
    if num(l[5]) ~= 0 then put('breaker_until_ms', '0') end
  end
  if #set > 0 then redis.call('HSET', lk, unpack(set)) end
  if not (l[2] and l[2] ~= '') then
    local head = redis.call('ZRANGE', LQ_KEY .. lane, '0', '0', 'WITHSCORES')
    if #head > 0 then
      ready_at[#ready_at + 1] = int(math.max(tonumber(head[2]), now))
      ready_at[#ready_at + 1] = lane
    end
  end
end
ready_lower_all(ready_at)
if woke then wake() end
return results
)lua"};

}  // namespace fabu::lua
