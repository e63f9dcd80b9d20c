// The Art. 26 clock in the ledger: admit records the deadline, the first successful delivery stops it
// (in time or not), retraction and cancellation take a release off the list. Real redis-server.
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

AdmitRequest with_deadline(const std::string& id, std::int64_t deadline_ms) {
  auto r = LedgerTest::request(id, {LedgerTest::spec("portal", "article", "portal/" + id)});
  r.deadline_ms = deadline_ms;
  return r;
}

TEST_F(LedgerTest, DeadlinesListReleasesNotGoneOutEarliestFirst) {
  admit(with_deadline("late", T0 - kHour));
  admit(with_deadline("soon", T0 + kHour));
  admit(with_deadline("later", T0 + 100 * kHour));
  admit(with_deadline("unknown", 0));  // the calendar lacked the year: no deadline, never listed
  auto due = ledger_->deadlines(T0 + 2 * kHour, 10);
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].release_id, "late");
  EXPECT_EQ((*due)[0].deadline_ms, T0 - kHour);
  EXPECT_EQ((*due)[1].release_id, "soon");
  auto record = ledger_->release_record("later");
  ASSERT_TRUE(record && record->has_value());
  EXPECT_EQ((*record)->deadline_ms, T0 + 100 * kHour);
  EXPECT_EQ((*record)->first_out_ms, 0);
  EXPECT_FALSE((*record)->in_time.has_value());
}

TEST_F(LedgerTest, TheFirstDeliveryRecordsWhetherItWentOutInTime) {
  admit(with_deadline("ontime", T0 + kHour));
  admit(with_deadline("overdue", T0 - kHour));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 2u);
  for (const auto& d : claimed) ASSERT_TRUE(finish(d, CompletionOutcome::delivered, T0 + 5));
  auto ontime = ledger_->release_record("ontime");
  ASSERT_TRUE(ontime && ontime->has_value());
  EXPECT_EQ((*ontime)->first_out_ms, T0 + 5);
  EXPECT_EQ((*ontime)->in_time, true);
  auto overdue = ledger_->release_record("overdue");
  ASSERT_TRUE(overdue && overdue->has_value());
  EXPECT_EQ((*overdue)->in_time, false);
  auto due = ledger_->deadlines(T0 + 1000 * kHour, 10);
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->empty());
}

TEST_F(LedgerTest, AFailedDeliveryLeavesTheClockRunningAndRetractionStopsIt) {
  admit(with_deadline("r1", T0 + kHour));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(finish(claimed[0], CompletionOutcome::dead, T0 + 1, 0, "content rejected"));
  auto due = ledger_->deadlines(T0 + 2 * kHour, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE(ledger_->retract("r1", "wrong figures", T0 + 2));
  due = ledger_->deadlines(T0 + 2 * kHour, 10);
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->empty());

  auto scheduled = with_deadline("r2", T0 + kHour);
  scheduled.not_before_ms = T0 + 10 * kHour;
  admit(scheduled);
  ASSERT_TRUE(ledger_->cancel_schedule("r2", T0 + 3));
  due = ledger_->deadlines(T0 + 2 * kHour, 10);
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->empty());
}

}  // namespace
}  // namespace fabu::testing
