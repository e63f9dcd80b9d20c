// Delivery state transitions: completions, dependencies, fencing, dead letters. Real redis-server.
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(LedgerTest, WaitingDeliveriesGoOnceTheirUpstreamIsDelivered) {
  admit(chain("r1"));
  EXPECT_EQ(status("r1|microblog|lead").state, DeliveryState::waiting);
  auto article = claim(T0);
  ASSERT_EQ(ids_of(article), (std::vector<std::string>{"r1|portal|article"}));
  ASSERT_TRUE(finish(article[0], CompletionOutcome::delivered, T0 + 10));

  auto lead = claim(T0 + 10);
  ASSERT_EQ(ids_of(lead), (std::vector<std::string>{"r1|microblog|lead"}));
  EXPECT_EQ(lead[0].upstream.url, "https://www.linyi.gov.cn/art/r1|portal|article");
  EXPECT_EQ(lead[0].upstream.post_id, "post-r1|portal|article");
  EXPECT_EQ(status("r1|microblog|lanshan").state, DeliveryState::waiting);
  ASSERT_TRUE(finish(lead[0], CompletionOutcome::delivered, T0 + 20));

  auto member = claim(T0 + 20);
  ASSERT_EQ(ids_of(member), (std::vector<std::string>{"r1|microblog|lanshan"}));
  EXPECT_EQ(member[0].upstream.post_id, "post-r1|microblog|lead");
}

TEST_F(LedgerTest, DeadUpstreamKillsEveryDependant) {
  admit(chain("r1"));
  auto article = claim(T0);
  ASSERT_EQ(article.size(), 1u);
  ASSERT_TRUE(finish(article[0], CompletionOutcome::dead, T0 + 1, 0, "content rejected"));

  EXPECT_EQ(status("r1|portal|article").last_error, "content rejected");
  auto lead = status("r1|microblog|lead");
  EXPECT_EQ(lead.state, DeliveryState::dead);
  EXPECT_EQ(lead.last_error, "waited on r1|portal|article, which failed: content rejected");
  auto member = status("r1|microblog|lanshan");
  EXPECT_EQ(member.state, DeliveryState::dead);
  EXPECT_EQ(member.last_error,
            "waited on r1|microblog|lead, which failed: waited on r1|portal|article, which failed: content rejected");
  auto dead = ledger_->dead_letters(10);
  ASSERT_TRUE(dead);
  EXPECT_EQ(dead->size(), 3u);
  EXPECT_TRUE(claim(T0 + 2).empty());
}

TEST_F(LedgerTest, RetryingADeadUpstreamRevivesItsDependants) {
  admit(chain("r1"));
  auto article = claim(T0);
  ASSERT_TRUE(finish(article[0], CompletionOutcome::dead, T0 + 1, 0, "disk full"));
  auto retried = ledger_->retry_dead("r1|portal|article", T0 + 100);
  ASSERT_TRUE(retried);
  EXPECT_TRUE(*retried);
  EXPECT_EQ(status("r1|microblog|lead").state, DeliveryState::waiting);
  EXPECT_EQ(status("r1|microblog|lanshan").state, DeliveryState::waiting);
  EXPECT_TRUE(ledger_->dead_letters(10).value_or(std::vector<DeliveryStatus>(1)).empty());

  auto again = claim(T0 + 100);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt, 1) << "attempts start over";
  EXPECT_EQ(status(again[0].id).note, "retried after: disk full");
  ASSERT_TRUE(finish(again[0], CompletionOutcome::delivered, T0 + 101));
  EXPECT_EQ(ids_of(claim(T0 + 101)), (std::vector<std::string>{"r1|microblog|lead"}));
}

TEST_F(LedgerTest, RetryingADependantWhoseUpstreamIsDeadIsRefused) {
  admit(chain("r1"));
  auto article = claim(T0);
  ASSERT_TRUE(finish(article[0], CompletionOutcome::dead, T0 + 1, 0, "disk full"));
  auto refused = ledger_->retry_dead("r1|microblog|lead", T0 + 2);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(*refused);
  EXPECT_EQ(status("r1|microblog|lead").state, DeliveryState::dead);
}

TEST_F(LedgerTest, RetryDeadAndDropDeadOnlyActOnDeadLetters) {
  admit(request("r1", {spec("portal", "article", "portal/site")}));
  EXPECT_FALSE(ledger_->retry_dead("r1|portal|article", T0).value_or(true)) << "queued is not dead";
  EXPECT_FALSE(ledger_->drop_dead("r1|portal|article").value_or(true));
  EXPECT_FALSE(ledger_->retry_dead("nope|portal|article", T0).value_or(true));

  auto d = claim(T0);
  ASSERT_TRUE(finish(d[0], CompletionOutcome::dead, T0 + 1, 0, "permanent"));
  EXPECT_TRUE(ledger_->drop_dead(d[0].id).value_or(false));
  EXPECT_FALSE(ledger_->drop_dead(d[0].id).value_or(true)) << "already dropped";
  EXPECT_FALSE(ledger_->retry_dead(d[0].id, T0 + 2).value_or(true)) << "a dropped letter stays dropped";
  auto s = status(d[0].id);
  EXPECT_EQ(s.state, DeliveryState::dead);
  EXPECT_TRUE(s.dropped);
  EXPECT_TRUE(ledger_->dead_letters(10).value_or(std::vector<DeliveryStatus>(1)).empty());
}

// Attempts ran out on a send that may have gone out (a timeout after writing the request): the dead
// letter keeps that, so retrying it makes the adapter look on the platform before posting again.
TEST_F(LedgerTest, ADeadLetterWhoseLastSendMayHaveGoneOutIsRetriedInDoubt) {
  admit(request("r1", {spec("microblog", "a", "microblog/a"), spec("microblog", "b", "microblog/b")}));
  auto sending = claim(T0);
  ASSERT_EQ(sending.size(), 2u);
  for (std::size_t i = 0; i < sending.size(); ++i) {
    Completion c;
    c.id = sending[i].id;
    c.attempt = sending[i].attempt;
    c.outcome = CompletionOutcome::dead;
    c.error_kind = FailureKind::transient;
    c.error = "gave up after 8 attempts; last error: timed out";
    c.maybe_sent = i == 1;  // a: refused before sending; b: timed out after sending
    ASSERT_TRUE(ledger_->complete({c}, T0 + 1));
  }
  ASSERT_TRUE(ledger_->retry_dead(sending[0].id, T0 + 2).value_or(false));
  ASSERT_TRUE(ledger_->retry_dead(sending[1].id, T0 + 2).value_or(false));
  auto again = claim(T0 + 3);
  ASSERT_EQ(again.size(), 2u);
  for (const auto& d : again) EXPECT_EQ(d.in_doubt, d.id == sending[1].id) << d.id;
}

TEST_F(LedgerTest, RetryWaitsUntilNextAtAndCountsTheAttempt) {
  admit(request("r1", {spec("portal", "article", "portal/site")}));
  auto first = claim(T0);
  ASSERT_TRUE(finish(first[0], CompletionOutcome::retry, T0 + 1, T0 + 2000, "HTTP 503"));
  auto s = status(first[0].id);
  EXPECT_EQ(s.state, DeliveryState::retrying);
  EXPECT_EQ(s.last_error, "HTTP 503");
  EXPECT_EQ(s.next_at_ms, T0 + 2000);
  EXPECT_FALSE(s.in_doubt);
  EXPECT_TRUE(claim(T0 + 1999).empty());
  auto second = claim(T0 + 2000);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempt, 2);
}

TEST_F(LedgerTest, RetryAfterAPossibleSendIsInDoubt) {
  admit(request("r1", {spec("microblog", "lead", "microblog/lead")}));
  auto first = claim(T0);
  Completion c{first[0].id, first[0].attempt, CompletionOutcome::retry, {}, "timeout", FailureKind::transient, T0 + 10, true};
  ASSERT_TRUE(ledger_->complete({c}, T0 + 1));
  auto second = claim(T0 + 10);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(second[0].in_doubt);
}

TEST_F(LedgerTest, RateLimitIsNotCountedAsAnAttemptAndSlowsTheLane) {
  set_lane("microblog/lead", 1);
  admit(request("r1", {spec("microblog", "lead", "microblog/lead")}));
  auto first = claim(T0);
  ASSERT_TRUE(finish(first[0], CompletionOutcome::rate_limited, T0 + 1, T0 + 5000, "rate limited"));
  auto s = status(first[0].id);
  EXPECT_EQ(s.state, DeliveryState::retrying);
  EXPECT_EQ(s.attempt, 0);
  EXPECT_EQ(lane("microblog/lead").slow_until_ms, T0 + 5000);

  admit(request("r2", {spec("microblog", "lead", "microblog/lead")}));
  EXPECT_TRUE(claim(T0 + 4999).empty()) << "the whole lane slows down, not just the one delivery";
  auto newer = claim(T0 + 5000);
  ASSERT_EQ(newer.size(), 1u);
  EXPECT_EQ(newer[0].id, "r2|microblog|lead") << "r2 was due at admission, r1 only at its next_at";
  ASSERT_TRUE(finish(newer[0], CompletionOutcome::delivered, T0 + 5001));
  auto again = claim(T0 + 5001);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, "r1|microblog|lead");
  EXPECT_EQ(again[0].attempt, 1) << "the rate-limited attempt was given back";
}

TEST_F(LedgerTest, CompletingADeliveredDeliveryChangesNothing) {
  admit(request("r1", {spec("portal", "article", "portal/site")}));
  auto d = claim(T0);
  ASSERT_TRUE(finish(d[0], CompletionOutcome::delivered, T0 + 1));
  auto before = status(d[0].id);
  for (auto outcome : {CompletionOutcome::delivered, CompletionOutcome::retry, CompletionOutcome::dead,
                       CompletionOutcome::needs_auth, CompletionOutcome::rate_limited}) {
    EXPECT_FALSE(finish_attempt(d[0].id, d[0].attempt, outcome, T0 + 2, T0 + 3, "late"));
  }
  auto after = status(d[0].id);
  EXPECT_EQ(after.state, DeliveryState::delivered);
  EXPECT_EQ(after.post_id, before.post_id);
  EXPECT_EQ(after.updated_at_ms, before.updated_at_ms);
  EXPECT_TRUE(claim(T0 + 10).empty()) << "delivered never goes back to sending";
  EXPECT_EQ(lane("portal/site").parked_reason, "") << "a refused completion must not park the lane";
}

TEST_F(LedgerTest, CompletionsOfUnclaimedDeliveriesAreRefused) {
  admit(chain("r1"));
  EXPECT_FALSE(finish_attempt("r1|portal|article", 0, CompletionOutcome::delivered, T0));
  EXPECT_FALSE(finish_attempt("r1|portal|article", 1, CompletionOutcome::delivered, T0));
  EXPECT_FALSE(finish_attempt("r1|microblog|lead", 0, CompletionOutcome::delivered, T0));
  EXPECT_FALSE(finish_attempt("unknown|x|y", 1, CompletionOutcome::dead, T0));
  EXPECT_EQ(status("r1|portal|article").state, DeliveryState::queued);
  EXPECT_EQ(status("r1|microblog|lead").state, DeliveryState::waiting);
}

TEST_F(LedgerTest, BatchCompletionReportsEachOne) {
  admit(request("a", {spec("portal", "article", "portal/site")}));
  admit(request("b", {spec("microblog", "lead", "microblog/lead")}));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 2u);
  std::vector<Completion> batch;
  for (const auto& d : claimed) batch.push_back(Completion{d.id, d.attempt, CompletionOutcome::delivered});
  batch.push_back(Completion{claimed[0].id, claimed[0].attempt + 5, CompletionOutcome::dead});
  auto applied = ledger_->apply_completions(batch, T0 + 1);
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(status(claimed[0].id).state, DeliveryState::delivered);
}

TEST_F(LedgerTest, DeliveriesOfAReleaseAreListed) {
  admit(chain("r1"));
  auto all = ledger_->deliveries_of("r1");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, "r1|microblog|lanshan");
  EXPECT_EQ((*all)[0].waits_on, "r1|microblog|lead");
  EXPECT_EQ((*all)[0].release_id, "r1");
  EXPECT_EQ((*all)[2].state, DeliveryState::queued);
  EXPECT_EQ((*all)[2].lane, "portal/site");
}

}  // namespace
}  // namespace fabu::testing
