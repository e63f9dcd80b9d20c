// Reads for people (fabuctl, the admin API) and the operator actions on dead letters and lanes.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>

#include "queue/lua_scripts.h"
#include "queue/redis_delivery_ledger.h"

namespace fabu {
namespace {

std::vector<std::string> strings_of(const redisReply* array) {
  std::vector<std::string> out;
  out.reserve(reply_size(array));
  for (std::size_t i = 0; i < reply_size(array); ++i) out.push_back(reply_string(reply_at(array, i)));
  return out;
}

}  // namespace

Result<std::vector<DeliveryStatus>> RedisDeliveryLedger::statuses(const std::string& release_id,
                                                                   const std::vector<std::string>& ids) {
  RedisArgs args{release_id};
  args.insert(args.end(), ids.begin(), ids.end());
  auto reply = run(lua::read_deliveries, std::move(args));
  if (!reply) return fail(reply.error());
  const redisReply* pairs = reply->get();
  std::vector<DeliveryStatus> out;
  out.reserve(reply_size(pairs) / 2);
  for (std::size_t i = 0; i + 1 < reply_size(pairs); i += 2) {
    out.push_back(delivery_status_from(reply_string(reply_at(pairs, i)), reply_at(pairs, i + 1)));
  }
  return out;
}

Result<std::optional<std::string>> RedisDeliveryLedger::release_json(const std::string& release_id) {
  auto reply = redis_.command({"HGET", key("rel:" + release_id), "json"});
  if (!reply) return fail(reply.error());
  if (reply_is_nil(reply->get())) return std::optional<std::string>();
  return std::optional<std::string>(reply_string(reply->get()));
}

Result<std::vector<DeliveryStatus>> RedisDeliveryLedger::deliveries_of(const std::string& release_id) {
  auto found = statuses(release_id, {});
  if (!found) return fail(found.error());
  std::sort(found->begin(), found->end(), [](const DeliveryStatus& a, const DeliveryStatus& b) { return a.id < b.id; });
  return found;
}

Result<std::optional<DeliveryStatus>> RedisDeliveryLedger::delivery(const std::string& delivery_id) {
  auto found = statuses("", {delivery_id});
  if (!found) return fail(found.error());
  if (found->empty()) return std::optional<DeliveryStatus>();
  return std::optional<DeliveryStatus>(std::move(found->front()));
}

Result<std::vector<DeliveryStatus>> RedisDeliveryLedger::dead_letters(int limit) {
  if (limit <= 0) return std::vector<DeliveryStatus>();
  // Newest first: the failure someone is asking about is usually the latest.
  auto reply = redis_.command({"ZREVRANGE", key("dead"), "0", std::to_string(limit - 1)});
  if (!reply) return fail(reply.error());
  return statuses("", strings_of(reply->get()));
}

Result<bool> RedisDeliveryLedger::retry_dead(const std::string& delivery_id, std::int64_t now_ms) {
  auto reply = run(lua::retry_dead, {delivery_id, std::to_string(now_ms)});
  if (!reply) return fail(reply.error());
  return reply_integer(reply->get()) == 1;
}

Result<bool> RedisDeliveryLedger::drop_dead(const std::string& delivery_id) {
  auto reply = run(lua::drop_dead, {delivery_id});
  if (!reply) return fail(reply.error());
  return reply_integer(reply->get()) == 1;
}

Result<void> RedisDeliveryLedger::unpark_lane(const std::string& lane, std::int64_t now_ms) {
  auto reply = run(lua::unpark_lane, {lane, std::to_string(now_ms)});
  if (!reply) return fail(reply.error());
  return {};
}

Result<QueueDepths> RedisDeliveryLedger::queue_depths(std::int64_t now_ms, int cap) {
  auto reply = run(lua::queue_depths, {std::to_string(now_ms), std::to_string(std::max(cap, 0))});
  if (!reply) return fail(reply.error());
  const redisReply* r = reply->get();
  if (reply_size(r) != 9) return fail(script_shape_error("queue_depths"));
  const auto at = [&](std::size_t i) {
    const redisReply* e = reply_at(r, i);
    return e->type == REDIS_REPLY_INTEGER ? e->integer : to_int64(reply_string(e));
  };
  return QueueDepths{at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7), at(8)};
}

Result<std::map<std::string, std::int64_t>> RedisDeliveryLedger::activity() {
  auto reply = redis_.command({"HGETALL", key("activity")});
  if (!reply) return fail(reply.error());
  std::map<std::string, std::int64_t> out;
  const redisReply* r = reply->get();
  for (std::size_t i = 0; i + 1 < reply_size(r); i += 2) {
    out[reply_string(reply_at(r, i))] = to_int64(reply_string(reply_at(r, i + 1)));
  }
  return out;
}

Result<std::vector<std::string>> RedisDeliveryLedger::release_ids() {
  // `rel:<id>` and its companions `rel:<id>:d`, `rel:<id>:reach`: a release id holds no ':'.
  const std::string head = key("rel:");
  std::vector<std::string> out;
  std::string cursor = "0";
  do {
    auto reply = redis_.command({"SCAN", cursor, "MATCH", head + "*", "COUNT", "1000"});
    if (!reply) return fail(reply.error());
    if (reply_size(reply->get()) != 2) return fail(script_shape_error("SCAN"));
    cursor = reply_string(reply_at(reply->get(), 0));
    for (auto& name : strings_of(reply_at(reply->get(), 1))) {
      std::string id = name.substr(head.size());
      if (!id.empty() && id.find(':') == std::string::npos) out.push_back(std::move(id));
    }
  } while (cursor != "0");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());  // SCAN may return a key twice
  return out;
}

Result<std::vector<LaneStatus>> RedisDeliveryLedger::lanes() {
  auto members = redis_.command({"SMEMBERS", key("lanes")});
  if (!members) return fail(members.error());
  auto names = strings_of(members->get());
  std::sort(names.begin(), names.end());
  std::vector<RedisArgs> commands;
  for (const auto& name : names) {
    commands.push_back({"HGETALL", key("lane:" + name)});
    commands.push_back({"ZCARD", key("lq:" + name)});
  }
  auto replies = redis_.pipeline(commands);
  if (!replies) return fail(replies.error());
  std::vector<LaneStatus> out;
  out.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const redisReply* hash = (*replies)[2 * i].get();
    if (reply_is_error(hash)) return fail(redis_error_reply(*hash, "HGETALL"));
    LaneStatus lane;
    lane.lane = names[i];
    lane.limits.lane = names[i];
    for (std::size_t f = 0; f + 1 < reply_size(hash); f += 2) {
      std::string field = reply_string(reply_at(hash, f));
      std::string value = reply_string(reply_at(hash, f + 1));
      if (field == "max_in_flight") lane.limits.max_in_flight = static_cast<int>(to_int64(value));
      if (field == "per_hour") lane.limits.per_hour = static_cast<int>(to_int64(value));
      if (field == "min_gap_ms") lane.limits.min_gap = std::chrono::milliseconds(to_int64(value));
      if (field == "group") lane.limits.group = value;
      if (field == "group_per_hour") lane.limits.group_per_hour = static_cast<int>(to_int64(value));
      if (field == "inflight") lane.in_flight = static_cast<int>(to_int64(value));
      if (field == "parked") lane.parked_reason = value;
      if (field == "last_sent_ms") lane.last_sent_ms = to_int64(value);
      if (field == "slow_until_ms") lane.slow_until_ms = to_int64(value);
      if (field == "fails") lane.consecutive_failures = static_cast<int>(to_int64(value));
      if (field == "breaker_until_ms") lane.breaker_until_ms = to_int64(value);
    }
    lane.queued = static_cast<int>(reply_integer((*replies)[2 * i + 1].get()));
    out.push_back(std::move(lane));
  }
  return out;
}

Result<int> RedisDeliveryLedger::group_sends_last_hour(const std::string& group, std::int64_t now_ms) {
  // The claim script scores each send by its time and trims what is older than an hour (`gw:<group>`).
  auto reply = redis_.command({"ZCOUNT", key("gw:" + group), "(" + std::to_string(now_ms - 3'600'000), "+inf"});
  if (!reply) return fail(reply.error());
  return static_cast<int>(reply_integer(reply->get()));
}

}  // namespace fabu
