// Redis's floor (bench/redis_floor.h) against the shared test redis-server: the job it measures must
// be the whole job, every delivery ending delivered and nothing left queued or leased, or its figure
// would flatter the floor.
#include "bench/redis_floor.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "queue/redis_connection.h"
#include "tests/support/test_redis_config.h"

namespace fabu::bench {

void PrintTo(FloorStep step, std::ostream* os) { *os << (step == FloorStep::multi ? "multi" : "script"); }

namespace {

class FloorJobTest : public ::testing::TestWithParam<FloorStep> {
 protected:
  RedisConfig config_ = testing::shared_redis_config();
  RedisConnection redis_{config_};
  std::string base_ = config_.prefix + ":{" + config_.prefix + "}:";

  long long integer(const RedisArgs& args) {
    auto reply = redis_.command(args);
    EXPECT_TRUE(reply.has_value());
    return reply ? reply_integer(reply->get(), -1) : -1;
  }
};

TEST_P(FloorJobTest, EveryDeliveryEndsDeliveredWithNothingLeftQueuedOrLeased) {
  const FloorJob job{.releases = 7, .per_release = 3, .accounts = 5, .batch = 4};
  run_floor_job(config_, GetParam(), job);

  for (int r = 0; r < job.releases; ++r) {
    const std::string release = "floor-" + std::to_string(r);
    auto states = redis_.command({"HVALS", base_ + "rel:" + release + ":s"});
    ASSERT_TRUE(states.has_value());
    ASSERT_EQ(reply_size(states->get()), 3u) << release;
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_TRUE(reply_string(reply_at(states->get(), i)).starts_with("delivered\x1f")) << release;
    }
    auto done = redis_.command({"HGET", base_ + "rel:" + release, "done"});
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(reply_string(done->get()), "3") << release;
  }
  for (int a = 0; a < job.accounts; ++a) {
    EXPECT_EQ(integer({"ZCARD", base_ + "lq:microblog/m000" + std::to_string(a)}), 0) << a;
  }
  EXPECT_EQ(integer({"ZCARD", base_ + "inflight"}), 0);
  EXPECT_EQ(integer({"XLEN", base_ + "log"}), job.releases + job.releases * job.per_release);
}

INSTANTIATE_TEST_SUITE_P(BothSteps, FloorJobTest, ::testing::Values(FloorStep::multi, FloorStep::script),
                         [](const auto& info) { return info.param == FloorStep::multi ? "Multi" : "Script"; });

TEST(FloorScriptTest, RefusesEveryWriteWhenTheFencingTokenIsAnother) {
  const RedisConfig config = testing::shared_redis_config();
  RedisConnection redis(config);
  const std::string base = config.prefix + ":{" + config.prefix + "}:";
  ASSERT_TRUE(redis.command({"SET", base + "own", "fabud-2:8"}).has_value());

  FloorJob job;
  job.releases = 2;
  job.set_token = false;
  try {
    run_floor_job(config, FloorStep::script, job);
    FAIL() << "the job ran under another instance's token";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("fenced"), std::string::npos) << e.what();
  }
  auto exists = redis.command({"EXISTS", base + "rel:floor-0", base + "rel:floor-0:s"});
  ASSERT_TRUE(exists.has_value());
  EXPECT_EQ(reply_integer(exists->get(), -1), 0);
}

}  // namespace
}  // namespace fabu::bench
