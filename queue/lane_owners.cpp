#include "queue/lane_owners.h"

#include <algorithm>

#include "queue/lua_scripts.h"

namespace fabu {

LaneOwners::LaneOwners(RedisConfig config) : redis_(config), base_(key_base(config)) {}

// Each script names `lown` as its key, as the ledger's name `serial`: with Redis Cluster the call is
// routed, and refused during a slot move, by the office's slot like any other command.

Result<std::string> LaneOwners::new_token(const std::string& name) {
  if (name.empty()) return fail(Error::invalid("an instance needs a name to own lanes"));
  auto reply = redis_.command({"INCR", base_ + "lown_epoch"});
  if (!reply) return fail(reply.error());
  if (reply_is_error(reply->get())) return fail(redis_error_reply(**reply, "INCR lown_epoch"));
  return name + ":" + std::to_string(reply_integer(reply->get()));
}

Result<OwnershipRound> LaneOwners::renew(const std::string& name, const std::string& token,
                                        std::chrono::milliseconds lease) {
  auto reply = redis_.eval(lua::own_lanes, {base_ + "lown"}, {base_, name, token, std::to_string(std::max<long long>(lease.count(), 1))});
  if (!reply) return fail(reply.error());
  const redisReply* r = reply->get();
  const auto at = [&](std::size_t i) { return static_cast<int>(reply_integer(reply_at(r, i))); };
  return OwnershipRound{at(0), at(1), at(2), at(3), at(4)};
}

Result<int> LaneOwners::release(const std::string& name, const std::string& token) {
  auto reply = redis_.eval(lua::disown_lanes, {base_ + "lown"}, {base_, name, token});
  if (!reply) return fail(reply.error());
  return static_cast<int>(reply_integer(reply->get()));
}

Result<std::vector<LaneOwner>> LaneOwners::list() {
  auto reply = redis_.eval(lua::lane_owners, {base_ + "lown"}, {base_});
  if (!reply) return fail(reply.error());
  const redisReply* r = reply->get();
  std::vector<LaneOwner> out;
  for (std::size_t i = 0; i + 2 < reply_size(r); i += 3) {
    out.push_back({reply_string(reply_at(r, i)), reply_string(reply_at(r, i + 1)), reply_string(reply_at(r, i + 2)) == "1"});
  }
  std::sort(out.begin(), out.end(), [](const LaneOwner& a, const LaneOwner& b) { return a.lane < b.lane; });
  return out;
}

Result<std::map<std::string, int>> lanes_by_instance(RedisConnection& redis, const std::string& base) {
  auto reply = redis.eval(lua::owned_counts, {base + "lown"}, {base});
  if (!reply) return fail(reply.error());
  std::map<std::string, int> out;
  const redisReply* r = reply->get();
  for (std::size_t i = 0; i + 1 < reply_size(r); i += 2) {
    out[reply_string(reply_at(r, i))] += static_cast<int>(reply_integer(reply_at(r, i + 1)));
  }
  return out;
}

}  // namespace fabu
