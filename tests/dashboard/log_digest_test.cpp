#include "dashboard/log_digest.h"

#include <gtest/gtest.h>

namespace fabu {
namespace {

std::vector<LogEntry> sample_log() {
  return {
      {"1000-0", R"({"event":"admitted","release":"r1"})"},
      {"1500-0", R"({"event":"delivery","release":"r1","outcome":"delivered"})"},
      {"2000-0", R"({"event":"admitted","release":"r2"})"},
      {"2000-1", R"({"event":"delivery","release":"r2","outcome":"retrying"})"},
      {"2500-0", "not json"},
      {"3000-0", R"({"event":"delivery","release":"r2","outcome":"delivered"})"},
      {"3500-0", R"({"event":"corrected","release":"r1"})"},
      {"4000-0", R"({"event":"operator","action":"retract","release":"r2"})"},
      {"4500-0", R"({"event":"rejected","release":"bad"})"},
  };
}

TEST(LogDigest, CountsDeliveriesByOutcomeAndIntakeEventsSinceATime) {
  const auto all = count_outcomes(sample_log(), 0);
  EXPECT_EQ(all.deliveries.at("delivered"), 2);
  EXPECT_EQ(all.deliveries.at("retrying"), 1);
  EXPECT_EQ(all.intake.at("admitted"), 2);
  EXPECT_EQ(all.intake.at("corrected"), 1);
  EXPECT_EQ(all.intake.at("rejected"), 1);
  EXPECT_FALSE(all.intake.contains("operator"));

  const auto late = count_outcomes(sample_log(), 2000);
  EXPECT_EQ(late.deliveries.at("delivered"), 1);
  EXPECT_EQ(late.deliveries.at("retrying"), 1);
  EXPECT_EQ(late.intake.at("admitted"), 1);
}

TEST(LogDigest, RecentReleasesAreNewestFirstEachOnce) {
  const auto recent = recent_releases(sample_log(), 10);
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].id, "r1");  // corrected last
  EXPECT_EQ(recent[0].at_ms, 3500);
  EXPECT_EQ(recent[1].id, "r2");
  EXPECT_EQ(recent_releases(sample_log(), 1).size(), 1u);
  EXPECT_TRUE(recent_releases({}, 5).empty());
}

TEST(LogDigest, StreamIdMilliseconds) {
  EXPECT_EQ(stream_id_ms("1765000000123-7"), 1765000000123);
  EXPECT_EQ(stream_id_ms("42"), 42);
  EXPECT_EQ(stream_id_ms("x-1"), 0);
  EXPECT_EQ(stream_id_ms(""), 0);
}

}  // namespace
}  // namespace fabu
