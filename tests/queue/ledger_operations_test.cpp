// Retraction, correction and schedules in the queue: which deliveries each creates, cancels or waits
// for, and that each is exactly once. Real redis-server.
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

using namespace std::chrono_literals;

using OperationsTest = LedgerTest;

TEST_F(OperationsTest, RetractingADeliveredReleaseQueuesOneRetractionPerDestination) {
  admit(chain("r1"));
  deliver_all(T0);
  auto result = retract("r1", T0 + 100);
  EXPECT_EQ(result.outcome, RetractOutcome::retracting);
  EXPECT_EQ(result.retractions, 3);
  EXPECT_EQ(result.cancelled, 0);

  auto claimed = claim(T0 + 100);
  ASSERT_EQ(ids_of(claimed), (std::vector<std::string>{"r1|microblog|lanshan|retract.1", "r1|microblog|lead|retract.1",
                                                         "r1|portal|article|retract.1"}));
  for (const auto& d : claimed) {
    EXPECT_EQ(d.operation, Operation::retract);
    EXPECT_EQ(d.reason, "数字有误");
    // It knows what to take back: the receipt of the delivery it undoes.
    EXPECT_EQ(d.previous.post_id, "post-" + DeliveryId::parse(d.id)->first_publish().str());
    ASSERT_TRUE(finish(d, CompletionOutcome::delivered, T0 + 200));
  }
  EXPECT_EQ(status("r1|microblog|lead").state, DeliveryState::retracted);
  EXPECT_EQ(status("r1|portal|article").state, DeliveryState::retracted);
  auto record = ledger_->release_record("r1");
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->state, "retracted");
  EXPECT_EQ((*record)->retract_reason, "数字有误");

  // Again: nothing changes, nothing more is queued.
  EXPECT_EQ(retract("r1", T0 + 300).outcome, RetractOutcome::already_retracted);
  EXPECT_TRUE(claim(T0 + 300).empty());
}

TEST_F(OperationsTest, RetractingBeforeAnythingWentOutCancelsEverything) {
  admit(chain("r1"));
  auto result = retract("r1", T0 + 1);
  EXPECT_EQ(result.cancelled, 3);
  EXPECT_EQ(result.retractions, 0);
  EXPECT_TRUE(claim(T0 + 2).empty());
  EXPECT_EQ(status("r1|portal|article").state, DeliveryState::cancelled);
  EXPECT_EQ(status("r1|microblog|lanshan").state, DeliveryState::cancelled);
}

TEST_F(OperationsTest, ASendInFlightIsRetractedOnceItLands) {
  admit(chain("r1"));
  auto article = claim(T0);
  ASSERT_EQ(article.size(), 1u);
  auto result = retract("r1", T0 + 1);
  EXPECT_EQ(result.waiting, 1);
  EXPECT_EQ(result.cancelled, 2);  // the lead and the member had not gone out
  EXPECT_TRUE(claim(T0 + 2).empty());
  ASSERT_TRUE(finish(article[0], CompletionOutcome::delivered, T0 + 3));
  auto retraction = claim(T0 + 4);
  ASSERT_EQ(ids_of(retraction), (std::vector<std::string>{"r1|portal|article|retract.1"}));
  EXPECT_EQ(retraction[0].previous.url, "https://www.linyi.gov.cn/art/r1|portal|article");
}

TEST_F(OperationsTest, ASendInFlightThatFailsIsCancelledAndItsRetractionFollowsOnlyIfItMayHaveGoneOut) {
  admit(request("r1", {spec("microblog", "a", "microblog/a"), spec("microblog", "b", "microblog/b")}));
  auto sending = claim(T0);
  ASSERT_EQ(sending.size(), 2u);
  retract("r1", T0 + 1);
  // a: refused outright (nothing went out); b: timed out after sending (may have gone out).
  ASSERT_TRUE(finish(sending[0], CompletionOutcome::retry, T0 + 2, T0 + 10, "HTTP 503"));
  Completion maybe;
  maybe.id = sending[1].id;
  maybe.attempt = sending[1].attempt;
  maybe.outcome = CompletionOutcome::retry;
  maybe.error_kind = FailureKind::transient;
  maybe.error = "timed out after sending";
  maybe.maybe_sent = true;
  maybe.next_at_ms = T0 + 10;
  ASSERT_TRUE(ledger_->complete({maybe}, T0 + 2));

  EXPECT_EQ(status(sending[0].id).state, DeliveryState::cancelled);
  EXPECT_EQ(status(sending[0].id + "|retract.1").state, DeliveryState::cancelled);
  EXPECT_EQ(status(sending[1].id).state, DeliveryState::cancelled);
  auto retraction = claim(T0 + 3);
  ASSERT_EQ(ids_of(retraction), (std::vector<std::string>{sending[1].id + "|retract.1"}));
  EXPECT_TRUE(retraction[0].in_doubt);  // the adapter looks on the platform first
  EXPECT_TRUE(retraction[0].previous.post_id.empty());
}

TEST_F(OperationsTest, ARetractedReleaseIsNotRetriedFromTheDeadLetters) {
  admit(request("r1", {spec("microblog", "a", "microblog/a")}));
  auto sending = claim(T0);
  ASSERT_TRUE(finish(sending[0], CompletionOutcome::dead, T0 + 1, 0, "forbidden words"));
  retract("r1", T0 + 2);
  EXPECT_EQ(status("r1|microblog|a").state, DeliveryState::cancelled);
  auto retried = ledger_->retry_dead("r1|microblog|a", T0 + 3);
  ASSERT_TRUE(retried);
  EXPECT_FALSE(*retried);
  auto dead = ledger_->dead_letters(10);
  ASSERT_TRUE(dead);
  EXPECT_TRUE(dead->empty());
}

TEST_F(OperationsTest, ACorrectionFollowsWhatWentOutAndReplacesWhatDidNot) {
  AdmitRequest first = chain("r1");
  admit(first);
  auto article = claim(T0);
  ASSERT_TRUE(finish(article[0], CompletionOutcome::delivered, T0 + 1));
  // The article is out; the lead is queued, the member waits: revision 2 arrives.
  auto corrected = admit(correction("r1", 2, "digest-2"));
  EXPECT_EQ(corrected.outcome, AdmitOutcome::corrected);
  EXPECT_EQ(status("r1|microblog|lead").state, DeliveryState::cancelled);
  EXPECT_EQ(status("r1|microblog|lanshan").state, DeliveryState::cancelled);
  auto next = claim(T0 + 1000);
  ASSERT_EQ(ids_of(next), (std::vector<std::string>{"r1|portal|article|correct.2"}));
  EXPECT_EQ(next[0].operation, Operation::correct);
  EXPECT_EQ(next[0].revision, 2);
  EXPECT_EQ(next[0].previous.post_id, "post-r1|portal|article");
  ASSERT_TRUE(finish(next[0], CompletionOutcome::delivered, T0 + 1001));
  // The lead posts revision 2 (it never posted revision 1), after the corrected article.
  auto lead = claim(T0 + 1002);
  ASSERT_EQ(ids_of(lead), (std::vector<std::string>{"r1|microblog|lead|publish.2"}));
  EXPECT_EQ(lead[0].operation, Operation::publish);
  EXPECT_EQ(lead[0].revision, 2);
  EXPECT_EQ(lead[0].upstream.post_id, "post-r1|portal|article|correct.2");
  ASSERT_TRUE(finish(lead[0], CompletionOutcome::delivered, T0 + 1003));
  auto member = claim(T0 + 1004);
  ASSERT_EQ(ids_of(member), (std::vector<std::string>{"r1|microblog|lanshan|publish.2"}));

  auto json1 = ledger_->revision_json("r1", 1);
  auto json2 = ledger_->revision_json("r1", 2);
  ASSERT_TRUE(json1 && *json1 && json2 && *json2);
  EXPECT_EQ(**json1, first.release_json);
}

TEST_F(OperationsTest, ARepostCorrectionWaitsForItsLeadsNewPost) {
  admit(chain("r1"));
  deliver_all(T0);
  admit(correction("r1", 2, "digest-2"));
  auto step1 = claim(T0 + 1000);
  ASSERT_EQ(ids_of(step1), (std::vector<std::string>{"r1|portal|article|correct.2"}));
  ASSERT_TRUE(finish(step1[0], CompletionOutcome::delivered, T0 + 1001));
  auto step2 = claim(T0 + 1002);
  ASSERT_EQ(ids_of(step2), (std::vector<std::string>{"r1|microblog|lead|correct.2"}));
  EXPECT_EQ(step2[0].previous.post_id, "post-r1|microblog|lead");
  ASSERT_TRUE(finish(step2[0], CompletionOutcome::delivered, T0 + 1003));
  auto step3 = claim(T0 + 1004);
  ASSERT_EQ(ids_of(step3), (std::vector<std::string>{"r1|microblog|lanshan|correct.2"}));
  EXPECT_EQ(step3[0].upstream.post_id, "post-r1|microblog|lead|correct.2");
  EXPECT_EQ(step3[0].previous.post_id, "post-r1|microblog|lanshan");
  ASSERT_TRUE(finish(step3[0], CompletionOutcome::delivered, T0 + 1005));

  // A retraction now takes back the posts of both revisions.
  auto result = retract("r1", T0 + 2000);
  EXPECT_EQ(result.retractions, 6);
}

TEST_F(OperationsTest, TheLinkIsStoredAtAdmissionAndKeptByCorrections) {
  AdmitRequest first = chain("r1");
  first.link = "https://www.linyi.gov.cn/tzgg/2026/r1.html";
  admit(first);
  auto article = claim(T0);
  ASSERT_EQ(article.size(), 1u);
  EXPECT_EQ(article[0].link, first.link);
  ASSERT_TRUE(finish(article[0], CompletionOutcome::delivered, T0 + 1));
  AdmitRequest moved = correction("r1", 2, "digest-2");
  moved.link = "https://www.linyi.gov.cn/zcjd/2026/r1.html";  // revision 2 names another first column
  admit(moved);
  auto next = claim(T0 + 1000);
  ASSERT_FALSE(next.empty());
  for (const auto& d : next) EXPECT_EQ(d.link, first.link) << d.id;
}

TEST_F(OperationsTest, RetentionRemovesSettledReleasesAndKeepsLiveOnes) {
  admit(chain("old"));
  deliver_all(T0);
  admit(chain("busy"));  // still queued
  AdmitRequest cancelled = chain("dropped");
  cancelled.not_before_ms = T0 + kHour;
  admit(cancelled);
  ASSERT_TRUE(ledger_->cancel_schedule("dropped", T0 + 1));

  auto removed = ledger_->expire_settled(T0 - 1, 10);  // nothing settled that long ago
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 0);
  removed = ledger_->expire_settled(T0 + 10, 10);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 2);  // "old" (delivered) and "dropped" (cancelled)
  auto gone = ledger_->deliveries_of("old");
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->empty());
  auto record = ledger_->release_record("old");
  ASSERT_TRUE(record);
  EXPECT_FALSE(record->has_value());
  EXPECT_EQ(status("busy|portal|article").state, DeliveryState::queued);

  // A settled release that comes alive again (retracted) leaves `settled` until it settles anew.
  admit(chain("again"));
  deliver_all(T0 + 20);
  retract("again", T0 + 30);
  removed = ledger_->expire_settled(T0 + 40, 10);  // ("busy" was delivered meanwhile and goes)
  ASSERT_TRUE(removed);
  EXPECT_FALSE(ledger_->deliveries_of("again")->empty());
  deliver_all(T0 + 50);
  removed = ledger_->expire_settled(T0 + 60, 10);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
  EXPECT_TRUE(ledger_->deliveries_of("again")->empty());
}

TEST_F(OperationsTest, RevisionsOnlyMoveForward) {
  admit(chain("r1"));
  EXPECT_EQ(admit(correction("r1", 3, "digest-3")).outcome, AdmitOutcome::corrected);
  EXPECT_EQ(admit(correction("r1", 2, "digest-2")).outcome, AdmitOutcome::stale);
  EXPECT_EQ(admit(correction("r1", 3, "digest-3")).outcome, AdmitOutcome::duplicate);
  EXPECT_EQ(admit(correction("r1", 3, "digest-3b")).outcome, AdmitOutcome::conflict);
  auto rejects = ledger_->rejects(10);
  ASSERT_TRUE(rejects);
  ASSERT_EQ(rejects->size(), 2u);
  EXPECT_EQ(rejects->back().errors.at(0).path, "revision");
  EXPECT_NE(rejects->back().errors.at(0).reason.find("only move forward"), std::string::npos);

  retract("r1", T0 + 5000);
  EXPECT_EQ(admit(correction("r1", 4, "digest-4")).outcome, AdmitOutcome::conflict);
}

TEST_F(OperationsTest, ASchedulesMovesAndCancelsOnlyBeforeItStarts) {
  AdmitRequest later = chain("r1");
  later.not_before_ms = T0 + kHour;
  admit(later);
  auto listed = ledger_->scheduled(T0, 10);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().due_ms, T0 + kHour);

  auto moved = ledger_->reschedule("r1", T0 + 2 * kHour, T0 + 1);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->outcome, ScheduleOutcome::changed);
  EXPECT_TRUE(claim(T0 + kHour + 1).empty());
  auto due = claim(T0 + 2 * kHour);
  ASSERT_EQ(ids_of(due), (std::vector<std::string>{"r1|portal|article"}));
  auto late = ledger_->cancel_schedule("r1", T0 + 2 * kHour + 1);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->outcome, ScheduleOutcome::started);
  EXPECT_EQ(late->detail, "r1|portal|article");

  AdmitRequest other = chain("r2");
  other.not_before_ms = T0 + kHour;
  admit(other);
  auto cancelled = ledger_->cancel_schedule("r2", T0 + 2);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->outcome, ScheduleOutcome::changed);
  EXPECT_EQ(cancelled->deliveries, 3);
  for (const auto& d : claim(T0 + 3 * kHour)) EXPECT_EQ(d.release_id, "r1") << d.id;  // nothing of r2
  EXPECT_EQ(status("r2|portal|article").state, DeliveryState::cancelled);
  auto again = ledger_->cancel_schedule("r2", T0 + 3);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, ScheduleOutcome::closed);
  auto unknown = ledger_->reschedule("nope", T0, T0);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->outcome, ScheduleOutcome::unknown);
}

TEST_F(OperationsTest, AnInterpretationWaitsForItsPolicyNamedByDocumentNumber) {
  // The interpretation comes first and names its policy by 文号.
  AdmitRequest interpretation = chain("jd-1");
  interpretation.link_target = "portal|article";
  interpretation.interprets = "临政办发〔2026〕12号";
  admit(interpretation);
  auto waiting = status("jd-1|portal|article");
  EXPECT_EQ(waiting.state, DeliveryState::waiting);
  EXPECT_NE(waiting.note.find("临政办发〔2026〕12号"), std::string::npos) << waiting.note;
  EXPECT_TRUE(awaits_unsubmitted_policy(waiting)) << waiting.note;
  EXPECT_TRUE(claim(T0).empty());

  AdmitRequest policy = request("zc-1", {spec("portal", "article", "portal/site")});
  policy.link_target = "portal|article";
  policy.doc_number = "临政办发〔2026〕12号";
  admit(policy);
  EXPECT_NE(status("jd-1|portal|article").note.find("zc-1"), std::string::npos);
  EXPECT_FALSE(awaits_unsubmitted_policy(status("jd-1|portal|article"))) << "the policy is admitted now";
  auto first = claim(T0 + 1);
  ASSERT_EQ(ids_of(first), (std::vector<std::string>{"zc-1|portal|article"}));
  ASSERT_TRUE(finish(first[0], CompletionOutcome::delivered, T0 + 2));
  auto then = claim(T0 + 3);
  ASSERT_EQ(ids_of(then), (std::vector<std::string>{"jd-1|portal|article"}));

  // A policy already out holds nothing up; one named by release id works the same.
  AdmitRequest later = chain("jd-2");
  later.link_target = "portal|article";
  later.interprets = "zc-1";
  admit(later);
  EXPECT_EQ(status("jd-2|portal|article").state, DeliveryState::queued);
}

}  // namespace
}  // namespace fabu::testing
