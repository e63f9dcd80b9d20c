// The account scripts: run-time token replacement.
#include "queue/lua_scripts.h"

#include "queue/lua_prelude.h"

namespace fabu::lua {

// The override and its version change together, so an instance that sees the new version always
// reads the new token. The lane stays parked: each fabud unparks it once it has loaded the token,
// because a delivery claimed before that would go out with the old token and park the lane again.
const RedisScript set_token{"set_token", std::string(kPrelude) + R"lua(
local lane, record = ARGV[2], ARGV[3]
redis.call('HSET', k('tokens'), lane, record)
redis.call('INCR', k('tokens_version'))
local held = 0
for _, id in ipairs(redis.call('ZRANGE', LQ_KEY .. lane, 0, -1)) do
  if redis.call('HGET', D_KEY .. id, 'state') == 'needs_auth' then held = held + 1 end
end
return held
)lua"};

}  // namespace fabu::lua
