// The intake stream, admission idempotency, rejects and wake-ups, against a real redis-server.
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "queue/redis_connection.h"
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(LedgerTest, EnsureIntakeIsIdempotent) {
  EXPECT_TRUE(ledger_->ensure_intake());
  EXPECT_TRUE(ledger_->ensure_intake());
}

TEST_F(LedgerTest, EnqueuedReleaseIsReadThenAcknowledgedByAdmit) {
  auto entry_id = ledger_->enqueue(R"({"id":"r1"})", "json");
  ASSERT_TRUE(entry_id) << entry_id.error().message;
  EXPECT_EQ(ledger_->intake_depth().value_or(-1), 1);

  auto read = ledger_->read_intake("instance-a", 10, 200ms);
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ(read->front().entry_id, *entry_id);
  EXPECT_EQ(read->front().payload, R"({"id":"r1"})");
  EXPECT_EQ(read->front().format, "json");
  EXPECT_EQ(ledger_->intake_depth().value_or(-1), 1) << "read but not acknowledged is still pending";

  auto r = request("r1", {spec("portal", "article", "portal/site")});
  r.intake_entry_id = *entry_id;
  EXPECT_EQ(admit(r).outcome, AdmitOutcome::admitted);
  EXPECT_EQ(ledger_->intake_depth().value_or(-1), 0);

  auto reclaimed = ledger_->reclaim_intake("instance-b", 10, 0ms);
  ASSERT_TRUE(reclaimed);
  EXPECT_TRUE(reclaimed->empty()) << "an admitted entry must not be handed out again";
}

TEST_F(LedgerTest, FormatFieldIsKept) {
  ASSERT_TRUE(ledger_->enqueue("id = \"r1\"", "toml"));
  auto read = ledger_->read_intake("instance-a", 10, 200ms);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ(read->front().format, "toml");
  EXPECT_EQ(read->front().payload, "id = \"r1\"");
}

TEST_F(LedgerTest, AnEntryWithoutExactlyOneReleaseFieldNamesItsFieldsAndKeepsWhatItCarried) {
  RedisConnection redis(config_);
  const std::string intake = config_.prefix + ":{" + config_.prefix + "}:intake";
  ASSERT_TRUE(redis.command({"XADD", intake, "*", "Release", R"({"id":"typo"})"}).has_value());
  ASSERT_TRUE(redis.command({"XADD", intake, "*", "release", R"({"id":"a"})", "release", R"({"id":"b"})"}).has_value());
  ASSERT_TRUE(redis.command({"XADD", intake, "*", "foo", "bar", "format", "toml", "note", "x"}).has_value());
  auto read = ledger_->read_intake("instance-a", 10, 200ms);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->size(), 3u);
  const IntakeEntry& typo = (*read)[0];
  EXPECT_FALSE(typo.has_release);
  EXPECT_EQ(typo.payload, R"({"id":"typo"})") << "a release under another name is kept as it was sent";
  EXPECT_NE(typo.malformed.find("no `release` field (its fields: Release)"), std::string::npos) << typo.malformed;
  const IntakeEntry& twice = (*read)[1];
  EXPECT_FALSE(twice.has_release) << "which of two releases was meant is not guessed";
  EXPECT_NE(twice.malformed.find("2 `release` fields"), std::string::npos) << twice.malformed;
  EXPECT_EQ(nlohmann::json::parse(twice.payload),
            nlohmann::json::parse(R"([["release","{\"id\":\"a\"}"],["release","{\"id\":\"b\"}"]])"));
  const IntakeEntry& other = (*read)[2];
  EXPECT_FALSE(other.has_release);
  EXPECT_NE(other.malformed.find("its fields: foo, format, note"), std::string::npos) << other.malformed;
  EXPECT_EQ(nlohmann::json::parse(other.payload),
            nlohmann::json::parse(R"([["foo","bar"],["format","toml"],["note","x"]])"));
}

TEST_F(LedgerTest, EmptyIntakeReadReturnsNothing) {
  auto read = ledger_->read_intake("instance-a", 10, 50ms);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_TRUE(read->empty());
}

TEST_F(LedgerTest, UnacknowledgedEntryIsReclaimedByAnotherConsumer) {
  auto entry_id = ledger_->enqueue(R"({"id":"lost"})", "json");
  ASSERT_TRUE(entry_id);
  auto first = ledger_->read_intake("crashed-instance", 10, 100ms);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);

  auto fresh = ledger_->read_intake("instance-b", 10, 50ms);
  ASSERT_TRUE(fresh);
  EXPECT_TRUE(fresh->empty()) << "a read entry is not new for other consumers";

  auto reclaimed = ledger_->reclaim_intake("instance-b", 10, 0ms);
  ASSERT_TRUE(reclaimed) << reclaimed.error().message;
  ASSERT_EQ(reclaimed->size(), 1u);
  EXPECT_EQ(reclaimed->front().entry_id, *entry_id);
  EXPECT_EQ(reclaimed->front().payload, R"({"id":"lost"})");

  auto idle_too_short = ledger_->reclaim_intake("instance-c", 10, std::chrono::hours(1));
  ASSERT_TRUE(idle_too_short);
  EXPECT_TRUE(idle_too_short->empty());
}

TEST_F(LedgerTest, ReclaimFollowsTheCursorUpToCount) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(ledger_->enqueue("{\"n\":" + std::to_string(i) + "}", "json"));
  ASSERT_EQ(ledger_->read_intake("crashed-instance", 10, 100ms).value_or(std::vector<IntakeEntry>{}).size(), 5u);
  auto reclaimed = ledger_->reclaim_intake("instance-b", 3, 0ms);
  ASSERT_TRUE(reclaimed);
  EXPECT_EQ(reclaimed->size(), 3u);
}

TEST_F(LedgerTest, RejectAcknowledgesAndKeepsThePayload) {
  auto entry_id = ledger_->enqueue("{not json", "json");
  ASSERT_TRUE(entry_id);
  ASSERT_TRUE(ledger_->read_intake("instance-a", 10, 100ms));
  RejectRecord record;
  record.intake_entry_id = *entry_id;
  record.at_ms = T0;
  record.errors = {{"", "not valid JSON"}, {"title", "missing"}};
  record.payload = "{not json";
  ASSERT_TRUE(ledger_->reject(record));

  EXPECT_EQ(ledger_->intake_depth().value_or(-1), 0);
  auto rejects = ledger_->rejects(10);
  ASSERT_TRUE(rejects);
  ASSERT_EQ(rejects->size(), 1u);
  EXPECT_EQ(rejects->front().intake_entry_id, *entry_id);
  EXPECT_EQ(rejects->front().payload, "{not json");
  EXPECT_EQ(rejects->front().at_ms, T0);
  EXPECT_EQ(rejects->front().errors, record.errors);
}

TEST_F(LedgerTest, SameReleaseTwiceIsADuplicateAndAdmitsOnce) {
  auto r = request("r1", {spec("portal", "article", "portal/site")});
  auto first = admit(r);
  EXPECT_EQ(first.outcome, AdmitOutcome::admitted);
  EXPECT_EQ(first.admission.admitted_at_ms, T0);

  r.now_ms = T0 + 5000;
  auto second = admit(r);
  EXPECT_EQ(second.outcome, AdmitOutcome::duplicate);
  EXPECT_EQ(second.admission.serial, first.admission.serial);
  EXPECT_EQ(second.admission.admitted_at_ms, T0);
  EXPECT_EQ(claim(T0 + 5000).size(), 1u) << "one delivery, not two";
  EXPECT_TRUE(ledger_->rejects(10).value_or(std::vector<RejectRecord>{1}).empty());
}

TEST_F(LedgerTest, SameIdWithOtherContentIsAConflictAndRecordedAsReject) {
  ASSERT_EQ(admit(request("r1", {spec("portal", "article", "portal/site")})).outcome, AdmitOutcome::admitted);
  auto changed = request("r1", {spec("portal", "article", "portal/site")}, "digest-2");
  changed.release_json = R"({"id":"r1","title":"changed"})";
  EXPECT_EQ(admit(changed).outcome, AdmitOutcome::conflict);

  auto rejects = ledger_->rejects(10);
  ASSERT_TRUE(rejects);
  ASSERT_EQ(rejects->size(), 1u);
  EXPECT_EQ(rejects->front().release_id, "r1");
  EXPECT_EQ(rejects->front().payload, changed.release_json);
  ASSERT_EQ(rejects->front().errors.size(), 1u);
  EXPECT_EQ(rejects->front().errors[0].path, "id");

  auto stored = ledger_->release_json("r1");
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ(**stored, R"({"id":"r1","title":"通知"})") << "the first content stays";
}

TEST_F(LedgerTest, SerialsIncreasePerRelease) {
  auto a = admit(request("a", {spec("portal", "article", "portal/site")}));
  auto b = admit(request("b", {spec("portal", "article", "portal/site")}));
  EXPECT_EQ(b.admission.serial, a.admission.serial + 1);
}

TEST_F(LedgerTest, AdmitRefusesAWaitOnAnUnknownDelivery) {
  auto bad = ledger_->admit(request("r1", {spec("microblog", "lead", "microblog/lead", "r1|portal|article")}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::invalid);
}

TEST_F(LedgerTest, NotifyWakesAWaiter) {
  auto idle = ledger_->wait_notify(50ms);
  ASSERT_TRUE(idle) << idle.error().message;
  EXPECT_FALSE(*idle);
  ASSERT_TRUE(ledger_->notify());
  auto woken = ledger_->wait_notify(1000ms);
  ASSERT_TRUE(woken);
  EXPECT_TRUE(*woken);
}

TEST_F(LedgerTest, AdmissionWakesAWaiterOnAnotherConnection) {
  auto waiter = connect();
  ASSERT_TRUE(waiter);
  admit(request("r1", {spec("portal", "article", "portal/site")}));
  auto woken = waiter->wait_notify(1000ms);
  ASSERT_TRUE(woken);
  EXPECT_TRUE(*woken);
}

TEST_F(LedgerTest, AofIsReportedAsConfigured) {
  auto off = ledger_->aof_enabled();
  ASSERT_TRUE(off);
  EXPECT_FALSE(*off);

  RedisServer with_aof(true);
  RedisConfig config = config_;
  config.port = with_aof.port();
  auto other = DeliveryLedger::connect(config);
  ASSERT_TRUE(other);
  auto on = (*other)->aof_enabled();
  ASSERT_TRUE(on);
  EXPECT_TRUE(*on);
}

TEST_F(LedgerTest, ReclaimedEntriesCarryHowOftenTheyWereHandedOut) {
  auto entry_id = ledger_->enqueue(R"({"id":"crashy"})", "json");
  ASSERT_TRUE(entry_id);
  auto read = ledger_->read_intake("instance-a", 10, 100ms);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ(read->front().deliveries, 1);
  EXPECT_TRUE(read->front().has_release);
  for (std::int64_t expected = 2; expected <= 4; ++expected) {
    auto reclaimed = ledger_->reclaim_intake("instance-b", 1, 0ms);
    ASSERT_TRUE(reclaimed) << reclaimed.error().message;
    ASSERT_EQ(reclaimed->size(), 1u);
    EXPECT_EQ(reclaimed->front().entry_id, *entry_id);
    EXPECT_EQ(reclaimed->front().deliveries, expected) << "XAUTOCLAIM counts every hand-out";
  }
}

// Bytes that are not UTF-8 read back as text with U+FFFD, and exactly in payload_base64.
TEST_F(LedgerTest, ARejectKeepsThePayloadsExactBytesWhenTheyAreNotUtf8) {
  auto entry_id = ledger_->enqueue("x", "json");
  ASSERT_TRUE(entry_id);
  ASSERT_TRUE(ledger_->read_intake("instance-a", 10, 100ms));
  RejectRecord record;
  record.intake_entry_id = *entry_id;
  record.errors = {{"", "not UTF-8"}};
  record.payload = std::string("{\"id\":\"r\xff\xc0\x00x\"}", 14);
  ASSERT_TRUE(ledger_->reject(record));
  auto rejects = ledger_->rejects(1);
  ASSERT_TRUE(rejects);
  ASSERT_EQ(rejects->size(), 1u);
  EXPECT_EQ(rejects->front().payload, std::string("{\"id\":\"r\uFFFD\uFFFD\x00x\"}", 18));
  EXPECT_EQ(base64_decode(rejects->front().payload_base64), record.payload);

  record.payload = R"({"id":"r2"})";
  ASSERT_TRUE(ledger_->reject(record));
  rejects = ledger_->rejects(1);
  ASSERT_TRUE(rejects && rejects->size() == 1u);
  EXPECT_EQ(rejects->front().payload, record.payload);
  EXPECT_EQ(rejects->front().payload_base64, "") << "UTF-8 needs no second copy";
}

TEST_F(LedgerTest, ARejectKeepsAPayloadUpToTheDocumentLimitAndCutsALargerOne) {
  auto entry_id = ledger_->enqueue("x", "json");
  ASSERT_TRUE(entry_id);
  ASSERT_TRUE(ledger_->read_intake("instance-a", 10, 100ms));
  RejectRecord record;
  record.intake_entry_id = *entry_id;
  record.release_id = std::string(1000, 'i');
  record.errors = {{"", "document is too big"}};
  record.payload = std::string(ReleaseLimits::document_bytes + 1000, 'p');
  ASSERT_TRUE(ledger_->reject(record));
  auto rejects = ledger_->rejects(1);
  ASSERT_TRUE(rejects);
  ASSERT_EQ(rejects->size(), 1u);
  const std::string& kept = rejects->front().payload;
  EXPECT_LT(kept.size(), ReleaseLimits::document_bytes + 100);
  EXPECT_EQ(kept.substr(0, 1000), std::string(1000, 'p'));
  EXPECT_NE(kept.find("(525288 bytes, at most 524288)"), std::string::npos);
  EXPECT_LT(rejects->front().release_id.size(), 128u);
}

}  // namespace
}  // namespace fabu::testing
