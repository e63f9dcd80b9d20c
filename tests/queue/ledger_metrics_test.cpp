// What the ledger tells the metrics and the inspection: the queue's depths by state, and when each
// destination and target last had a post delivered (`activity`). Real redis-server.
#include "queue/redis_connection.h"
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

class LedgerMetricsTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    redis_ = std::make_unique<RedisConnection>(config_);
  }
  std::string key(const std::string& name) const { return config_.prefix + ":{" + config_.prefix + "}:" + name; }
  // Delivers every due delivery at `now`.
  void deliver_all(std::int64_t now) {
    for (const auto& d : claim(now)) ASSERT_TRUE(finish(d, CompletionOutcome::delivered, now));
  }
  std::unique_ptr<RedisConnection> redis_;

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

TEST_F(LedgerMetricsTest, TargetsStampAlikeFromTheAdmissionNoteAnOldRecordAndAnOddDocument) {
  // r1 as admitted now (its targets noted at admission); r2 as admitted before that note existed.
  admit(with_targets(request("r1", {spec("microblog", "lead", "microblog/lead")})));
  admit(with_targets(request("r2", {spec("microblog", "lanshan", "microblog/lanshan")})));
  auto note = redis_->command({"HGET", key("rel:r1"), "act"});
  ASSERT_TRUE(note);
  EXPECT_EQ(reply_string(note->get()), "microblog#all\nmicroblog#lead\nportal#tzgg\nportal#zcjd");
  ASSERT_TRUE(redis_->command({"HDEL", key("rel:r2"), "act"}));
  // r3's document names "targets" twice (a nested object first): it is read whole, as before.
  AdmitRequest odd = request("r3", {spec("microblog", "hedong", "microblog/hedong")});
  odd.release_json = R"({"id":"r3","meta":{"targets":{"microblog":["wrong"]}},"targets":{"microblog":["hedong"]}})";
  admit(odd);
  deliver_all(T0 + 7);
  auto a = activity();
  EXPECT_EQ(a["microblog|lead"], T0 + 7);
  EXPECT_EQ(a["microblog|lanshan"], T0 + 7);
  EXPECT_EQ(a["microblog#lead"], T0 + 7);
  EXPECT_EQ(a["microblog#all"], T0 + 7);
  EXPECT_EQ(a["microblog#hedong"], T0 + 7);
  EXPECT_FALSE(a.contains("microblog#wrong"));
  EXPECT_FALSE(a.contains("portal#tzgg"));  // no portal delivery went out
}

TEST_F(LedgerMetricsTest, ACorrectionStampsTheTargetsOfItsOwnRevision) {
  admit(with_targets(request("r1", {spec("portal", "article", "portal/site"), spec("microblog", "lead", "microblog/lead"),
                                    spec("microblog", "lanshan", "microblog/lanshan")})));
  deliver_all(T0 + 5);
  AdmitRequest fix = correction("r1", 2, "digest-2");
  fix.release_json = R"({"id":"r1","title":"通知（更正）","targets":{"portal":["xwfb"],"microblog":["lead"]}})";
  ASSERT_EQ(admit(fix).outcome, AdmitOutcome::corrected);
  for (std::int64_t now = T0 + 2000; now < T0 + 2010; ++now) deliver_all(now);
  auto a = activity();
  EXPECT_EQ(a["portal#xwfb"], T0 + 2000);   // the correction's new column
  EXPECT_EQ(a["portal#tzgg"], T0 + 5);      // the first revision's, not stamped again
  EXPECT_GE(a["microblog#lead"], T0 + 2000);
}

}  // namespace
}  // namespace fabu::testing
