// Entering delivered posts in the reach book: one Lua function shared by the script reach_add_posts
// (reach_book.cpp) and the complete script (lua_dispatch.cpp), which enters the posts of the deliveries
// it records as delivered in the same step. Private to queue/.
#pragma once

namespace fabu::lua {

// enter_posts(base, due_key, a, offsets): for each offset b, a[b .. b + 7] is one post: release id,
// "<channel>|<account>", post id, delivered ms, followers key (after `base`), its first due member, due
// ms, expire-at ms. Its commands go per release and per account, not per post (each command a script
// runs costs more than its fields):
// - which posts a release already has: one HMGET of their `|post` fields, so a replay changes nothing;
// - the followers at posting: the newest sample at or before the account's latest post in the batch,
//   which is also the newest at or before each earlier post that it does not postdate (else that post
//   asks for its own);
// - the new posts' fields: one HSET per release; their first checkpoints: one ZADD into `due_key`; the
//   expiry: one PEXPIREAT per release, as its last post entered says.
// Returns how many posts it entered.
inline constexpr const char* kReachEntry = R"lua(
local function enter_posts(base, due_key, a, offsets)
  local releases, posts_of, rk_of = {}, {}, {}  -- reach keys in the order first named; key -> offsets; offset -> key
  for _, b in ipairs(offsets) do
    local rk = base .. 'rel:' .. a[b] .. ':reach'
    if not posts_of[rk] then releases[#releases + 1] = rk; posts_of[rk] = {} end
    table.insert(posts_of[rk], b)
    rk_of[b] = rk
  end

  local new_posts, latest = {}, {}  -- offsets of posts to enter; followers key -> latest delivered ms
  for _, rk in ipairs(releases) do
    local fields = {}
    for i, b in ipairs(posts_of[rk]) do fields[i] = a[b + 1] .. '|post' end
    local have, seen = redis.call('HMGET', rk, unpack(fields)), {}
    for i, b in ipairs(posts_of[rk]) do
      if not have[i] and not seen[fields[i]] then  -- a post named twice in the batch is entered once
        seen[fields[i]] = true
        new_posts[#new_posts + 1] = b
        local fk, delivered = a[b + 4], tonumber(a[b + 3])
        if not latest[fk] or delivered > tonumber(latest[fk]) then latest[fk] = a[b + 3] end
      end
    end
  end

  local newest = {}  -- followers key -> {score, count} of its newest sample up to latest[key], or false
  local function followers_at(fk, delivered)
    local function ask(upto)
      local s = redis.call('ZREVRANGEBYSCORE', base .. fk, upto, '-inf', 'WITHSCORES', 'LIMIT', '0', '1')
      if #s == 0 then return false end
      return {tonumber(s[2]), string.match(s[1], ':(%d+)$')}
    end
    if newest[fk] == nil then newest[fk] = ask(latest[fk]) end
    local s = newest[fk]
    if s and s[1] > tonumber(delivered) then s = ask(delivered) end
    return s and s[2]
  end

  local writes, due, expire_at = {}, {}, {}
  for _, b in ipairs(new_posts) do
    local rk, f = rk_of[b], a[b + 1]
    local w = writes[rk]
    if not w then w = {}; writes[rk] = w end
    w[#w + 1] = f .. '|post'; w[#w + 1] = a[b + 2]
    w[#w + 1] = f .. '|delivered_ms'; w[#w + 1] = a[b + 3]
    local followers = followers_at(a[b + 4], a[b + 3])
    if followers then w[#w + 1] = f .. '|followers'; w[#w + 1] = followers end
    due[#due + 1] = a[b + 6]; due[#due + 1] = a[b + 5]
    expire_at[rk] = a[b + 7]
  end
  for _, rk in ipairs(releases) do
    if writes[rk] then
      redis.call('HSET', rk, unpack(writes[rk]))
      redis.call('PEXPIREAT', rk, expire_at[rk])
    end
  end
  for i = 1, #due, 1000 do redis.call('ZADD', due_key, unpack(due, i, math.min(i + 999, #due))) end
  return #new_posts
end
)lua";

}  // namespace fabu::lua
