#include "daemon/outcome.h"

#include <gtest/gtest.h>

namespace fabu {
namespace {

ClaimedDelivery claimed(int attempt) {
  ClaimedDelivery d;
  d.id = "r1|microblog|lead";
  d.attempt = attempt;
  return d;
}

const RetryPolicy kPolicy{5, std::chrono::milliseconds(1000), std::chrono::milliseconds(8000), 0.0};

TEST(Outcome, SuccessIsDeliveredWithReceipt) {
  auto c = decide_completion(claimed(1), DeliveryReceipt{"123", "https://weibo/123", ""}, kPolicy, 0, 0.5);
  EXPECT_EQ(c.outcome, CompletionOutcome::delivered);
  EXPECT_EQ(c.receipt.post_id, "123");
  EXPECT_EQ(c.attempt, 1);
}

TEST(Outcome, TransientRetriesOnTheBackoffSchedule) {
  auto c = decide_completion(claimed(1), fail(Error::transient("503")), kPolicy, 10'000, 0.5);
  EXPECT_EQ(c.outcome, CompletionOutcome::retry);
  EXPECT_EQ(c.next_at_ms, 11'000);
  c = decide_completion(claimed(3), fail(Error::transient("503")), kPolicy, 10'000, 0.5);
  EXPECT_EQ(c.next_at_ms, 14'000);
  EXPECT_EQ(c.error_kind, FailureKind::transient);
}

// Weibo may show an accepted post 1-2 minutes late: a send that may have gone out is not looked for
// again before the in-doubt wait, whatever the backoff says; one that surely did not go out is.
TEST(Outcome, ASendThatMayHaveGoneOutWaitsBeforeItIsLookedForAgain) {
  RetryPolicy policy = kPolicy;
  policy.in_doubt_wait = std::chrono::milliseconds(120'000);
  Error timeout = Error::transient("timed out after the request was sent");
  timeout.may_have_taken_effect = true;
  auto c = decide_completion(claimed(1), fail(timeout), policy, 10'000, 0.5);
  EXPECT_EQ(c.outcome, CompletionOutcome::retry);
  EXPECT_TRUE(c.maybe_sent);
  EXPECT_EQ(c.next_at_ms, 130'000);
  EXPECT_EQ(decide_completion(claimed(1), fail(Error::transient("503")), policy, 10'000, 0.5).next_at_ms, 11'000);
  policy.in_doubt_wait = std::chrono::milliseconds(500);  // shorter than the backoff: the backoff
  EXPECT_EQ(decide_completion(claimed(3), fail(timeout), policy, 10'000, 0.5).next_at_ms, 14'000);
  policy.in_doubt_wait = std::chrono::milliseconds(0);
  EXPECT_EQ(decide_completion(claimed(1), fail(timeout), policy, 10'000, 0.5).next_at_ms, 11'000);
}

TEST(Outcome, TransientOnLastAttemptDies) {
  auto c = decide_completion(claimed(5), fail(Error::transient("timeout")), kPolicy, 0, 0.5);
  EXPECT_EQ(c.outcome, CompletionOutcome::dead);
  EXPECT_NE(c.error.find("gave up after 5 attempts"), std::string::npos);
  EXPECT_NE(c.error.find("timeout"), std::string::npos);
}

TEST(Outcome, RateLimitWaitsWithoutSpendingAnAttempt) {
  Error e{ErrorKind::rate_limited, "10023", std::chrono::milliseconds(30'000), 10023};
  auto c = decide_completion(claimed(5), fail(e), kPolicy, 1'000, 0.5);
  EXPECT_EQ(c.outcome, CompletionOutcome::rate_limited);
  EXPECT_EQ(c.next_at_ms, 31'000);
  Error no_wait{ErrorKind::rate_limited, "20016", std::nullopt, 20016};
  c = decide_completion(claimed(1), fail(no_wait), kPolicy, 0, 0.5);
  EXPECT_EQ(c.next_at_ms, kDefaultRateLimitWait.count());
}

TEST(Outcome, AuthParksTheAccount) {
  auto c = decide_completion(claimed(1), fail(Error::auth("21327 expired_token")), kPolicy, 0, 0.5);
  EXPECT_EQ(c.outcome, CompletionOutcome::needs_auth);
}

TEST(Outcome, PermanentAndConfigDieAtOnce) {
  EXPECT_EQ(decide_completion(claimed(1), fail(Error::permanent("20021")), kPolicy, 0, 0.5).outcome,
            CompletionOutcome::dead);
  EXPECT_EQ(decide_completion(claimed(1), fail(Error::config("10017")), kPolicy, 0, 0.5).outcome,
            CompletionOutcome::dead);
}

}  // namespace
}  // namespace fabu

namespace fabu {
namespace {

TEST(Outcome, ATimeoutThatMayHavePostedMakesTheNextAttemptReconcileFirst) {
  Error e = Error::transient("timed out after 2000 ms");
  e.may_have_taken_effect = true;
  auto c = decide_completion(claimed(1), fail(e), kPolicy, 0, 0.5);
  EXPECT_EQ(c.outcome, CompletionOutcome::retry);
  EXPECT_TRUE(c.maybe_sent);
  EXPECT_FALSE(decide_completion(claimed(1), fail(Error::transient("503")), kPolicy, 0, 0.5).maybe_sent);
}

}  // namespace
}  // namespace fabu

namespace fabu {
namespace {

TEST(Outcome, APlatformsStatedWaitIsCappedAtAnHour) {
  Error e{ErrorKind::rate_limited, "10023", std::chrono::hours(9), 10023};
  auto c = decide_completion(claimed(1), fail(e), kPolicy, 0, 0.5);
  EXPECT_EQ(c.next_at_ms, kLongestPlatformWait.count());
}

// Handed back at shutdown while its send was under way: in doubt, and looked for no sooner than the
// in-doubt wait, as after a timeout; no attempt is spent and no backoff applies.
TEST(Outcome, WorkHandedBackAtShutdownWaitsTheInDoubtWait) {
  auto c = returned_unfinished(claimed(3), "fabud-a", 50'000, std::chrono::milliseconds(120'000));
  EXPECT_EQ(c.outcome, CompletionOutcome::retry);
  EXPECT_TRUE(c.maybe_sent);
  EXPECT_EQ(c.error_kind, FailureKind::returned);
  EXPECT_EQ(c.next_at_ms, 170'000);
  EXPECT_EQ(c.attempt, 3);
  EXPECT_EQ(returned_unfinished(claimed(1), "fabud-a", 50'000, std::chrono::milliseconds(0)).next_at_ms, 50'000);
}

}  // namespace
}  // namespace fabu
