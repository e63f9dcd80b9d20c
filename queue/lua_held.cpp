// The screen's script: holding a release.
#include "queue/lua_scripts.h"

#include "queue/lua_prelude.h"

namespace fabu::lua {

// The record and the acknowledgement of its intake entry are one step: a crash leaves the entry
// pending (it is reclaimed and held again, which only updates the record), never acknowledged and
// lost. A release already admitted is not held again: admit's record is the authority for that id.
const RedisScript hold{"hold", std::string(kPrelude) + R"lua(
local entry, rid = ARGV[2], ARGV[3]
local now = num(ARGV[10])
if now <= 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
if redis.call('EXISTS', REL_KEY .. rid) == 1 then
  ack_intake(entry)
  return {'already_admitted', '0'}
end
local hk = k('held:' .. rid)
local outcome = 'updated'
if redis.call('EXISTS', hk) == 0 then
  outcome = 'held'
  redis.call('HSET', hk, 'first_held_ms', int(now))
end
redis.call('HSET', hk, 'release_id', rid, 'intake_entry_id', entry, 'payload', ARGV[4], 'format', ARGV[5],
           'content_digest', ARGV[6], 'screen_digest', ARGV[7], 'matches', ARGV[8], 'reason', ARGV[9],
           'held_ms', int(now), 'state', 'held', 'released_ms', '0')
redis.call('HINCRBY', hk, 'submissions', 1)
redis.call('ZADD', k('held'), int(now), rid)
ack_intake(entry)
return {outcome, str(redis.call('HGET', hk, 'first_held_ms'))}
)lua"};

}  // namespace fabu::lua
