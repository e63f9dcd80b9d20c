// The circuit breaker's state machine, with a clock the test moves.
#include "daemon/circuit_breaker.h"

#include <gtest/gtest.h>

namespace fabu {
namespace {

using State = CircuitBreaker::State;
using Change = CircuitBreaker::Change;
constexpr std::int64_t T = 1'800'000'000'000;

CircuitBreaker breaker() { return CircuitBreaker(3, std::chrono::seconds(60), std::chrono::seconds(1)); }

TEST(CircuitBreaker, OpensAtTheThresholdOfConsecutiveFailuresAndHoldsForTheCooloff) {
  auto b = breaker();
  EXPECT_EQ(b.record_failure(T), Change::none);
  EXPECT_EQ(b.record_failure(T + 1), Change::none);
  EXPECT_TRUE(b.admit(T + 2).allowed);
  EXPECT_EQ(b.record_failure(T + 3), Change::opened);
  EXPECT_EQ(b.state(T + 3), State::open);
  const auto held = b.admit(T + 10);
  EXPECT_FALSE(held.allowed);
  EXPECT_EQ(held.retry_at_ms, T + 3 + 60'000);
  EXPECT_FALSE(b.admit(T + 3 + 59'999).allowed);
}

TEST(CircuitBreaker, ASuccessBetweenFailuresResetsTheCount) {
  auto b = breaker();
  b.record_failure(T);
  b.record_failure(T);
  EXPECT_EQ(b.record_success(), Change::none);
  EXPECT_EQ(b.consecutive_failures(), 0);
  b.record_failure(T);
  b.record_failure(T);
  EXPECT_EQ(b.state(T), State::closed);
}

TEST(CircuitBreaker, AfterTheCooloffOneProbeGoesOutAndOthersWait) {
  auto b = breaker();
  for (int i = 0; i < 3; ++i) b.record_failure(T);
  const std::int64_t later = T + 60'000;
  EXPECT_EQ(b.state(later), State::half_open);
  const auto probe = b.admit(later);
  EXPECT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
  const auto second = b.admit(later + 5);
  EXPECT_FALSE(second.allowed);
  EXPECT_EQ(second.retry_at_ms, later + 5 + 1000);
}

TEST(CircuitBreaker, TheProbesSuccessClosesIt) {
  auto b = breaker();
  for (int i = 0; i < 3; ++i) b.record_failure(T);
  ASSERT_TRUE(b.admit(T + 60'000).probe);
  EXPECT_EQ(b.record_success(), Change::closed);
  EXPECT_EQ(b.state(T + 60'001), State::closed);
  EXPECT_TRUE(b.admit(T + 60'001).allowed);
  EXPECT_FALSE(b.admit(T + 60'002).probe);
}

TEST(CircuitBreaker, TheProbesFailureOpensItForAnotherCooloff) {
  auto b = breaker();
  for (int i = 0; i < 3; ++i) b.record_failure(T);
  ASSERT_TRUE(b.admit(T + 60'000).allowed);
  EXPECT_EQ(b.record_failure(T + 61'000), Change::reopened);
  EXPECT_EQ(b.state(T + 61'000), State::open);
  EXPECT_EQ(b.admit(T + 62'000).retry_at_ms, T + 121'000);
}

TEST(CircuitBreaker, LateFailuresOfRequestsSentBeforeItOpenedDoNotExtendTheCooloff) {
  auto b = breaker();
  for (int i = 0; i < 3; ++i) b.record_failure(T);
  EXPECT_EQ(b.record_failure(T + 30'000), Change::none);
  EXPECT_EQ(b.open_until_ms(), T + 60'000);
}

TEST(CircuitBreaker, AProbeEndingWithoutVerdictFreesTheProbeSlot) {
  auto b = breaker();
  for (int i = 0; i < 3; ++i) b.record_failure(T);
  ASSERT_TRUE(b.admit(T + 60'000).probe);
  b.record_other();
  EXPECT_EQ(b.state(T + 60'001), State::half_open);
  EXPECT_TRUE(b.admit(T + 60'001).probe);
}

TEST(CircuitBreaker, ThresholdZeroIsOff) {
  CircuitBreaker b(0, std::chrono::seconds(60));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(b.record_failure(T), Change::none);
  EXPECT_TRUE(b.admit(T).allowed);
  EXPECT_EQ(b.state(T), State::closed);
}

}  // namespace
}  // namespace fabu
