#include "bench/redis_floor.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/bench_processes.h"
#include "queue/redis_connection.h"

namespace fabu::bench {
namespace {

constexpr const char* kToken = "fabud-1:7";  // the fencing token the script compares

// Checks the fencing token in KEYS[1], then runs the writes it was given: ARGV is the token, then
// each command as its argument count followed by its arguments.
const RedisScript kFencedWrites{"fenced_writes", R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('fenced') end
local i = 2
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call(unpack(ARGV, i + 1, i + n))
  i = i + n + 1
end
return 1
)lua"};

struct Delivery {
  std::string release;
  std::string suffix;  // `|microblog|<account>`: the id without its release
  std::string lane;
};

// A delivery's state as one packed value (the fields fabu keeps per delivery, most of them empty).
std::string packed_state(const std::string& state, int attempt, const std::string& post_id, std::int64_t now) {
  const std::string sep(1, '\x1f');
  return state + sep + std::to_string(attempt) + sep + "fabud-host-1234" + sep + "0" + sep + post_id + sep + sep + sep +
         sep + sep + std::to_string(now) + sep + std::to_string(now) + sep + sep + sep + sep + "0";
}

std::string log_line(const std::string& event_fields) {
  return R"({"time":"2026-12-06T20:54:11.718+00:00","level":"info",)" + event_fields + "}";
}

class FloorDriver {
 public:
  FloorDriver(const RedisConfig& redis, FloorStep step)
      : redis_(redis), base_(key_base(redis)), step_(step) {}

  void run(int releases, int per_release, int accounts, int batch, bool set_token) {
    if (set_token) check(redis_.command({"SET", key("own"), kToken}), "SET own");
    const std::string json = R"({"id":"x","title":")" + std::string(1000, 'a') + R"("})";
    std::vector<Delivery> deliveries;
    for (int r = 0; r < releases; ++r) {
      const std::string release = "floor-" + std::to_string(r);
      std::vector<RedisArgs> step = {
          {"HSET", key("rel:" + release), "json", json, "digest", std::string(64, 'd'), "serial", std::to_string(r),
           "admitted_ms", std::to_string(now_), "total", std::to_string(per_release), "done", "0", "link",
           "https://www.example.gov.cn/x/" + release}};
      RedisArgs states = {"HSET", key("rel:" + release + ":s")};
      for (int i = 0; i < per_release; ++i) {
        const std::string account = account_of((r * per_release + i) % accounts);
        Delivery d{release, "|microblog|" + account, "microblog/" + account};
        states.push_back(d.suffix);
        states.push_back(packed_state("queued", 0, "", now_));
        step.push_back({"ZADD", key("lq:" + d.lane), std::to_string(now_), d.release + d.suffix});
        deliveries.push_back(std::move(d));
      }
      step.push_back(std::move(states));
      step.push_back(xadd(log_line(R"("detail":")" + std::to_string(per_release) +
                                   R"( deliveries","event":"admitted","release":")" + release + "\"")));
      send(std::move(step));
    }
    for (std::size_t b = 0; b < deliveries.size(); b += static_cast<std::size_t>(batch)) {
      const auto first = deliveries.begin() + static_cast<std::ptrdiff_t>(b);
      const std::size_t end = std::min(deliveries.size(), b + static_cast<std::size_t>(batch));
      const std::vector<Delivery> round(first, deliveries.begin() + static_cast<std::ptrdiff_t>(end));
      send(claim(round));
      send(complete(round));
    }
  }

 private:
  static std::string account_of(int index) {
    std::string digits = std::to_string(index);
    return "m" + std::string(4 - std::min<std::size_t>(4, digits.size()), '0') + digits;
  }

  std::string key(const std::string& name) const { return base_ + name; }

  RedisArgs xadd(const std::string& line) const {
    return {"XADD", key("log"), "MAXLEN", "~", "100000", "*", "line", line};
  }

  // One HSET per release of the round, each delivery's new state in it.
  std::vector<RedisArgs> states_of(const std::vector<Delivery>& round, const std::string& state, bool posted) {
    std::map<std::string, RedisArgs> by_release;
    for (const auto& d : round) {
      auto& args = by_release[d.release];
      if (args.empty()) args = {"HSET", key("rel:" + d.release + ":s")};
      args.push_back(d.suffix);
      args.push_back(packed_state(state, 1, posted ? "50000000000" + std::to_string(++posts_) : "", now_));
    }
    std::vector<RedisArgs> out;
    for (auto& [release, args] : by_release) out.push_back(std::move(args));
    return out;
  }

  std::vector<RedisArgs> claim(const std::vector<Delivery>& round) {
    std::vector<RedisArgs> step;
    RedisArgs leases = {"ZADD", key("inflight")};
    for (const auto& d : round) {
      step.push_back({"ZREM", key("lq:" + d.lane), d.release + d.suffix});
      leases.push_back(std::to_string(now_ + 30000));
      leases.push_back(d.release + d.suffix);
    }
    for (auto& args : states_of(round, "sending", false)) step.push_back(std::move(args));
    step.push_back(std::move(leases));
    return step;
  }

  std::vector<RedisArgs> complete(const std::vector<Delivery>& round) {
    std::vector<RedisArgs> step = states_of(round, "delivered", true);
    std::map<std::string, int> done;
    RedisArgs finished = {"ZREM", key("inflight")};
    for (const auto& d : round) {
      ++done[d.release];
      finished.push_back(d.release + d.suffix);
    }
    for (const auto& [release, count] : done) {
      step.push_back({"HINCRBY", key("rel:" + release), "done", std::to_string(count)});
    }
    step.push_back(std::move(finished));
    for (const auto& d : round) {
      step.push_back(xadd(log_line(R"("attempt":1,"channel":"microblog","destination":")" + d.suffix.substr(11) +
                                   R"(","event":"delivery","latency_ms":1,"outcome":"delivered",)" +
                                   R"("post_id":"5000000000014382","release":")" + d.release + "\"")));
    }
    return step;
  }

  void send(std::vector<RedisArgs> step) {
    if (step_ == FloorStep::multi) {
      step.insert(step.begin(), RedisArgs{"MULTI"});
      step.push_back({"EXEC"});
      auto replies = redis_.pipeline(step);
      if (!replies) throw std::runtime_error("redis-floor: " + replies.error().message);
      const redisReply* exec = replies->back().get();
      if (reply_is_error(exec) || reply_size(exec) != step.size() - 2) {
        throw std::runtime_error("redis-floor: a MULTI block failed");
      }
      return;
    }
    RedisArgs args = {kToken};
    for (auto& command : step) {
      args.push_back(std::to_string(command.size()));
      for (auto& arg : command) args.push_back(std::move(arg));
    }
    check(redis_.eval(kFencedWrites, {key("own")}, std::move(args)), "the fenced script");
  }

  static void check(const Result<RedisReplyPtr>& reply, const std::string& what) {
    if (!reply) throw std::runtime_error("redis-floor: " + what + ": " + reply.error().message);
    if (reply_is_error(reply->get())) {
      throw std::runtime_error("redis-floor: " + what + ": " + reply_string(reply->get()));
    }
  }

  RedisConnection redis_;
  std::string base_;
  FloorStep step_;
  std::int64_t now_ = unix_ms();
  std::int64_t posts_ = 0;
};

}  // namespace

void run_floor_job(const RedisConfig& redis, FloorStep step, const FloorJob& job) {
  FloorDriver(redis, step).run(job.releases, job.per_release, job.accounts, job.batch, job.set_token);
}

ScenarioResult measure_redis_floor(const ScenarioSpec& spec, FloorStep step) {
  ScratchDir dir;
  if (spec.keep_files) dir.keep();
  const int port = free_port();
  Subprocess redis(redis_server_command(port, dir.path(), spec.aof), dir.path() + "/redis.log");
  if (!wait_for_port(port)) throw std::runtime_error("redis-server did not start (is it installed?)");

  ScenarioResult result;
  result.name = spec.name;
  result.target = "-";
  result.deliveries = static_cast<std::int64_t>(spec.releases) * spec.accounts_per_release;
  RedisConfig config;
  config.port = port;
  config.prefix = "floor";
  const FloorJob job{spec.releases, spec.accounts_per_release, spec.accounts, spec.claim_batch};
  const std::int64_t memory_before = redis_used_memory(port);
  const std::int64_t redis_before = cpu_time_us(redis.pid());
  const std::int64_t self_before = cpu_time_us(::getpid());
  const auto start = std::chrono::steady_clock::now();
  run_floor_job(config, step, job);
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double n = static_cast<double>(result.deliveries);
  result.delivered = result.deliveries;
  result.per_second = result.wall_seconds > 0 ? n / result.wall_seconds : 0;
  result.worker_cpu_us = static_cast<double>(cpu_time_us(::getpid()) - self_before) / n;
  result.redis_cpu_us = static_cast<double>(cpu_time_us(redis.pid()) - redis_before) / n;
  result.redis_bytes_per_delivery = static_cast<double>(redis_used_memory(port) - memory_before) / n;
  if (spec.keep_files) result.note = "files in " + dir.path();
  return result;
}

}  // namespace fabu::bench
