// RedisConnection against a real 3-primary Redis Cluster: it finds the primary of its office's slot
// through the seeds (skipping a dead one), follows ASK while the slot is being moved without moving
// itself, and follows MOVED from a stale route afterwards; a script runs once per call throughout,
// also on a node whose script cache does not hold it yet.
#include <string>

#include <gtest/gtest.h>

#include "queue/redis_cluster.h"
#include "queue/redis_connection.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace fabu {
namespace {

using testing::RedisCluster;

std::string at(int port) { return "127.0.0.1:" + std::to_string(port); }

TEST(RedisClusterConnection, FollowsAskWhileTheSlotMovesAndMovedAfterwards) {
  RedisCluster cluster(3);
  RedisConfig config;
  config.prefix = testing::unique_prefix();
  config.cluster_nodes.push_back({"127.0.0.1", testing::free_port()});  // a seed that is down
  for (int port : cluster.ports()) config.cluster_nodes.push_back({"127.0.0.1", port});
  const int slot = office_slot(config.prefix);
  const int from = cluster.owner_of(slot);
  const int to = cluster.ports()[0] == from ? cluster.ports()[1] : cluster.ports()[0];
  const std::string tag = config.prefix + ":{" + config.prefix + "}:";
  const RedisScript counting{"counting", "redis.call('INCR', KEYS[1]) return redis.call('INCR', ARGV[1])"};
  auto count = [&](RedisConnection& redis) {
    auto ran = redis.eval(counting, {tag + "a"}, {tag + "b"});
    return ran ? reply_integer(ran->get(), -1) : -100;
  };

  RedisConnection redis(config);
  ASSERT_TRUE(redis.command({"SET", tag + "k", "v1"}));
  ASSERT_TRUE(redis.command({"SET", tag + "j", "w1"}));
  EXPECT_EQ(redis.endpoint(), at(from));
  EXPECT_EQ(count(redis), 1);

  cluster.move_slot(slot, to, [&] {
    // The keys are on `to`; `from` still owns the slot and answers ASK for them.
    auto got = redis.command({"GET", tag + "k"});
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(reply_string(got->get()), "v1");
    EXPECT_EQ(count(redis), 2);  // NOSCRIPT on `to`, then EVAL there, both after ASKING
    auto both = redis.pipeline({{"GET", tag + "k"}, {"GET", tag + "j"}});
    ASSERT_TRUE(both) << both.error().message;
    EXPECT_EQ(reply_string((*both)[1].get()), "w1");
    EXPECT_EQ(redis.endpoint(), at(from)) << "ASK must not move the connection";
  });

  // The route is stale now: `from` answers MOVED, and the connection moves to `to`.
  EXPECT_EQ(count(redis), 3);
  EXPECT_EQ(redis.endpoint(), at(to));
  EXPECT_EQ(RedisCluster::cli(to, "GET '" + tag + "a'"), "3\n") << "a script ran twice or not at all";

  // Back again, onto a node that forgot its scripts; a pipeline meets the MOVED this time.
  RedisCluster::cli(from, "SCRIPT FLUSH");
  cluster.move_slot(slot, from);
  auto both = redis.pipeline({{"GET", tag + "k"}, {"INCR", tag + "b"}});
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(reply_string((*both)[0].get()), "v1");
  EXPECT_EQ(reply_integer((*both)[1].get()), 4);
  EXPECT_EQ(redis.endpoint(), at(from));
  EXPECT_EQ(count(redis), 5);
  EXPECT_EQ(RedisCluster::cli(from, "GET '" + tag + "a'"), "4\n");
}

TEST(RedisClusterConnection, NoReachableSeedIsATransientErrorThatNamesThem) {
  RedisConfig config;
  config.prefix = "linyi";
  const int dead = testing::free_port();
  config.cluster_nodes = {{"127.0.0.1", dead}};
  config.connect_timeout = std::chrono::milliseconds(200);
  RedisConnection redis(config);
  auto reply = redis.command({"PING"});
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().kind, ErrorKind::transient);
  EXPECT_NE(reply.error().message.find(at(dead)), std::string::npos) << reply.error().message;
  EXPECT_NE(reply.error().message.find("slot " + std::to_string(office_slot("linyi"))), std::string::npos);
}

}  // namespace
}  // namespace fabu
