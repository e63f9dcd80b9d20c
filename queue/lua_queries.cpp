// Read-only scripts for the metrics: counting in one atomic step gives one consistent picture.
#include "queue/lua_scripts.h"

#include "queue/lua_prelude.h"
#include "queue/lua_settled.h"

namespace fabu::lua {

// Walks every lane's queue (lq:<lane>), reading at most `cap` delivery states in all: a scrape must
// not hold Redis for long behind a huge backlog. Deliveries past the cap are counted as queued.
const RedisScript queue_depths{"queue_depths", std::string(kPrelude) + R"lua(
local now, cap = tonumber(ARGV[2]), tonumber(ARGV[3])
local queued, retrying, needs_auth, due, oldest, examined = 0, 0, 0, 0, -1, 0
for _, lane in ipairs(redis.call('SMEMBERS', k('lanes'))) do
  local lq = LQ_KEY .. lane
  due = due + redis.call('ZCOUNT', lq, '-inf', now)
  local first = redis.call('ZRANGE', lq, 0, 0, 'WITHSCORES')
  if first[2] then
    local at = tonumber(first[2])
    if at <= now and (oldest < 0 or at < oldest) then oldest = at end
  end
  for _, id in ipairs(redis.call('ZRANGE', lq, 0, -1)) do
    local state = STATE.queued
    if examined < cap then
      state = redis.call('HGET', D_KEY .. id, 'state')
      examined = examined + 1
    end
    if state == STATE.retrying then
      retrying = retrying + 1
    elseif state == STATE.needs_auth then
      needs_auth = needs_auth + 1
    else
      queued = queued + 1
    end
  end
end
return {queued, retrying, needs_auth, due, int(oldest), redis.call('ZCARD', k('inflight')),
        redis.call('ZCARD', k('scheduled')), redis.call('ZCARD', k('dead')), redis.call('ZCARD', k('held'))}
)lua"};

// A compacted delivery answers with the fields its hash held (lua_settled.h), so the caller decodes one
// shape whatever the form.
const RedisScript read_deliveries{"read_deliveries", std::string(kPrelude) + kSettled + R"lua(
local ids = {}
if ARGV[2] ~= '' then ids = delivery_ids(ARGV[2]) end
for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HGETALL', D_KEY .. id)
  if #h == 0 then
    for name, v in pairs(packed_delivery(id) or {}) do
      h[#h + 1] = name
      h[#h + 1] = v
    end
  end
  if #h > 0 then
    out[#out + 1] = id
    out[#out + 1] = h
  end
end
return out
)lua"};

}  // namespace fabu::lua
