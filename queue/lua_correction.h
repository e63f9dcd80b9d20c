// The correction step of the admit script (lua_scripts.cpp): a newer revision of an admitted release.
// Private to queue/; needs kPrelude, kSettled (lua_settled.h) and kActivity (lua_activity.h) before it.
#pragma once

namespace fabu::lua {

// For each destination the correction names (ARGV from `first`, m x (channel, destination, lane, after,
// needs_link)), the delivery that stands for it so far (`cur:<channel>|<destination>` on the release,
// else its first publish) decides what happens:
// - delivered, being sent or in doubt: a `correct.<rev>` delivery follows it (waits until it is done);
// - never sent (queued, waiting, retrying, parked, dead and not in doubt): it is cancelled and a delivery
//   of the new revision takes its place (a publish, or the correction it was going to make);
// - none yet (a destination the release did not have): a `publish.<rev>` delivery.
// A member that reposts waits on its lead's new delivery, a post that needs the link on the link's.
inline constexpr const char* kCorrection = R"lua(
local function correct_release(rk, rid, old_rev, rev, json, digest, link_target, first, m, due, now)
  unpack_release(rid)  -- a settled release comes alive again (lua_settled.h)
  if redis.call('HEXISTS', rk, 'json.' .. old_rev) == 0 then
    redis.call('HSET', rk, 'json.' .. old_rev, redis.call('HGET', rk, 'json'))
  end
  redis.call('HSET', rk, 'json', json, 'json.' .. rev, json, 'digest', digest, 'rev', int(rev),
             'corrected_ms', int(now))
  local act = activity_targets(json)  -- the new revision's targets (lua_activity.h)
  if act then redis.call('HSET', rk, 'act', act) else redis.call('HDEL', rk, 'act') end
  local news, specs = {}, {}
  for i = 0, m - 1 do
    local b = first + i * 5
    local ch, dest, lane, after, needs_link = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4]
    local key = ch .. '|' .. dest
    local cur = redis.call('HGET', rk, 'cur:' .. key)
    if not cur then
      local first_publish = rid .. '|' .. key
      if redis.call('EXISTS', D_KEY .. first_publish) == 1 then cur = first_publish end
    end
    local op, prev = OP.publish, ''
    if cur then
      local c = redis.call('HMGET', D_KEY .. cur, 'state', 'in_doubt', 'op', 'prev')
      if c[1] == STATE.delivered or c[1] == STATE.sending or c[2] == '1' then
        op, prev = OP.correct, cur
      elseif c[1] ~= STATE.cancelled and c[1] ~= STATE.retracted then
        cancel_delivery(cur, 'cancelled: revision ' .. rev .. ' takes its place', now)
        if c[3] == OP.correct then op, prev = OP.correct, str(c[4]) end
      end
    end
    local id = op_id(rid, ch, dest, op, rev)
    news[key] = id
    specs[#specs + 1] = {id = id, channel = ch, dest = dest, lane = lane, after = after,
                         needs_link = needs_link, op = op, prev = prev}
  end
  local ids, lanes = {}, {}
  for _, s in ipairs(specs) do
    local deps, waits_on = {}, ''
    if s.prev ~= '' and redis.call('HGET', D_KEY .. s.prev, 'state') ~= STATE.delivered then deps[#deps + 1] = s.prev end
    if s.after ~= '' then
      waits_on = news[s.channel .. '|' .. s.after] or ''
    elseif s.needs_link == '1' and link_target ~= '' and link_target ~= s.channel .. '|' .. s.dest then
      waits_on = news[link_target] or ''
    end
    if waits_on ~= '' then deps[#deps + 1] = waits_on end
    put_delivery(s.id, {release = rid, channel = s.channel, dest = s.dest, lane = s.lane, op = s.op,
                        rev = int(rev), prev = s.prev, waits_on = waits_on}, deps, due, now)
    redis.call('HSET', rk, 'cur:' .. s.channel .. '|' .. s.dest, s.id)
    ids[#ids + 1], lanes[#lanes + 1] = s.id, s.lane
  end
  sadd_all(rk .. ':d', ids)
  sadd_all(k('lanes'), lanes)
  redis.call('HINCRBY', rk, 'total', #ids)
end
)lua";

// A policy and its interpretation (政策解读) are published together: the interpretation's link-making
// delivery (its portal article) waits until the policy's is delivered, so both pages can link each
// other. The interpretation names its policy by release id or 文号 (`doc:<文号>` maps one to the
// release); one that arrives first waits in `policy_waiters:<name>` until the policy is admitted.
// A policy without a link-making delivery (no portal) holds nothing up.
inline constexpr const char* kPolicyLinks = R"lua(
local function link_policy(rk, rid, ids, link_target, doc_number, interprets, now)
  local own_link = ''
  if link_target ~= '' then
    own_link = rid .. '|' .. link_target
    local found = false
    for _, id in ipairs(ids) do if id == own_link then found = true end end
    if not found then own_link = '' end
    if own_link ~= '' then redis.call('HSET', rk, 'link_d', own_link) end
  end
  -- This release is a policy someone is waiting for: by its id, or by its 文号.
  local names = {rid}
  if doc_number ~= '' then
    redis.call('HSETNX', k('doc'), doc_number, rid)
    names[2] = doc_number
  end
  for _, name in ipairs(names) do
    local wkey = k('policy_waiters:' .. name)
    for _, w in ipairs(redis.call('SMEMBERS', wkey)) do
      -- A waiter without a hash was cancelled and packed with its settled release: nothing to hold.
      if redis.call('EXISTS', D_KEY .. w) == 0 then
      elseif own_link ~= '' then
        redis.call('SADD', WAITERS_KEY .. own_link, w)
        redis.call('HSET', D_KEY .. w, 'note', 'waits for its policy ' .. rid .. ' to be published')
      else
        local wd = redis.call('HMGET', D_KEY .. w, 'state', 'lane')
        if wd[1] == STATE.waiting and redis.call('HINCRBY', D_KEY .. w, 'pending', -1) <= 0 then
          redis.call('HSET', D_KEY .. w, 'state', STATE.queued, 'next_at', int(now), 'note', '', 'updated_ms', int(now))
          redis.call('ZADD', LQ_KEY .. wd[2], int(now), w)
          ready_lower(wd[2], now)
        end
      end
    end
    redis.call('DEL', wkey)
  end
  -- This release interprets a policy: its own article waits for the policy's.
  if interprets == '' or own_link == '' then return end
  local policy = interprets
  if redis.call('EXISTS', REL_KEY .. policy) == 0 then policy = redis.call('HGET', k('doc'), interprets) end
  local dk = D_KEY .. own_link
  local d = redis.call('HMGET', dk, 'state', 'lane', 'waits_on')
  local holds = 0
  if d[3] and d[3] ~= '' and d[1] == STATE.waiting then holds = 1 end
  if not policy then
    redis.call('SADD', k('policy_waiters:' .. interprets), own_link)
    redis.call('HSET', dk, 'note', 'waits for its policy ' .. interprets .. ' to be admitted and published')
  else
    local policy_link = redis.call('HGET', REL_KEY .. policy, 'link_d')
    if not policy_link or delivery_get(policy_link, 'state')[1] == STATE.delivered then return end
    redis.call('SADD', WAITERS_KEY .. policy_link, own_link)
    redis.call('HSET', dk, 'note', 'waits for its policy ' .. policy .. ' to be published')
  end
  if d[1] == STATE.queued then
    redis.call('ZREM', LQ_KEY .. d[2], own_link)
    redis.call('HSET', dk, 'state', STATE.waiting, 'next_at', '0')
  end
  redis.call('HSET', dk, 'pending', int(holds + 1))
end
)lua";

}  // namespace fabu::lua
