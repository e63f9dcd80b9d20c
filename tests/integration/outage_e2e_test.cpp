// End to end: redis-server goes away and comes back while fabud runs (and before it starts), and
// fabud's start-up warning about Redis without persistence.
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace fabu::testing {
namespace {

// XADD until Redis takes it: the test's own connection went stale while Redis was down, and its
// first command after the restart fails (transient) like any client's.
void enqueue_when_up(Harness& h, const std::string& json) {
  const bool queued = Harness::eventually([&] { return h.ledger().enqueue(json, "json").has_value(); },
                                          std::chrono::seconds(10));
  ASSERT_TRUE(queued) << "redis did not take the release";
}

bool all_delivered(Harness& h, const std::string& release_id) {
  if (!h.settled(release_id)) return false;
  for (const auto& d : h.deliveries(release_id)) {
    if (d.state != DeliveryState::delivered) {
      ADD_FAILURE() << d.id << " ended " << to_string(d.state) << ": " << d.last_error;
      return false;
    }
  }
  return true;
}

TEST(RedisOutageE2E, RedisStoppedMidDeliveryIsRiddenOutAndEachStateChangeLoggedOnce) {
  RedisServer redis(/*appendonly=*/true);
  std::vector<AccountSpec> members;
  for (int i = 0; i < 8; ++i) members.push_back({"county_" + std::to_string(i)});
  // Slow replies keep posts in flight while Redis is down.
  Harness h({.sandbox_args = {"--latency-ms", "500"}, .members = members, .redis_port = redis.port()});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("outage-before", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
  ASSERT_TRUE(Harness::eventually([&] {
    for (const auto& d : h.deliveries("outage-before")) {
      if (d.state == DeliveryState::sending && d.channel == "microblog") return true;
    }
    return false;
  })) << h.log_of();

  redis.stop();
  // Long enough for several retries of every thread and for the in-flight posts to finish at the
  // platform with nowhere to record them yet.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_TRUE(fabud.running()) << h.log_of();
  redis.start();

  // New work is accepted again, and what was in flight is recorded once, not sent again.
  enqueue_when_up(h, release_json("outage-after", R"({"portal":["zcjd"],"microblog":["lead","all"]})",
                                  "临沂市恢复发布测试", "市政府新闻办今天发布第二条测试信息，验证恢复后的投递。"));
  ASSERT_TRUE(Harness::eventually([&] { return all_delivered(h, "outage-before"); }, std::chrono::seconds(40)))
      << h.log_of();
  ASSERT_TRUE(Harness::eventually([&] { return all_delivered(h, "outage-after"); }, std::chrono::seconds(40)))
      << h.log_of();
  const auto posts = h.sandbox_posts();
  EXPECT_EQ(posts_by(posts, h.token_of("lead_acct")), 2);
  for (const auto& m : members) EXPECT_EQ(posts_by(posts, h.token_of(m.id)), 2) << m.id;

  const std::string log = h.log_of();
  EXPECT_EQ(count_of(log, "redis unavailable"), 1) << log;
  EXPECT_EQ(count_of(log, "redis available again"), 1) << log;
  EXPECT_EQ(count_of(log, "append-only persistence off"), 0) << "Redis runs with appendonly yes here";
  EXPECT_TRUE(fabud.running());
}

TEST(RedisOutageE2E, StartedWhileRedisIsDownWaitsLogsOnceAndStartsWhenItComes) {
  RedisServer redis(/*appendonly=*/true);
  Harness h({.members = {{"county_a"}}, .redis_port = redis.port()});
  redis.stop();
  auto fabud = h.start_fabud();
  ASSERT_TRUE(Harness::eventually([&] { return h.log_of().find("waiting for redis") != std::string::npos; }))
      << h.log_of();
  // Several connection attempts fail meanwhile (100 ms doubling).
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(fabud.running());
  redis.start();

  enqueue_when_up(h, release_json("late-redis", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return all_delivered(h, "late-redis"); }, std::chrono::seconds(30)))
      << h.log_of();
  const std::string log = h.log_of();
  EXPECT_EQ(count_of(log, "waiting for redis"), 1) << log;
  EXPECT_EQ(count_of(log, "connected to redis"), 1) << log;
  EXPECT_EQ(posts_by(h.sandbox_posts(), h.token_of("county_a")), 1);
}

TEST(RedisOutageE2E, RedisWithoutAppendOnlyIsWarnedAboutAtStartWithWhatToSet) {
  RedisServer redis(/*appendonly=*/false);
  Harness h({.redis_port = redis.port()});
  auto fabud = h.start_fabud();
  ASSERT_TRUE(Harness::eventually([&] { return h.log_of().find(" started:") != std::string::npos; })) << h.log_of();
  const std::string log = h.log_of();
  EXPECT_EQ(count_of(log, "append-only persistence off"), 1) << log;
  EXPECT_NE(log.find("appendonly yes"), std::string::npos) << "the warning says what to set";
  EXPECT_NE(log.find("appendfsync"), std::string::npos) << "the warning says what to set";
}

}  // namespace
}  // namespace fabu::testing
