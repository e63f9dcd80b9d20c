// Reach end to end with a real redis-server and the real sandbox platform: fabud enters the posts of
// a delivered release for their checkpoints; then a poller over the same channels and Redis, with its
// clock a parameter and the sandbox's clock moved along with it, lives through a simulated day within
// a small hourly budget; `fabuctl reach` shows what it recorded.
#include <signal.h>

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/adapter.h"
#include "adapters/http_transport.h"
#include "core/clock.h"
#include "daemon/channel_set.h"
#include "daemon/reach_source.h"
#include "daemon/snapshot.h"
#include "queue/reach_book.h"
#include "queue/redis_connection.h"
#include "reach/reach_poller.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr int kCallsPerHour = 2;  // three accounts need three post reads per checkpoint: the budget binds

class ReachE2E : public ::testing::Test {
 protected:
  ReachE2E()
      : h_({.members = {{"county_a"}, {"county_b"}},
            .reach_toml = "[reach]\ncalls_per_hour = " + std::to_string(kCallsPerHour) + "\nfollowers_every = \"6h\"\n"}) {}

  // The sandbox's clock, moved forward by `ms`.
  void advance_sandbox(std::int64_t ms) {
    const auto r = http_request(h_.sandbox().port(), "POST", "/_sandbox/clock",
                                nlohmann::json{{"advance_seconds", ms / 1000}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Calls recorded per clock hour in the shared budget (reach:calls:<hour ms>).
  std::map<std::int64_t, long long> calls_per_hour() {
    RedisConfig config;
    config.port = h_.redis_port();
    config.prefix = h_.prefix();
    RedisConnection redis(config);
    std::map<std::int64_t, long long> out;
    const std::string base = h_.prefix() + ":{" + h_.prefix() + "}:reach:calls:";
    auto keys = redis.command({"KEYS", base + "*"});
    EXPECT_TRUE(keys);
    for (std::size_t i = 0; keys && i < reply_size(keys->get()); ++i) {
      const std::string key = reply_string(reply_at(keys->get(), i));
      auto used = redis.command({"GET", key});
      out[std::stoll(key.substr(base.size()))] = std::stoll(reply_string(used->get(), "0"));
    }
    return out;
  }

  Harness h_;
};

TEST_F(ReachE2E, ADeliveredReleaseIsReadAtItsCheckpointsThroughASimulatedDayWithinTheBudget) {
  // 1. fabud delivers, and its reach worker enters the three posts at once.
  {
    ChildProcess fabud = h_.start_fabud();
    h_.enqueue(release_json("reach-1", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
    ASSERT_TRUE(Harness::eventually([&] { return h_.settled("reach-1"); })) << h_.log_of();
    auto book = make_redis_reach_book(RedisConfig{.port = h_.redis_port(), .prefix = h_.prefix()}, 400);
    ASSERT_TRUE(Harness::eventually([&] {
      auto reach = book->release_reach("reach-1");
      return reach && reach->size() == 3;
    })) << h_.log_of();
    const auto reach = book->release_reach("reach-1");
    for (const auto& status : h_.deliveries("reach-1")) {
      if (status.channel != "microblog") continue;
      const auto it = std::find_if(reach->begin(), reach->end(), [&](const AccountReach& a) { return a.account == status.destination; });
      ASSERT_NE(it, reach->end()) << status.destination;
      EXPECT_EQ(it->post_id, status.post_id);
    }
    fabud.signal(SIGTERM);
    ASSERT_EQ(fabud.wait(), 0) << h_.log_of();
  }

  // 2. A poller over the same config and Redis lives through 26 hours in 10-minute rounds.
  auto config = load_config(h_.config_path());
  ASSERT_TRUE(config);
  auto http = make_beast_transport_factory({});
  ASSERT_TRUE(http);
  AdapterRegistry registry;
  register_builtin_adapters(registry);
  AdapterEnv env{http->get(), std::chrono::milliseconds(2000)};
  auto channels = ChannelSet::create(**config, registry, env);
  ASSERT_TRUE(channels);
  Snapshot<ChannelSet> snapshot(*channels);
  ChannelReachSource source(snapshot, std::chrono::milliseconds(2000));
  ReachOptions options;
  options.calls_per_hour = kCallsPerHour;
  options.followers_every = std::chrono::hours(6);
  ReachPoller poller(options, make_redis_reach_book((*config)->redis, 400), source);

  const std::int64_t start = unix_now_ms();
  for (std::int64_t now = start; now <= start + 26 * kHour; now += 10 * kMinute) {
    ASSERT_TRUE(poller.poll(now));
    advance_sandbox(10 * kMinute);
  }

  // 3. The budget held in every hour, and was what the poller counted.
  const auto used = calls_per_hour();
  long long total = 0;
  for (const auto& [hour, calls] : used) {
    EXPECT_LE(calls, kCallsPerHour) << "hour starting " << hour;
    total += calls;
  }
  const auto metrics = poller.metrics();
  EXPECT_GT(metrics.deferred, 0);  // the budget bound
  EXPECT_EQ(metrics.errors, 0);
  EXPECT_EQ(metrics.checkpoints_read, 9);  // 1h, 6h and 24h of three posts
  EXPECT_LE(metrics.calls, total);         // fabud's own followers reads count too

  // 4. Every post has its +1h, +6h and +24h, growing; followers grew over the day.
  auto book = make_redis_reach_book((*config)->redis, 400);
  const auto reach = book->release_reach("reach-1");
  ASSERT_TRUE(reach);
  ASSERT_EQ(reach->size(), 3u);
  for (const auto& account : *reach) {
    ASSERT_EQ(account.checkpoints.size(), 3u) << account.account;
    const auto& hour = account.checkpoints.at("1h");
    const auto& six = account.checkpoints.at("6h");
    const auto& day = account.checkpoints.at("24h");
    EXPECT_GE(hour.at_ms, account.delivered_ms + kHour);
    EXPECT_LT(hour.at_ms, account.delivered_ms + 3 * kHour);  // late by the budget, at most an hour more
    EXPECT_GE(day.at_ms, account.delivered_ms + 24 * kHour);
    EXPECT_LE(hour.counts.likes, six.counts.likes);
    EXPECT_LT(six.counts.likes, day.counts.likes);
    ASSERT_TRUE(account.followers_now) << account.account;
    ASSERT_TRUE(account.followers_at_delivery) << account.account;
    EXPECT_GT(*account.followers_now, *account.followers_at_delivery);
  }

  // 5. fabuctl reach shows it: a table, and JSON with the same numbers.
  std::string table;
  EXPECT_EQ(run_shell(fabuctl(h_, "reach reach-1"), table), 0) << table;
  EXPECT_NE(table.find("microblog/county_a"), std::string::npos) << table;
  EXPECT_NE(table.find("+24h"), std::string::npos) << table;
  const auto& lead = *std::find_if(reach->begin(), reach->end(), [](const AccountReach& a) { return a.account == "lead_acct"; });
  const auto& day = lead.checkpoints.at("24h").counts;
  const std::string cell = std::to_string(day.reposts) + "/" + std::to_string(day.comments) + "/" + std::to_string(day.likes);
  EXPECT_NE(table.find(cell), std::string::npos) << table;

  std::string json_text;
  ASSERT_EQ(run_shell(fabuctl(h_, "reach reach-1 --json"), json_text), 0) << json_text;
  const auto json = nlohmann::json::parse(json_text);
  ASSERT_EQ(json.at("accounts").size(), 3u);
  EXPECT_EQ(json.at("budget").at("calls_per_hour"), kCallsPerHour);
  for (const auto& account : json.at("accounts")) {
    EXPECT_TRUE(account.at("checkpoints").contains("24h")) << account.dump();
    EXPECT_FALSE(account.at("checkpoints").contains("72h")) << account.dump();
    EXPECT_TRUE(account.at("followers_now").is_number()) << account.dump();
  }

  std::string unknown;
  EXPECT_EQ(run_shell(fabuctl(h_, "reach no-such-release"), unknown), 1) << unknown;
  EXPECT_NE(unknown.find("no reach recorded"), std::string::npos) << unknown;
}

}  // namespace
}  // namespace fabu::testing
