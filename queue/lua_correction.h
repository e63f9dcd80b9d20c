// The correction step of the admit script (lua_scripts.cpp): a newer revision of an admitted release.
// Private to queue/; needs kPrelude before it.
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
  if redis.call('HEXISTS', rk, 'json.' .. old_rev) == 0 then
    redis.call('HSET', rk, 'json.' .. old_rev, redis.call('HGET', rk, 'json'))
  end
  redis.call('HSET', rk, 'json', json, 'json.' .. rev, json, 'digest', digest, 'rev', int(rev),
             'corrected_ms', int(now))
  local news, specs = {}, {}
  for i = 0, m - 1 do
    local b = first + i * 5
    local ch, dest, lane, after, needs_link = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4]
    local key = ch .. '|' .. dest
    local cur = redis.call('HGET', rk, 'cur:' .. key)
    if not cur then
      local first_publish = rid .. '|' .. key
      if redis.call('EXISTS', k('d:' .. first_publish)) == 1 then cur = first_publish end
    end
    local op, prev = 'publish', ''
    if cur then
      local c = redis.call('HMGET', k('d:' .. cur), 'state', 'in_doubt', 'op', 'prev')
      if c[1] == 'delivered' or c[1] == 'sending' or c[2] == '1' then
        op, prev = 'correct', cur
      elseif c[1] ~= 'cancelled' and c[1] ~= 'retracted' then
        cancel_delivery(cur, 'cancelled: revision ' .. rev .. ' takes its place', now)
        if c[3] == 'correct' then op, prev = 'correct', str(c[4]) end
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
    if s.prev ~= '' and redis.call('HGET', k('d:' .. s.prev), 'state') ~= 'delivered' then deps[#deps + 1] = s.prev end
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

}  // namespace fabu::lua
