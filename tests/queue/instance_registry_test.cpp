// The instance registry on the shared test redis-server: what fabud announces is what `fabuctl
// instances` lists, with the state an operator must be able to trust during an upgrade.
#include "queue/instance_registry.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_redis_config.h"

namespace fabu {
namespace {

constexpr std::int64_t kNow = 1796590451712;
constexpr std::int64_t kDay = 24LL * 3600 * 1000;

InstanceRecord record(const std::string& name, std::int64_t seen_ms) {
  InstanceRecord r;
  r.name = name;
  r.version = "0.1.0";
  r.revision = "g1a2b3c";
  r.host = "press-1";
  r.pid = 4242;
  r.started_ms = seen_ms - 60000;
  r.seen_ms = seen_ms;
  r.period_ms = 5000;
  return r;
}

class InstanceRegistryTest : public ::testing::Test {
 protected:
  RedisConfig config_ = testing::shared_redis_config();
  InstanceRegistry registry_{config_};
};

TEST_F(InstanceRegistryTest, ListsWhatEachInstanceAnnouncedSortedByName) {
  ASSERT_TRUE(registry_.announce(record("fabud-b", kNow)).has_value());
  auto stopped = record("fabud-a", kNow - 1000);
  stopped.stopped_ms = kNow - 1000;
  stopped.version = "0.0.9";
  ASSERT_TRUE(registry_.announce(stopped).has_value());

  auto listed = registry_.list();
  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "fabud-a");
  EXPECT_EQ((*listed)[0].version, "0.0.9");
  EXPECT_EQ(instance_state((*listed)[0], kNow), InstanceState::stopped);
  const auto& b = (*listed)[1];
  EXPECT_EQ(b.name, "fabud-b");
  EXPECT_EQ(b.version, "0.1.0");
  EXPECT_EQ(b.revision, "g1a2b3c");
  EXPECT_EQ(b.host, "press-1");
  EXPECT_EQ(b.pid, 4242);
  EXPECT_EQ(b.started_ms, kNow - 60000);
  EXPECT_EQ(b.seen_ms, kNow);
  EXPECT_EQ(instance_state(b, kNow), InstanceState::running);
}

TEST_F(InstanceRegistryTest, AnAnnouncementReplacesTheInstancesEarlierOneAndReturnsIt) {
  auto first = registry_.announce(record("fabud-a", kNow));
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->has_value());
  auto later = record("fabud-a", kNow + 5000);
  later.pid = 5151;
  auto replaced = registry_.announce(later);
  ASSERT_TRUE(replaced.has_value());
  ASSERT_TRUE(replaced->has_value());
  EXPECT_EQ((*replaced)->pid, 4242);
  EXPECT_EQ((*replaced)->seen_ms, kNow);
  auto listed = registry_.list();
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].pid, 5151);
  EXPECT_EQ((*listed)[0].seen_ms, kNow + 5000);
}

TEST_F(InstanceRegistryTest, ForgetsOthersStoppedForADayOrSilentForAWeekAtTheNextAnnouncement) {
  ASSERT_TRUE(registry_.announce(record("silent-8d", kNow - 8 * kDay)).has_value());
  ASSERT_TRUE(registry_.announce(record("silent-6d", kNow - 6 * kDay)).has_value());
  auto stopped_2d = record("stopped-2d", kNow - 2 * kDay);
  stopped_2d.stopped_ms = stopped_2d.seen_ms;
  ASSERT_TRUE(registry_.announce(stopped_2d).has_value());
  auto stopped_1h = record("stopped-1h", kNow - 3600000);
  stopped_1h.stopped_ms = stopped_1h.seen_ms;
  ASSERT_TRUE(registry_.announce(stopped_1h).has_value());
  ASSERT_TRUE(registry_.announce(record("self", kNow)).has_value());
  auto listed = registry_.list();
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].name, "self");
  EXPECT_EQ((*listed)[1].name, "silent-6d");
  EXPECT_EQ((*listed)[2].name, "stopped-1h");
}

TEST_F(InstanceRegistryTest, AnEntryThatDoesNotParseIsListedByNameAsSilent) {
  RedisConnection redis(config_);
  const std::string key = config_.prefix + ":{" + config_.prefix + "}:instances";
  ASSERT_TRUE(redis.command({"HSET", key, "odd", R"({"version": 7, "seen_ms": "soon", "pid": 1e999})"}).has_value());
  ASSERT_TRUE(redis.command({"HSET", key, "broken", std::string("{\"version\":\"0.1.0\0", 19)}).has_value());
  auto listed = registry_.list();
  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  for (const auto& r : *listed) {
    EXPECT_TRUE(r.version.empty()) << r.name;
    EXPECT_EQ(r.seen_ms, 0) << r.name;
    EXPECT_EQ(instance_state(r, kNow), InstanceState::silent) << r.name;
  }
}

TEST_F(InstanceRegistryTest, RefusesAnInstanceWithoutAName) {
  auto refused = registry_.announce(record("", kNow));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, ErrorKind::invalid);
}

TEST(InstanceStateTest, RunningForThreePeriodsThenSilentUnlessItSaidItStopped) {
  auto r = record("fabud-a", kNow);
  EXPECT_EQ(instance_state(r, kNow + 15000), InstanceState::running);
  EXPECT_EQ(instance_state(r, kNow + 15001), InstanceState::silent);
  r.stopped_ms = kNow;
  EXPECT_EQ(instance_state(r, kNow + 3600000), InstanceState::stopped);
  EXPECT_EQ(to_string(InstanceState::silent), "silent");
}

}  // namespace
}  // namespace fabu
