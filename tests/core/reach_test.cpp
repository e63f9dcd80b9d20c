// Checkpoint times, id batching and durations for reach polling.
#include <gtest/gtest.h>

#include "core/reach.h"

namespace fabu {
namespace {

TEST(Reach, CheckpointsFollowTheDelivery) {
  constexpr std::int64_t kDelivered = 1'765'000'000'000;
  EXPECT_EQ(checkpoint_due_ms(kDelivered, 0), kDelivered + 3'600'000);
  EXPECT_EQ(checkpoint_due_ms(kDelivered, 1), kDelivered + 6 * 3'600'000);
  EXPECT_EQ(checkpoint_due_ms(kDelivered, 4), kDelivered + 7 * 24 * 3'600'000LL);
  ASSERT_EQ(kReachCheckpoints.size(), 5u);
  EXPECT_EQ(kReachCheckpoints[2].name, "24h");
}

TEST(Reach, ALateReadingFillsTheCheckpointItBelongsTo) {
  constexpr std::int64_t kHour = 3'600'000;
  EXPECT_EQ(checkpoint_reached(0, 0, kHour), 0u);
  EXPECT_EQ(checkpoint_reached(0, 0, 2 * kHour), 0u);
  EXPECT_EQ(checkpoint_reached(0, 0, 30 * kHour), 2u);  // fabud was down: 24h, not 1h
  EXPECT_EQ(checkpoint_reached(0, 3, 30 * kHour), 3u);  // never before the one that was due
  EXPECT_EQ(checkpoint_reached(0, 0, 1000 * kHour), 4u);
}

TEST(Reach, IdsAreCutIntoCallsOfAtMostAHundred) {
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i) ids.push_back(std::to_string(i));
  const auto calls = chunk_ids(ids);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].size(), 100u);
  EXPECT_EQ(calls[2].size(), 50u);
  EXPECT_EQ(calls[1].front(), "100");
  EXPECT_EQ(calls[2].back(), "249");
  EXPECT_TRUE(chunk_ids({}).empty());
  EXPECT_EQ(chunk_ids({"a", "b", "c"}, 2).size(), 2u);
}

TEST(Reach, DurationsNeedANumberAndAUnit) {
  EXPECT_EQ(parse_duration("6h"), std::chrono::hours(6));
  EXPECT_EQ(parse_duration("90s"), std::chrono::seconds(90));
  EXPECT_EQ(parse_duration("30m"), std::chrono::minutes(30));
  EXPECT_EQ(parse_duration("2d"), std::chrono::hours(48));
  EXPECT_FALSE(parse_duration("6"));
  EXPECT_FALSE(parse_duration("h"));
  EXPECT_FALSE(parse_duration("0h"));
  EXPECT_FALSE(parse_duration("-1h"));
  EXPECT_FALSE(parse_duration("6 h"));
  EXPECT_FALSE(parse_duration("6w"));
}

TEST(Reach, BudgetWindowsAreClockHours) {
  EXPECT_EQ(hour_window_start_ms(7'200'000), 7'200'000);
  EXPECT_EQ(hour_window_start_ms(7'199'999), 3'600'000);
}

}  // namespace
}  // namespace fabu
