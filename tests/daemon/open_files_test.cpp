#include "daemon/open_files.h"

#include <sys/resource.h>

#include <algorithm>

#include <gtest/gtest.h>

namespace fabu {
namespace {

// Puts the soft limit back as the test found it.
class OpenFilesLimitTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved_), 0); }
  void TearDown() override { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  static void set_soft(rlim_t soft) {
    rlimit limit{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    limit.rlim_cur = soft;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
  }
  static long soft_now() {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    return static_cast<long>(limit.rlim_cur);
  }
  rlimit saved_{};
};

TEST(OpenFilesWanted, CountsEachChannelsConnectionsTheApiAndAMargin) {
  Config config;
  config.channels = {ChannelConfig{"microblog", "weibo", {}}, ChannelConfig{"portal", "portal", {}}};
  config.http.max_connections_per_host = 4096;
  config.api.max_connections = 64;
  EXPECT_EQ(open_files_wanted(config), 2 * 4096 + 64 + 256);
}

TEST_F(OpenFilesLimitTest, RaisesALowSoftLimitToWhatIsWanted) {
  ASSERT_GE(saved_.rlim_max, 1024U);  // any Linux allows an unprivileged process this much
  set_soft(256);
  auto raised = raise_open_files_limit(1000);
  ASSERT_TRUE(raised.has_value()) << raised.error().message;
  EXPECT_EQ(raised->before, 256);
  EXPECT_EQ(raised->now, 1000);
  EXPECT_EQ(soft_now(), 1000);
}

TEST_F(OpenFilesLimitTest, StopsAtTheHardLimit) {
  ASSERT_NE(saved_.rlim_max, RLIM_INFINITY);
  set_soft(256);
  auto raised = raise_open_files_limit(static_cast<long>(saved_.rlim_max) + 1000);
  ASSERT_TRUE(raised.has_value()) << raised.error().message;
  EXPECT_EQ(raised->now, static_cast<long>(saved_.rlim_max));
  EXPECT_EQ(raised->hard, static_cast<long>(saved_.rlim_max));
  EXPECT_EQ(soft_now(), static_cast<long>(saved_.rlim_max));
}

TEST_F(OpenFilesLimitTest, NeverLowersTheLimit) {
  set_soft(std::min<rlim_t>(saved_.rlim_max, 2048));
  auto raised = raise_open_files_limit(100);
  ASSERT_TRUE(raised.has_value()) << raised.error().message;
  EXPECT_EQ(raised->now, raised->before);
  EXPECT_EQ(soft_now(), raised->before);
  EXPECT_GE(raised->now, 100);
}

}  // namespace
}  // namespace fabu
