// Releases held by the privacy screen, against a real redis-server: the hold acknowledges its intake
// entry, a resubmission updates the record, an admission marks it released and keeps it.
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

using namespace std::chrono_literals;

const std::string kPayload = R"({"id":"r-held","summary":"电话13812345678"})";

HeldRecord held_record(const std::string& entry_id, std::int64_t at_ms, std::string digest = "screen-1") {
  HeldRecord r;
  r.release_id = "r-held";
  r.intake_entry_id = entry_id;
  r.payload = kPayload;
  r.format = "json";
  r.content_digest = "content-1";
  r.screen_digest = std::move(digest);
  r.matches = {{ScreenKind::mobile, "summary", 6, 11, "138****5678", true},
               {ScreenKind::credit_code, "body", 0, 18, "91371300MA3C4XXX1B", false}};
  r.reason = "1 screen match(es)";
  r.held_at_ms = at_ms;
  return r;
}

std::string read_one(DeliveryLedger& ledger) {
  auto entry = ledger.enqueue(kPayload, "json");
  EXPECT_TRUE(entry);
  auto read = ledger.read_intake("instance-a", 10, 100ms);
  EXPECT_TRUE(read && read->size() == 1u);
  return entry ? *entry : std::string();
}

TEST_F(LedgerTest, HoldAcknowledgesTheEntryAndKeepsPayloadAndMaskedMatches) {
  const std::string entry = read_one(*ledger_);
  auto outcome = ledger_->hold(held_record(entry, T0));
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(*outcome, HoldOutcome::held);
  EXPECT_EQ(ledger_->intake_depth().value_or(-1), 0) << "acknowledged and deleted in the same script";

  auto held = ledger_->held(10);
  ASSERT_TRUE(held) << held.error().message;
  ASSERT_EQ(held->size(), 1u);
  const HeldRecord& r = held->front();
  EXPECT_EQ(r.release_id, "r-held");
  EXPECT_EQ(r.intake_entry_id, entry);
  EXPECT_EQ(r.payload, kPayload);
  EXPECT_EQ(r.format, "json");
  EXPECT_EQ(r.content_digest, "content-1");
  EXPECT_EQ(r.screen_digest, "screen-1");
  EXPECT_EQ(r.matches, held_record(entry, T0).matches);
  EXPECT_EQ(r.held_at_ms, T0);
  EXPECT_EQ(r.first_held_at_ms, T0);
  EXPECT_EQ(r.submissions, 1);
  EXPECT_FALSE(r.released);
  auto deliveries = ledger_->deliveries_of("r-held");
  ASSERT_TRUE(deliveries);
  EXPECT_TRUE(deliveries->empty()) << "a held release has no deliveries";
}

TEST_F(LedgerTest, HoldingTheSameReleaseAgainUpdatesItsRecord) {
  ASSERT_TRUE(ledger_->hold(held_record(read_one(*ledger_), T0)));
  const std::string second = read_one(*ledger_);
  auto outcome = ledger_->hold(held_record(second, T0 + 5000, "screen-2"));
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(*outcome, HoldOutcome::updated);
  auto held = ledger_->held(10);
  ASSERT_TRUE(held);
  ASSERT_EQ(held->size(), 1u) << "one record per release id";
  EXPECT_EQ(held->front().screen_digest, "screen-2");
  EXPECT_EQ(held->front().intake_entry_id, second);
  EXPECT_EQ(held->front().first_held_at_ms, T0);
  EXPECT_EQ(held->front().held_at_ms, T0 + 5000);
  EXPECT_EQ(held->front().submissions, 2);
  EXPECT_EQ(ledger_->intake_depth().value_or(-1), 0);
}

TEST_F(LedgerTest, AdmittingAHeldReleaseMarksItsRecordReleasedAndKeepsIt) {
  ASSERT_TRUE(ledger_->hold(held_record(read_one(*ledger_), T0)));
  AdmitRequest r = request("r-held", {spec("portal", "tzgg", "portal/tzgg")});
  r.now_ms = T0 + 60000;
  ASSERT_EQ(admit(r).outcome, AdmitOutcome::admitted);

  auto held = ledger_->held(10);
  ASSERT_TRUE(held);
  EXPECT_TRUE(held->empty()) << "no longer listed as held";
  auto record = ledger_->held_release("r-held");
  ASSERT_TRUE(record) << record.error().message;
  ASSERT_TRUE(record->has_value()) << "kept for the audit trail";
  EXPECT_TRUE((*record)->released);
  EXPECT_EQ((*record)->released_at_ms, T0 + 60000);
  EXPECT_EQ((*record)->screen_digest, "screen-1");
}

TEST_F(LedgerTest, AnAdmittedReleaseIsNotHeldAgain) {
  ASSERT_EQ(admit(request("r-held", {spec("portal", "tzgg", "portal/tzgg")})).outcome, AdmitOutcome::admitted);
  auto outcome = ledger_->hold(held_record(read_one(*ledger_), T0));
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(*outcome, HoldOutcome::already_admitted);
  EXPECT_EQ(ledger_->intake_depth().value_or(-1), 0) << "the entry is still acknowledged";
  auto record = ledger_->held_release("r-held");
  ASSERT_TRUE(record);
  EXPECT_FALSE(record->has_value());
}

TEST_F(LedgerTest, HeldListsLatestFirstWithinTheLimit) {
  for (int i = 0; i < 3; ++i) {
    HeldRecord r = held_record("", T0 + i);
    r.release_id = "r-" + std::to_string(i);
    ASSERT_TRUE(ledger_->hold(r));
  }
  auto held = ledger_->held(2);
  ASSERT_TRUE(held);
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ(held->at(0).release_id, "r-2");
  EXPECT_EQ(held->at(1).release_id, "r-1");
  auto unknown = ledger_->held_release("never-held");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->has_value());
}

TEST_F(LedgerTest, AMatchListWrittenByAnyoneElseIsReadSafely) {
  const auto matches = screen_matches_from_json(
      R"([{"kind":"mobile","field":"body","offset":1,"length":11,"masked":"138****5678"},
          {"kind":7},{"kind":"phone","offset":1,"length":1},"x",
          {"kind":"bank_card","field":3,"offset":2,"length":16,"holds":"no"}])");
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].kind, ScreenKind::mobile);
  EXPECT_TRUE(matches[0].holds) << "a match without `holds` holds";
  EXPECT_EQ(matches[1].field, "");
  EXPECT_TRUE(matches[1].holds);
  EXPECT_TRUE(screen_matches_from_json("not json").empty());
}

}  // namespace
}  // namespace fabu::testing
