// Lane ownership on the shared test redis-server: lanes spread over the live instances, busy lanes
// stay with their owner, and a stopped or dead instance's lanes pass to the others.
#include "queue/lane_owners.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>

#include "tests/support/test_redis_config.h"

namespace fabu {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kLease{60000};

class LaneOwnersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 7; ++i) add_lane("microblog/county-" + std::to_string(i));
  }

  void add_lane(const std::string& lane) {
    auto added = redis_.command({"SADD", key_base(config_) + "lanes", lane});
    ASSERT_TRUE(added.has_value()) << added.error().message;
  }

  void set_in_flight(const std::string& lane, int n) {
    auto set = redis_.command({"HSET", key_base(config_) + "lane:" + lane, "inflight", std::to_string(n)});
    ASSERT_TRUE(set.has_value()) << set.error().message;
  }

  std::string token(const std::string& name) {
    auto t = owners_.new_token(name);
    EXPECT_TRUE(t.has_value()) << t.error().message;
    return t ? *t : std::string();
  }

  OwnershipRound renew(const std::string& name, const std::string& token, milliseconds lease = kLease) {
    auto round = owners_.renew(name, token, lease);
    EXPECT_TRUE(round.has_value()) << round.error().message;
    return round ? *round : OwnershipRound{};
  }

  // Two instances, `a` first, renewing in turn until they have split the lanes (7: 3 for `a`, which
  // came down to the lower share for `b`, and 4 for `b`).
  void split(const std::string& name_a, const std::string& a, const std::string& name_b, const std::string& b,
             milliseconds lease_a = kLease) {
    renew(name_a, a, lease_a);
    renew(name_b, b);
    renew(name_a, a, lease_a);
    renew(name_b, b);
  }

  // The only live instance left renews: it takes the 3 lanes of the other and owns all 7.
  void expect_alone_takes_the_rest(const std::string& name, const std::string& token) {
    const auto round = renew(name, token);
    EXPECT_EQ(round.instances, 1);
    EXPECT_EQ(round.taken, 3);
    EXPECT_EQ(count_of(name), 7);
  }

  // lane -> "<instance>" or "<instance> (gone)"
  std::map<std::string, std::string> owner_of() {
    std::map<std::string, std::string> out;
    auto listed = owners_.list();
    EXPECT_TRUE(listed.has_value()) << listed.error().message;
    if (!listed) return out;
    for (const auto& o : *listed) out[o.lane] = o.live ? o.instance : o.instance + " (gone)";
    return out;
  }

  int count_of(const std::string& owner) {
    int n = 0;
    for (const auto& [lane, o] : owner_of()) n += o == owner;
    return n;
  }

  RedisConfig config_ = testing::shared_redis_config();
  RedisConnection redis_{config_};
  LaneOwners owners_{config_};
};

TEST_F(LaneOwnersTest, AnInstanceAloneOwnsEveryLane) {
  const auto a = token("press-a");
  const auto round = renew("press-a", a);
  EXPECT_EQ(round.owned, 7);
  EXPECT_EQ(round.taken, 7);
  EXPECT_EQ(round.instances, 1);
  EXPECT_EQ(round.lanes, 7);
  EXPECT_EQ(count_of("press-a"), 7);
  // A renewal with nothing changed changes nothing.
  const auto again = renew("press-a", a);
  EXPECT_EQ(again.owned, 7);
  EXPECT_EQ(again.taken, 0);
  EXPECT_EQ(again.handed_back, 0);
}

TEST_F(LaneOwnersTest, ASecondInstanceGetsItsShareOnceTheFirstHandsItBack) {
  const auto a = token("press-a");
  const auto b = token("press-b");
  renew("press-a", a);
  EXPECT_EQ(renew("press-b", b).owned, 0);  // every lane has a live owner
  // Two instances now: each holds 3 (7 / 2, rounded down) to 4 (rounded up) lanes. While press-b holds
  // fewer than 3, press-a keeps no more than 3.
  const auto handed = renew("press-a", a);
  EXPECT_EQ(handed.handed_back, 4);
  EXPECT_EQ(handed.owned, 3);
  EXPECT_EQ(renew("press-b", b).taken, 4);
  const auto owners = owner_of();
  EXPECT_EQ(owners.size(), 7u);  // each lane one owner
  EXPECT_EQ(count_of("press-a"), 3);
  EXPECT_EQ(count_of("press-b"), 4);
  // Settled: further renewals move nothing.
  EXPECT_EQ(renew("press-a", a).handed_back, 0);
  EXPECT_EQ(renew("press-b", b).taken, 0);
  EXPECT_EQ(owner_of(), owners);
}

TEST_F(LaneOwnersTest, ALaneWithASendUnderWayStaysWithItsOwner) {
  const auto a = token("press-a");
  const auto b = token("press-b");
  renew("press-a", a);
  for (int i = 0; i < 7; ++i) set_in_flight("microblog/county-" + std::to_string(i), i < 5 ? 1 : 0);
  renew("press-b", b);
  const auto round = renew("press-a", a);
  EXPECT_EQ(round.handed_back, 2);  // only the two idle lanes, though 4 are above the lower share
  renew("press-b", b);
  const auto owners = owner_of();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(owners.at("microblog/county-" + std::to_string(i)), "press-a");
  EXPECT_EQ(count_of("press-b"), 2);
  // Once their sends have finished, the lanes above it go at the next renewal.
  set_in_flight("microblog/county-4", 0);
  set_in_flight("microblog/county-3", 0);
  EXPECT_EQ(renew("press-a", a).handed_back, 2);
  EXPECT_EQ(renew("press-b", b).taken, 2);
  EXPECT_EQ(count_of("press-a"), 3);
  EXPECT_EQ(count_of("press-b"), 4);
}

TEST_F(LaneOwnersTest, AStoppedInstancesLanesPassAtTheOthersNextRenewal) {
  const auto a = token("press-a");
  const auto b = token("press-b");
  split("press-a", a, "press-b", b);
  auto released = owners_.release("press-a", a);
  ASSERT_TRUE(released.has_value()) << released.error().message;
  EXPECT_EQ(*released, 3);
  expect_alone_takes_the_rest("press-b", b);
}

TEST_F(LaneOwnersTest, ADeadInstancesLanesPassOnlyAfterItsLease) {
  const auto a = token("press-a");
  const auto b = token("press-b");
  split("press-a", a, "press-b", b, milliseconds(1500));
  ASSERT_EQ(count_of("press-a"), 3);
  // press-a is killed: it renews no more. Within its lease its lanes stay its own.
  EXPECT_EQ(renew("press-b", b).taken, 0);
  std::this_thread::sleep_for(milliseconds(1700));
  EXPECT_EQ(owner_of().at("microblog/county-0"), "press-a (gone)");
  expect_alone_takes_the_rest("press-b", b);
}

TEST_F(LaneOwnersTest, ALaneAddedLaterIsTakenAtTheNextRenewal) {
  const auto a = token("press-a");
  renew("press-a", a);
  add_lane("portal/site");
  const auto round = renew("press-a", a);
  EXPECT_EQ(round.taken, 1);
  EXPECT_EQ(round.owned, 8);
  EXPECT_EQ(owner_of().at("portal/site"), "press-a");
}

TEST_F(LaneOwnersTest, NoTwoOwnershipsShareAToken) {
  const auto first = token("press-a");
  const auto second = token("press-a");
  EXPECT_NE(first, second);
  EXPECT_EQ(first.rfind("press-a:", 0), 0u) << first;
  // A restarted instance (a new token under the same name) does not inherit its predecessor's lanes
  // by its name: they are free once the old token's lease is over, and taken like any free lane.
  renew("press-a", first, milliseconds(300));
  std::this_thread::sleep_for(milliseconds(500));
  const auto round = renew("press-a", second);
  EXPECT_EQ(round.taken, 7);
  EXPECT_EQ(count_of("press-a"), 7);
}

// Two processes configured with one name (the instance registry reports the mistake) are still two
// owners: they share the lanes instead of taking them from each other at every renewal.
TEST_F(LaneOwnersTest, TwoProcessesUnderOneNameShareTheLanesWithoutTakingThemInTurn) {
  const auto a = token("press-twin");
  const auto b = token("press-twin");
  split("press-twin", a, "press-twin", b);
  for (int i = 0; i < 3; ++i) {
    const auto ra = renew("press-twin", a);
    const auto rb = renew("press-twin", b);
    EXPECT_EQ(ra.taken + ra.handed_back + rb.taken + rb.handed_back, 0);
    EXPECT_EQ(ra.owned, 3);
    EXPECT_EQ(rb.owned, 4);
    EXPECT_EQ(ra.instances, 2);
  }
  EXPECT_EQ(count_of("press-twin"), 7);
}

// Few lanes among many instances: nobody is left without any while others hold more than the lower
// share (4 lanes, 3 instances: 1 or 2 each, never 2, 2 and 0).
TEST_F(LaneOwnersTest, WithFewLanesEveryInstanceGetsSome) {
  ASSERT_TRUE(redis_.command({"DEL", key_base(config_) + "lanes"}).has_value());
  for (int i = 0; i < 4; ++i) add_lane("microblog/dept-" + std::to_string(i));
  const auto a = token("press-a");
  const auto b = token("press-b");
  const auto c = token("press-c");
  renew("press-a", a);
  renew("press-b", b);
  renew("press-a", a);
  renew("press-b", b);  // two instances: 2 and 2
  ASSERT_EQ(count_of("press-a"), 2);
  ASSERT_EQ(count_of("press-b"), 2);
  for (int round = 0; round < 3; ++round) {
    renew("press-c", c);
    renew("press-a", a);
    renew("press-b", b);
  }
  EXPECT_GE(count_of("press-a"), 1);
  EXPECT_GE(count_of("press-b"), 1);
  EXPECT_GE(count_of("press-c"), 1);
  EXPECT_EQ(count_of("press-a") + count_of("press-b") + count_of("press-c"), 4);
  // Settled: another round moves nothing.
  EXPECT_EQ(renew("press-c", c).taken + renew("press-a", a).handed_back + renew("press-b", b).handed_back, 0);
}

}  // namespace
}  // namespace fabu
