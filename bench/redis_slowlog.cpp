#include "bench/redis_slowlog.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "queue/lua_scripts.h"
#include "queue/redis_connection.h"

namespace fabu::bench {

namespace {

constexpr int kSlowlogLength = 10000;

RedisConnection connect(int port) {
  RedisConfig config;
  config.port = port;
  return RedisConnection(config);
}

RedisReplyPtr must(Result<RedisReplyPtr> reply, const char* what) {
  if (!reply) throw std::runtime_error(std::string("redis ") + what + ": " + reply.error().message);
  if (reply_is_error(reply->get())) throw std::runtime_error(std::string("redis ") + what + ": " + reply_string(reply->get()));
  return std::move(*reply);
}

// SHA-1 -> name of every script the ledger runs (SCRIPT LOAD answers the SHA; loading is harmless).
std::map<std::string, std::string> script_names(RedisConnection& redis) {
  std::map<std::string, std::string> names;
  for (const RedisScript* script : {&lua::admit, &lua::reject, &lua::hold, &lua::set_lanes, &lua::claim, &lua::complete,
                                    &lua::retry_dead, &lua::drop_dead, &lua::unpark_lane, &lua::retract,
                                    &lua::change_schedule, &lua::expire_settled, &lua::pack_settled, &lua::set_token,
                                    &lua::queue_depths, &lua::read_deliveries}) {
    names[reply_string(must(redis.command({"SCRIPT", "LOAD", script->source}), "SCRIPT LOAD").get())] =
        std::string(script->name);
  }
  return names;
}

}  // namespace

void start_slowlog(int redis_port, int threshold_us) {
  RedisConnection redis = connect(redis_port);
  must(redis.command({"CONFIG", "SET", "slowlog-log-slower-than", std::to_string(threshold_us)}), "CONFIG SET");
  must(redis.command({"CONFIG", "SET", "slowlog-max-len", std::to_string(kSlowlogLength)}), "CONFIG SET");
  must(redis.command({"SLOWLOG", "RESET"}), "SLOWLOG RESET");
}

std::vector<SlowCommand> slowest_commands(int redis_port, std::size_t limit) {
  RedisConnection redis = connect(redis_port);
  const RedisReplyPtr log = must(redis.command({"SLOWLOG", "GET", std::to_string(kSlowlogLength)}), "SLOWLOG GET");
  const auto names = script_names(redis);
  std::vector<SlowCommand> out;
  // Each entry: id, unix time, duration in us, the command's arguments, (client address, name).
  for (std::size_t i = 0; i < reply_size(log.get()); ++i) {
    const redisReply* entry = reply_at(log.get(), i);
    const redisReply* args = reply_at(entry, 3);
    std::string what = reply_string(reply_at(args, 0));
    std::transform(what.begin(), what.end(), what.begin(), [](unsigned char c) { return std::tolower(c); });
    if (what == "evalsha") {
      const auto it = names.find(reply_string(reply_at(args, 1)));
      what = it == names.end() ? "a script not of the ledger" : it->second;
    }
    out.push_back({static_cast<double>(reply_integer(reply_at(entry, 2))) / 1000.0, what});
  }
  std::sort(out.begin(), out.end(), [](const SlowCommand& a, const SlowCommand& b) { return a.ms > b.ms; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::string describe(const std::vector<SlowCommand>& slowest, int threshold_us) {
  if (slowest.empty()) {
    char none[64];
    std::snprintf(none, sizeof none, "none over %g ms", threshold_us / 1000.0);
    return none;
  }
  std::string text;
  for (const auto& c : slowest) {
    char one[128];
    std::snprintf(one, sizeof one, "%s%.1f ms %s", text.empty() ? "" : ", ", c.ms, c.what.c_str());
    text += one;
  }
  return text;
}

}  // namespace fabu::bench
