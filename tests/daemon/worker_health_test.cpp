#include "daemon/worker_health.h"

#include <gtest/gtest.h>

#include <thread>

namespace fabu {
namespace {

TEST(WorkerHealth, HealthyUntilAWorkerReportsAndTheFirstReportIsKept) {
  WorkerHealth health;
  EXPECT_TRUE(health.healthy());
  EXPECT_EQ(health.failure(), "");
  std::thread intake([&] { health.report_fatal("intake", "out_of_range"); });
  intake.join();
  health.report_fatal("dispatcher", "later");
  EXPECT_FALSE(health.healthy());
  EXPECT_EQ(health.failure(), "intake: out_of_range");
}

TEST(WorkerHealth, ALongReasonIsCut) {
  WorkerHealth health;
  health.report_fatal("intake", std::string(1 << 20, 'x'));
  EXPECT_LT(health.failure().size(), 1100u);
  EXPECT_NE(health.failure().find("1048576 bytes, at most 1024"), std::string::npos);
}

TEST(WorkerHealth, ADeadWorkerExitsWithItsOwnStatus) {
  EXPECT_NE(exit_code_worker_died, 0);
  EXPECT_NE(exit_code_worker_died, 2);  // 2 is a bad config
}

}  // namespace
}  // namespace fabu
