// The intake worker's loop over an in-memory ledger: each stream entry ends admitted, rejected or
// held, acknowledged in the same step, and logged; Redis failures are waited out.
#include "daemon/intake_worker.h"

#include <gtest/gtest.h>

#include "tests/daemon/daemon_test_support.h"
#include "tests/integration/harness.h"

namespace fabu::testing {
namespace {

class IntakeWorkerTest : public ::testing::Test {
 protected:
  IntakeWorkerTest() : channels_(board_.channels), approval_(std::make_shared<const ApprovalPolicy>(board_.approval)) {}
  ~IntakeWorkerTest() override {
    if (worker_) worker_->stop();
  }

  void start() {
    worker_ = std::make_unique<IntakeWorker>("test-instance", std::chrono::seconds(60), 5, ledger_.intake(), channels_,
                                             approval_, health_, workers_, log_.log());
    worker_->start();
  }

  std::vector<nlohmann::json> events(const std::string& event) const {
    std::vector<nlohmann::json> out;
    for (auto& line : log_.lines()) {
      if (line.value("event", "") == event) out.push_back(std::move(line));
    }
    return out;
  }

  ScriptedChannels board_ = scripted_channels();
  Snapshot<ChannelSet> channels_;
  Snapshot<ApprovalPolicy> approval_;
  MemoryLedger ledger_;
  RedisHealth health_;
  WorkerHealth workers_;
  CapturedLog log_;
  std::unique_ptr<IntakeWorker> worker_;
};

TEST_F(IntakeWorkerTest, AValidSignedReleaseIsAdmittedWithItsDeliveries) {
  ledger_.add_intake(intake_entry("1-0", board_release("r-ok", R"(["lead", "repost"])")));
  start();
  ASSERT_TRUE(eventually([&] { return ledger_.stored_release("r-ok").has_value(); }));
  ASSERT_TRUE(eventually([&] { return events("admitted").size() == 1; }));
  EXPECT_EQ(events("admitted")[0].value("release", ""), "r-ok");
  EXPECT_EQ(events("admitted")[0].value("detail", ""), "2 deliveries");
  EXPECT_EQ(ledger_.delivery("r-ok|board|lead")->state, DeliveryState::queued);
  EXPECT_EQ(ledger_.delivery("r-ok|board|repost")->waits_on, "r-ok|board|lead");
  EXPECT_TRUE(ledger_.pending_intake().empty()) << "acknowledged by the admission";
  EXPECT_TRUE(ledger_.rejects().empty());
}

TEST_F(IntakeWorkerTest, AnUnsignedOrInvalidReleaseIsRejectedWithItsFieldErrors) {
  auto unsigned_release = nlohmann::json::parse(board_release("r-unsigned", R"(["lead"])"));
  unsigned_release["approval"].erase("signatures");
  ledger_.add_intake(intake_entry("1-0", unsigned_release.dump()));
  ledger_.add_intake(intake_entry("2-0", release_json("r-unknown", R"({"elsewhere":["x"]})")));
  start();
  ASSERT_TRUE(eventually([&] { return ledger_.rejects().size() == 2; }));
  const auto rejects = ledger_.rejects();
  EXPECT_EQ(rejects[0].intake_entry_id, "1-0");
  EXPECT_EQ(rejects[0].release_id, "r-unsigned");
  ASSERT_FALSE(rejects[0].errors.empty());
  EXPECT_EQ(rejects[0].payload, unsigned_release.dump()) << "the payload is kept";
  EXPECT_EQ(rejects[1].release_id, "r-unknown");
  EXPECT_NE(join(rejects[1].errors).find("elsewhere"), std::string::npos) << join(rejects[1].errors);
  EXPECT_FALSE(ledger_.stored_release("r-unsigned"));
  EXPECT_TRUE(eventually([&] { return events("rejected").size() == 2; }));
  EXPECT_TRUE(ledger_.pending_intake().empty());
}

TEST_F(IntakeWorkerTest, AReleaseWithPersonalDataIsHeldNotAdmitted) {
  ledger_.add_intake(intake_entry(
      "1-0", release_json("r-held", R"({"board":["lead"]})", "寻人启事", "家属电话13812345678，请知情者联系。")));
  start();
  ASSERT_TRUE(eventually([&] { return ledger_.held().size() == 1; }));
  const HeldRecord held = ledger_.held()[0];
  EXPECT_EQ(held.release_id, "r-held");
  EXPECT_EQ(held.intake_entry_id, "1-0");
  ASSERT_FALSE(held.matches.empty());
  EXPECT_EQ(held.matches[0].masked, "138****5678");
  EXPECT_FALSE(ledger_.stored_release("r-held"));
  ASSERT_TRUE(eventually([&] { return events("held").size() == 1; }));
  const std::string detail = events("held")[0].value("detail", "");
  EXPECT_NE(detail.find("138****5678"), std::string::npos);
  EXPECT_EQ(detail.find("13812345678"), std::string::npos) << "the log names the match masked only";
}

TEST_F(IntakeWorkerTest, APoisonEntryIsRejectedUnreadAndTheNextOneStillGoesThrough) {
  ledger_.add_intake(intake_entry("1-0", "{\"id\": \"would-crash\"", 6));
  ledger_.add_intake(intake_entry("2-0", board_release("r-after", R"(["lead"])")));
  start();
  ASSERT_TRUE(eventually([&] { return ledger_.stored_release("r-after").has_value(); }));
  const auto rejects = ledger_.rejects();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].release_id, "") << "not parsed, not even for its id";
  EXPECT_NE(join(rejects[0].errors).find("poison: handed out 6 times"), std::string::npos);
}

TEST_F(IntakeWorkerTest, ARedisFailureWhileAdmittingIsWaitedOutAndTheReleaseAdmittedOnce) {
  ledger_.fail_calls("admit", 2);
  ledger_.add_intake(intake_entry("1-0", board_release("r-retry", R"(["lead"])")));
  start();
  ASSERT_TRUE(eventually([&] { return ledger_.stored_release("r-retry").has_value(); }));
  EXPECT_EQ(ledger_.calls("admit"), 3);
  EXPECT_TRUE(eventually([&] { return events("admitted").size() == 1; }));
  EXPECT_TRUE(ledger_.rejects().empty());
  EXPECT_TRUE(workers_.healthy());
}

TEST_F(IntakeWorkerTest, AReleaseTheScriptRefusesIsRejectedWithTheReason) {
  ledger_.fail_calls("admit", 1, Error::invalid("admit r-refused: delivery without a lane"));
  ledger_.add_intake(intake_entry("1-0", board_release("r-refused", R"(["lead"])")));
  start();
  ASSERT_TRUE(eventually([&] { return ledger_.rejects().size() == 1; }));
  EXPECT_EQ(join(ledger_.rejects()[0].errors), "could not be admitted: admit r-refused: delivery without a lane");
  EXPECT_FALSE(ledger_.stored_release("r-refused"));
}

}  // namespace
}  // namespace fabu::testing
