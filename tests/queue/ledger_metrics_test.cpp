// What the ledger tells the metrics and the inspection: the queue's depths by state, and when each
// destination and target last had a post delivered (`activity`). Real redis-server.
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

class LedgerMetricsTest : public LedgerTest {
 protected:
  QueueDepths depths(std::int64_t now) {
    auto d = ledger_->queue_depths(now);
    EXPECT_TRUE(d) << d.error().message;
    return d ? *d : QueueDepths{};
  }
  std::map<std::string, std::int64_t> activity() {
    auto a = ledger_->activity();
    EXPECT_TRUE(a) << a.error().message;
    return a ? *a : std::map<std::string, std::int64_t>{};
  }
  static AdmitRequest with_targets(AdmitRequest r) {
    r.release_json = R"({"id":")" + r.release_id +
                     R"(","title":"通知","targets":{"portal":["tzgg","zcjd"],"microblog":["lead","all"]}})";
    return r;
  }
};

TEST_F(LedgerMetricsTest, DepthsFollowTheDeliveriesThroughTheirStates) {
  admit(request("r1", {spec("microblog", "lead", "microblog/lead"), spec("microblog", "lanshan", "microblog/lanshan")}));
  auto d = depths(T0 + 1000);
  EXPECT_EQ(d.queued, 2);
  EXPECT_EQ(d.due, 2);
  EXPECT_EQ(d.oldest_due_ms, T0);
  EXPECT_EQ(d.retrying + d.needs_auth + d.sending + d.dead_letters, 0);

  auto claimed = claim(T0 + 1000);
  ASSERT_EQ(claimed.size(), 2u);
  d = depths(T0 + 1000);
  EXPECT_EQ(d.queued, 0);
  EXPECT_EQ(d.sending, 2);
  EXPECT_EQ(d.oldest_due_ms, -1);

  ASSERT_TRUE(finish(claimed[0], CompletionOutcome::retry, T0 + 2000, T0 + 60'000, "503"));
  ASSERT_TRUE(finish(claimed[1], CompletionOutcome::dead, T0 + 2000, 0, "forbidden words"));
  d = depths(T0 + 2000);
  EXPECT_EQ(d.retrying, 1);
  EXPECT_EQ(d.due, 0);  // its next attempt is a minute away
  EXPECT_EQ(d.dead_letters, 1);
  EXPECT_EQ(d.sending, 0);
  d = depths(T0 + 90'000);
  EXPECT_EQ(d.due, 1);
  EXPECT_EQ(d.oldest_due_ms, T0 + 60'000);
}

TEST_F(LedgerMetricsTest, TheCapCountsUnreadStatesAsQueued) {
  admit(request("r1", {spec("microblog", "lead", "microblog/lead")}));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(finish(claimed[0], CompletionOutcome::retry, T0, T0 + 60'000, "503"));
  auto d = ledger_->queue_depths(T0, 0);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->queued, 1);
  EXPECT_EQ(d->retrying, 0);
}

TEST_F(LedgerMetricsTest, ADeliveredPostStampsItsDestinationAndTheTargetsItsReleaseNamed) {
  admit(with_targets(request("r1", {spec("portal", "article", "portal/site"), spec("microblog", "lead", "microblog/lead")})));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 2u);
  for (const auto& d : claimed) {
    ASSERT_TRUE(finish(d, d.channel == "portal" ? CompletionOutcome::delivered : CompletionOutcome::retry, T0 + 5,
                       T0 + 10, "503"));
  }
  auto a = activity();
  EXPECT_EQ(a["portal|article"], T0 + 5);
  EXPECT_EQ(a["portal#tzgg"], T0 + 5);
  EXPECT_EQ(a["portal#zcjd"], T0 + 5);
  EXPECT_FALSE(a.contains("microblog|lead"));  // a retry is no post

  claimed = claim(T0 + kHour);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(finish(claimed[0], CompletionOutcome::delivered, T0 + kHour));
  a = activity();
  EXPECT_EQ(a["microblog|lead"], T0 + kHour);
  EXPECT_EQ(a["portal|article"], T0 + 5);
}

TEST_F(LedgerMetricsTest, ARetractionIsNoPost) {
  admit(with_targets(request("r1", {spec("microblog", "lead", "microblog/lead")})));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(finish(claimed[0], CompletionOutcome::delivered, T0));
  auto retracted = ledger_->retract("r1", "数字有误", T0 + 1000);
  ASSERT_TRUE(retracted) << retracted.error().message;
  claimed = claim(T0 + 2000);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].operation, Operation::retract);
  ASSERT_TRUE(finish(claimed[0], CompletionOutcome::delivered, T0 + 2000));
  EXPECT_EQ(activity()["microblog|lead"], T0);
}

}  // namespace
}  // namespace fabu::testing
