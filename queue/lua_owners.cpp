// Lane ownership (docs/proposals/owned-lanes.md, step 2): which instance owns each lane. Observable
// only for now: claims still go through the claim script, whoever owns the lane.
#include "queue/lua_scripts.h"

#include "queue/lua_prelude.h"

namespace fabu::lua {

// The live instances: token -> name (`inst:<token>` holds the name while the instance renews it), and
// how many there are. With `prune`, tokens whose key expired leave `insts`. Liveness goes by token, not by name, so
// two processes configured with one name (a mistake the instance registry reports) are still two.
static constexpr const char* kLiveTokens = R"lua(
local function live_tokens(prune)
  local live, count = {}, 0
  for _, token in ipairs(redis.call('SMEMBERS', k('insts'))) do
    local name = redis.call('GET', k('inst:' .. token))
    if name then
      live[token] = name
      count = count + 1
    elseif prune then
      redis.call('SREM', k('insts'), token)
    end
  end
  return live, count
end
)lua";

const RedisScript own_lanes{"own_lanes", std::string(kPrelude) + kLiveTokens + R"lua(
local name, token, lease = ARGV[2], ARGV[3], ARGV[4]
local owners_key, counts_key = k('lown'), k('lown:n')
redis.call('SET', k('inst:' .. token), name, 'PX', lease)
redis.call('SADD', k('insts'), token)
local live, instances = live_tokens(true)
local total = redis.call('SCARD', k('lanes'))
-- Every instance holds between `lower` and `share` lanes once they have settled: it takes free lanes
-- up to `share`, and while another live instance holds fewer than `lower` it keeps no more than `lower`
-- (else, with few lanes, the first instances could hold them all at `share` each and leave one with
-- none).
local share, lower = math.ceil(total / instances), math.floor(total / instances)
local function target(mine, n_of)
  for t in pairs(live) do
    if t ~= token and (n_of[t] or 0) < lower and mine >= lower then return lower end
  end
  return share
end

-- Nothing to do when every lane has a live owner and this instance holds no more than its target:
-- the counts per token say so without reading every lane (one HGETALL of a few fields).
local counts, owned, mine, stale, count_of = redis.call('HGETALL', counts_key), 0, 0, false, {}
for i = 1, #counts, 2 do
  local n = tonumber(counts[i + 1]) or 0
  if live[counts[i]] then owned = owned + n else stale = true end
  count_of[counts[i]] = n
  if counts[i] == token then mine = n end
end
if not stale and owned == total and mine <= target(mine, count_of) then return {mine, 0, 0, instances, total} end

-- Otherwise every lane is looked at: the counts are rebuilt, free lanes (no owner, or an owner whose
-- instance is gone) are taken up to the target, and lanes above it are handed back when nothing of
-- theirs is being sent (their sends' results are this instance's to record).
local owner_of = {}
local pairs_flat = redis.call('HGETALL', owners_key)
for i = 1, #pairs_flat, 2 do owner_of[pairs_flat[i]] = pairs_flat[i + 1] end
local lanes = redis.call('SMEMBERS', k('lanes'))
table.sort(lanes)
local n_of, free, my_lanes = {}, {}, {}
for _, lane in ipairs(lanes) do
  local t = owner_of[lane]
  if t and live[t] then
    n_of[t] = (n_of[t] or 0) + 1
    if t == token then my_lanes[#my_lanes + 1] = lane end
  else
    free[#free + 1] = lane
  end
  owner_of[lane] = nil
end
-- Entries for lanes that are not in `lanes` any more.
local gone = {}
for lane in pairs(owner_of) do gone[#gone + 1] = lane end
if #gone > 0 then in_chunks('HDEL', owners_key, gone) end

mine = n_of[token] or 0
local goal = target(mine, n_of)
local taken, handed = {}, {}
if mine < goal then
  for i = 1, math.min(goal - mine, #free) do
    taken[#taken + 1] = free[i]
    taken[#taken + 1] = token
  end
  if #taken > 0 then
    for i = 1, #taken, 1000 do redis.call('HSET', owners_key, unpack(taken, i, math.min(i + 999, #taken))) end
  end
  mine = mine + #taken / 2
elseif mine > goal then
  for i = #my_lanes, 1, -1 do
    if mine - #handed <= goal then break end
    local lane = my_lanes[i]
    if num(redis.call('HGET', LANE_KEY .. lane, 'inflight')) == 0 then handed[#handed + 1] = lane end
  end
  if #handed > 0 then in_chunks('HDEL', owners_key, handed) end
  mine = mine - #handed
end
n_of[token] = mine
redis.call('DEL', counts_key)
local fields = {}
for t, n in pairs(n_of) do
  if n > 0 then
    fields[#fields + 1] = t
    fields[#fields + 1] = int(n)
  end
end
if #fields > 0 then redis.call('HSET', counts_key, unpack(fields)) end
return {mine, #taken / 2, #handed, instances, total}
)lua"};

const RedisScript disown_lanes{"disown_lanes", std::string(kPrelude) + R"lua(
local token = ARGV[3]
local owners_key = k('lown')
local mine = {}
local pairs_flat = redis.call('HGETALL', owners_key)
for i = 1, #pairs_flat, 2 do
  if pairs_flat[i + 1] == token then mine[#mine + 1] = pairs_flat[i] end
end
if #mine > 0 then in_chunks('HDEL', owners_key, mine) end
redis.call('HDEL', k('lown:n'), token)
redis.call('DEL', k('inst:' .. token))
redis.call('SREM', k('insts'), token)
return #mine
)lua"};

const RedisScript lane_owners{"lane_owners", std::string(kPrelude) + kLiveTokens + R"lua(
local live = live_tokens(false)  -- reads only
local out = {}
local pairs_flat = redis.call('HGETALL', k('lown'))
for i = 1, #pairs_flat, 2 do
  local token = pairs_flat[i + 1]
  out[#out + 1] = pairs_flat[i]
  out[#out + 1] = live[token] or string.match(token, '^(.*):[^:]*$') or token
  out[#out + 1] = live[token] and '1' or '0'
end
return out
)lua"};

const RedisScript owned_counts{"owned_counts", std::string(kPrelude) + kLiveTokens + R"lua(
local out = {}
for token, name in pairs(live_tokens(false)) do  -- reads only
  out[#out + 1] = name
  out[#out + 1] = num(redis.call('HGET', k('lown:n'), token))
end
return out
)lua"};

}  // namespace fabu::lua
