#include "core/backoff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fabu {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

RetryPolicy policy(std::int64_t base_ms, std::int64_t cap_ms, double jitter, int max_attempts = 8) {
  return RetryPolicy{max_attempts, milliseconds(base_ms), milliseconds(cap_ms), jitter};
}

TEST(BackoffTest, FirstFailureWaitsTheBaseDelay) {
  EXPECT_EQ(retry_delay(1, policy(2000, 600000, 0.2), 0.5), milliseconds(2000));
  EXPECT_EQ(retry_delay(1, policy(750, 600000, 0.0), 0.9), milliseconds(750));
}

TEST(BackoffTest, DelayDoublesWithEachFailure) {
  const RetryPolicy p = policy(2000, 600000, 0.0);
  EXPECT_EQ(retry_delay(2, p, 0.5), milliseconds(4000));
  EXPECT_EQ(retry_delay(3, p, 0.5), milliseconds(8000));
  EXPECT_EQ(retry_delay(7, p, 0.5), milliseconds(128000));
  EXPECT_EQ(retry_delay(9, p, 0.5), milliseconds(512000));
}

TEST(BackoffTest, DelayStopsGrowingAtTheCap) {
  const RetryPolicy p = policy(2000, 600000, 0.0);
  EXPECT_EQ(retry_delay(10, p, 0.5), milliseconds(600000));
  EXPECT_EQ(retry_delay(60, p, 0.5), milliseconds(600000));
  EXPECT_EQ(retry_delay(100000, p, 0.5), milliseconds(600000));  // no overflow
}

TEST(BackoffTest, JitterBoundsAtTheExtremesOfTheRandomDraw) {
  const RetryPolicy p = policy(2000, 600000, 0.2);
  EXPECT_EQ(retry_delay(1, p, 0.0), milliseconds(1600));
  EXPECT_EQ(retry_delay(1, p, 1.0), milliseconds(2400));
  EXPECT_EQ(retry_delay(3, p, 0.0), milliseconds(6400));
  EXPECT_EQ(retry_delay(3, p, 1.0), milliseconds(9600));
  // At the cap, jitter may go above it, but never beyond cap * (1 + jitter).
  EXPECT_EQ(retry_delay(40, p, 1.0), milliseconds(720000));
  EXPECT_EQ(retry_delay(40, p, 0.0), milliseconds(480000));
}

TEST(BackoffTest, DelayIsMonotonicInTheRandomDraw) {
  const RetryPolicy p = policy(1000, 60000, 0.5);
  milliseconds previous{-1};
  for (int i = 0; i <= 20; ++i) {
    const milliseconds d = retry_delay(4, p, i / 20.0);
    EXPECT_GE(d, previous);
    EXPECT_GE(d, milliseconds(4000));
    EXPECT_LE(d, milliseconds(12000));
    previous = d;
  }
}

TEST(BackoffTest, OutOfRangeInputsAreClamped) {
  const RetryPolicy p = policy(2000, 600000, 0.2);
  EXPECT_EQ(retry_delay(0, p, 0.5), milliseconds(2000));
  EXPECT_EQ(retry_delay(-3, p, 0.5), milliseconds(2000));
  EXPECT_EQ(retry_delay(1, p, -4.0), milliseconds(1600));
  EXPECT_EQ(retry_delay(1, p, 7.0), milliseconds(2400));
  // A jitter above 1 would allow negative delays; it is treated as 1.
  EXPECT_EQ(retry_delay(1, policy(2000, 600000, 3.0), 0.0), milliseconds(0));
  EXPECT_EQ(retry_delay(1, policy(2000, 600000, 3.0), 1.0), milliseconds(4000));
}

TEST(BackoffTest, ScheduleTableListsEveryRetry) {
  const std::string table = describe_schedule(policy(2000, 600000, 0.2, 8));
  EXPECT_THAT(table, HasSubstr("| after failure | delay | with jitter (±20%) | waited in total |"));
  EXPECT_THAT(table, HasSubstr("| 1 | 2 s | 1.6 s – 2.4 s | 2 s |"));
  EXPECT_THAT(table, HasSubstr("| 2 | 4 s | 3.2 s – 4.8 s | 6 s |"));
  EXPECT_THAT(table, HasSubstr("| 7 | 2 min 8 s | 1 min 42 s – 2 min 34 s | 4 min 14 s |"));
  EXPECT_THAT(table, ::testing::Not(HasSubstr("| 8 |")));
  EXPECT_THAT(table, HasSubstr("Attempt 8 is the last"));
}

TEST(BackoffTest, ScheduleShowsTheCap) {
  const std::string table = describe_schedule(policy(1000, 5000, 0.0, 6));
  EXPECT_THAT(table, HasSubstr("| 3 | 4 s |"));
  EXPECT_THAT(table, HasSubstr("| 4 | 5 s |"));
  EXPECT_THAT(table, HasSubstr("| 5 | 5 s |"));
}

}  // namespace
}  // namespace fabu
