// The dispatcher's loop over an in-memory ledger and a scripted adapter: what it records for each kind
// of result, that a log line follows the ledger's verdict, and that nothing is lost while Redis is away
// or while it drains.
#include "daemon/dispatcher.h"

#include <atomic>

#include <gtest/gtest.h>

#include "config/config.h"
#include "tests/daemon/daemon_test_support.h"

namespace fabu::testing {
namespace {

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : snapshot_(board_.channels) {
    options_.owner = "test-instance";
    options_.retry = RetryPolicy{3, std::chrono::milliseconds(20), std::chrono::milliseconds(40), 0.0,
                                 std::chrono::milliseconds(0)};
    options_.request_timeout = std::chrono::milliseconds(500);
    options_.breaker_failures = 0;
  }

  // Admits a release for "board" with `targets` as the intake would; returns its delivery ids by target.
  std::string admit(const std::string& id, const std::string& targets_json) {
    IntakeDecision decision = examine_payload(board_release(id, targets_json), "json", *board_.channels, board_.approval);
    EXPECT_TRUE(decision.request) << join(decision.errors);
    if (!decision.request) return {};
    auto admitted = ledger_.intake()->admit(*decision.request);
    EXPECT_TRUE(admitted && admitted->outcome == AdmitOutcome::admitted);
    return id;
  }

  void start() {
    dispatcher_ = std::make_unique<Dispatcher>(options_, ledger_.dispatch(), ledger_.wake(), snapshot_, health_, log_.log());
    dispatcher_->start();
  }

  // Starts with release `id` to "lead" sent and its answer held back by the adapter.
  bool start_with_lead_in_flight(const std::string& id) {
    board_.script->hold("lead");
    admit(id, R"(["lead"])");
    start();
    return eventually([&] { return board_.script->held_count() == 1; });
  }

  bool settles_in(const std::string& id, DeliveryState state) {
    return eventually([&] {
      auto d = ledger_.delivery(id);
      return d && d->state == state;
    });
  }

  ScriptedChannels board_ = scripted_channels();
  Snapshot<ChannelSet> snapshot_;
  MemoryLedger ledger_;
  RedisHealth health_;
  CapturedLog log_;
  DispatcherOptions options_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherTest, ADeliveryIsRecordedAndLoggedAndItsWaiterFollowsWithTheLeadsPost) {
  admit("r1", R"(["lead", "repost"])");
  ASSERT_EQ(ledger_.delivery("r1|board|repost")->state, DeliveryState::waiting);
  start();
  ASSERT_TRUE(settles_in("r1|board|repost", DeliveryState::delivered));
  EXPECT_EQ(ledger_.delivery("r1|board|lead")->post_id, "post-lead-1");
  const auto jobs = board_.script->jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].destination, "lead");
  EXPECT_EQ(jobs[1].upstream.post_id, "post-lead-1") << "the waiter gets the lead's receipt";
  EXPECT_EQ(jobs[1].release->id, "r1");
  EXPECT_TRUE(eventually([&] { return log_.deliveries("delivered").size() == 2; }));
  EXPECT_EQ(log_.deliveries("delivered")[0].value("post_id", ""), "post-lead-1");
  EXPECT_TRUE(eventually([&] { return dispatcher_->delivered_count() == 2; }));
}

TEST_F(DispatcherTest, ATransientFailureRetriesWithBackoffInDoubtWhenItMayHaveBeenSent) {
  Error timeout = Error::transient("timed out after sending");
  timeout.may_have_taken_effect = true;
  board_.script->answer("lead", {fail(timeout)});
  options_.retry.base = options_.retry.cap = std::chrono::milliseconds(150);
  options_.retry.in_doubt_wait = std::chrono::milliseconds(400);
  admit("r2", R"(["lead"])");
  start();
  ASSERT_TRUE(settles_in("r2|board|lead", DeliveryState::delivered));
  const auto jobs = board_.script->jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_FALSE(jobs[0].in_doubt);
  EXPECT_EQ(jobs[1].attempt, 2);
  EXPECT_TRUE(jobs[1].in_doubt) << "the second attempt reconciles first";
  const auto times = board_.script->job_times();
  EXPECT_GE(times[1] - times[0], std::chrono::milliseconds(390)) << "the in-doubt wait, longer than the backoff, was waited";
  EXPECT_TRUE(eventually([&] { return log_.deliveries("delivered").size() == 1; }));
  const auto retried = log_.deliveries("retrying");
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].value("error_kind", ""), "transient");
}

TEST_F(DispatcherTest, AttemptsRunOutIntoADeadLetterAndItsWaiterDiesToo) {
  board_.script->answer("lead", {fail(Error::transient("HTTP 503")), fail(Error::transient("HTTP 503")),
                                 fail(Error::transient("HTTP 503"))});
  admit("r3", R"(["lead", "repost"])");
  start();
  ASSERT_TRUE(settles_in("r3|board|lead", DeliveryState::dead));
  EXPECT_EQ(board_.script->jobs().size(), 3u) << "max_attempts = 3";
  const auto waiter = ledger_.delivery("r3|board|repost");
  EXPECT_EQ(waiter->state, DeliveryState::dead);
  EXPECT_NE(waiter->last_error.find("waited on r3|board|lead"), std::string::npos) << waiter->last_error;
  EXPECT_TRUE(eventually([&] { return log_.deliveries("dead").size() == 1; }));
  EXPECT_NE(log_.deliveries("dead")[0].value("error", "").find("gave up after 3 attempts"), std::string::npos);
}

TEST_F(DispatcherTest, ARateLimitWaitsWithoutSpendingAnAttempt) {
  Error slow{ErrorKind::rate_limited, "10022: IP requests out of rate limit", std::chrono::milliseconds(50), 10022};
  board_.script->answer("lead", {fail(slow)});
  admit("r4", R"(["lead"])");
  start();
  ASSERT_TRUE(settles_in("r4|board|lead", DeliveryState::delivered));
  const auto jobs = board_.script->jobs();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[1].attempt, 1) << "the rate-limited attempt was given back";
  EXPECT_TRUE(eventually([&] { return log_.deliveries("rate_limited").size() == 1; }));
}

TEST_F(DispatcherTest, ABreakerHoldIsCountedAsItsOwnOutcomeAndNotTimed) {
  options_.breaker_failures = 1;
  options_.breaker_cooloff = std::chrono::seconds(60);
  board_.script->answer("lead", {fail(Error::transient("503 from the platform"))});
  admit("r9", R"(["lead"])");
  start();
  ASSERT_TRUE(eventually([&] { return log_.deliveries("rate_limited").size() == 1; }));
  EXPECT_EQ(board_.script->jobs().size(), 1u) << "the held attempt was not sent";
  std::string text;
  log_.log().metrics().render(text);
  EXPECT_NE(text.find("fabu_deliveries_total{channel=\"board\",outcome=\"retrying\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("fabu_deliveries_total{channel=\"board\",outcome=\"breaker_hold\"} 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("outcome=\"rate_limited\""), std::string::npos) << "a hold is no rate limit: " << text;
  EXPECT_NE(text.find("fabu_delivery_duration_seconds_count{channel=\"board\"} 1\n"), std::string::npos) << text;
}

TEST_F(DispatcherTest, ATokenErrorParksTheAccountAndHoldsTheDelivery) {
  board_.script->answer("lead", {fail(Error::auth("21327: expired_token"))});
  admit("r5", R"(["lead"])");
  start();
  ASSERT_TRUE(settles_in("r5|board|lead", DeliveryState::needs_auth));
  EXPECT_TRUE(ledger_.lane_parked("board/lead"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(board_.script->jobs().size(), 1u) << "nothing more goes out on a parked account";
  EXPECT_TRUE(eventually([&] { return log_.deliveries("needs_auth").size() == 1; }));
}

TEST_F(DispatcherTest, AResultTheLedgerRefusesAsStaleIsNotLoggedAsDelivered) {
  options_.lease = std::chrono::milliseconds(50);
  board_.script->hold("lead");
  admit("r6", R"(["lead"])");
  start();
  // Attempt 1 hangs past its lease; the lease is reaped and attempt 2 delivers.
  ASSERT_TRUE(eventually([&] { return board_.script->jobs().size() == 2; }));
  ASSERT_TRUE(settles_in("r6|board|lead", DeliveryState::delivered));
  EXPECT_TRUE(eventually([&] { return log_.deliveries("delivered").size() == 1; }));
  // Attempt 1 answers at last: the ledger's fencing refuses it.
  ASSERT_TRUE(board_.script->answer_held(DeliveryReceipt{"post-late", "", ""}));
  ASSERT_TRUE(eventually([&] { return log_.deliveries("stale").size() == 1; }));
  const auto stale = log_.deliveries("stale")[0];
  EXPECT_EQ(stale.value("attempt", 0), 1);
  EXPECT_EQ(stale.value("reported", ""), "delivered");
  const auto delivered = log_.deliveries("delivered");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].value("attempt", 0), 2);
  EXPECT_EQ(ledger_.delivery("r6|board|lead")->post_id, "post-lead-2");
  EXPECT_EQ(dispatcher_->delivered_count(), 1);
  EXPECT_EQ(log_.log().stale_count(), 1);
}

// A delivered result carries its reach note to the ledger, which enters it only when it applies the
// result (the memory ledger keeps what it entered, as the complete script does).
TEST_F(DispatcherTest, OnlyDeliveriesTheLedgerRecordedHaveTheirPostFollowed) {
  std::atomic<int> asked{0};
  options_.reach_note = [&](const ClaimedDelivery& delivery, const DeliveryReceipt& receipt,
                            std::int64_t now_ms) -> std::optional<ReachNote> {
    ++asked;
    return ReachNote{{delivery.release_id, delivery.channel, delivery.destination, receipt.post_id, now_ms}, 1000};
  };
  options_.lease = std::chrono::milliseconds(50);
  board_.script->hold("lead");
  admit("r9", R"(["lead"])");
  start();
  ASSERT_TRUE(settles_in("r9|board|lead", DeliveryState::delivered));
  ASSERT_TRUE(board_.script->answer_held(DeliveryReceipt{"post-late", "", ""}));  // refused as stale
  ASSERT_TRUE(eventually([&] { return log_.deliveries("stale").size() == 1; }));
  EXPECT_EQ(asked.load(), 2) << "both results came back delivered";
  const auto notes = ledger_.reach_notes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].post.release, "r9");
  EXPECT_EQ(notes[0].post.account, "lead");
  EXPECT_EQ(notes[0].post.post_id, "post-lead-2");
  EXPECT_GT(notes[0].post.delivered_ms, 0);
}

TEST_F(DispatcherTest, ResultsAreKeptWhileRedisRefusesThemAndLoggedOnceRecorded) {
  ledger_.fail_calls("apply_completions", -1);
  admit("r7", R"(["lead"])");
  start();
  ASSERT_TRUE(eventually([&] { return ledger_.calls("apply_completions") >= 2; }));
  EXPECT_EQ(board_.script->jobs().size(), 1u);
  EXPECT_EQ(ledger_.delivery("r7|board|lead")->state, DeliveryState::sending);
  EXPECT_TRUE(log_.deliveries("delivered").empty()) << "nothing is logged before the ledger applied it";
  EXPECT_FALSE(health_.up());
  ledger_.clear_failures();
  ASSERT_TRUE(settles_in("r7|board|lead", DeliveryState::delivered));
  EXPECT_EQ(ledger_.delivery("r7|board|lead")->post_id, "post-lead-1");
  EXPECT_TRUE(eventually([&] { return log_.deliveries("delivered").size() == 1; }));
  EXPECT_EQ(board_.script->jobs().size(), 1u) << "recorded, not sent again";
  EXPECT_TRUE(health_.up());
}

TEST_F(DispatcherTest, DrainingFinishesWhatIsInFlight) {
  ASSERT_TRUE(start_with_lead_in_flight("r8"));
  dispatcher_->begin_drain();
  std::thread answer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    board_.script->answer_held(DeliveryReceipt{"post-drained", "", ""});
  });
  EXPECT_EQ(dispatcher_->wait_drained(std::chrono::steady_clock::now() + std::chrono::seconds(5)), 0);
  answer.join();
  EXPECT_EQ(ledger_.delivery("r8|board|lead")->state, DeliveryState::delivered);
  EXPECT_EQ(log_.deliveries("delivered").size(), 1u) << "recorded and logged before the drain ended";
}

TEST_F(DispatcherTest, WhatIsUnfinishedAtTheDeadlineIsHandedBackInDoubt) {
  ASSERT_TRUE(start_with_lead_in_flight("r9"));
  dispatcher_->begin_drain();
  EXPECT_EQ(dispatcher_->wait_drained(std::chrono::steady_clock::now() + std::chrono::milliseconds(100)), 1);
  dispatcher_.reset();
  const auto d = ledger_.delivery("r9|board|lead");
  EXPECT_EQ(d->state, DeliveryState::retrying);
  EXPECT_TRUE(d->in_doubt);
  EXPECT_EQ(d->error_kind, "returned");
  const auto returned = log_.deliveries("retrying");
  ASSERT_EQ(returned.size(), 1u);
  EXPECT_EQ(returned[0].value("error_kind", ""), "returned");
}

TEST_F(DispatcherTest, ADeliveryWhoseChannelIsGoneDiesAsAConfigErrorWithoutASend) {
  admit("r10", R"(["lead"])");
  AdapterRegistry registry;
  AdapterEnv env;
  auto no_channels = ChannelSet::create(**parse_config("", "empty.toml"), registry, env);
  ASSERT_TRUE(no_channels);
  snapshot_.set(*no_channels);  // a reload removed the channel after admission
  start();
  ASSERT_TRUE(settles_in("r10|board|lead", DeliveryState::dead));
  const auto d = ledger_.delivery("r10|board|lead");
  EXPECT_EQ(d->error_kind, "config");
  EXPECT_EQ(d->last_error, "channel 'board' is no longer configured");
  EXPECT_TRUE(board_.script->jobs().empty());
  EXPECT_TRUE(eventually([&] { return log_.deliveries("dead").size() == 1; }));
}

// The intake hands the release it admitted to the dispatcher, which then neither reads it back nor
// parses it again: the job carries the very value handed over.
TEST_F(DispatcherTest, AReleaseTheIntakeAdmittedIsTakenFromItNotReadBackFromTheLedger) {
  IntakeDecision decision = examine_payload(board_release("r11", R"(["lead"])"), "json", *board_.channels, board_.approval);
  ASSERT_TRUE(decision.request && decision.release) << join(decision.errors);
  auto stored = parse_release_json(decision.request->release_json);
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, *decision.release) << "what the dispatcher would read back is the same release";
  ASSERT_TRUE(ledger_.intake()->admit(*decision.request));

  AdmittedReleases admitted;
  Release marked = *decision.release;
  marked.title = "handed over, not read back";
  admitted.put("r11", decision.request->revision, std::make_shared<const Release>(marked), 1000);
  options_.admitted = &admitted;
  start();
  ASSERT_TRUE(settles_in("r11|board|lead", DeliveryState::delivered));
  const auto jobs = board_.script->jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].release->title, "handed over, not read back");
}

TEST(AdmittedReleases, KeepsTheNewestUpToItsBound) {
  AdmittedReleases admitted(250);
  for (const char* id : {"a", "b", "c"}) {
    Release release;
    release.id = id;
    admitted.put(id, 1, std::make_shared<const Release>(release), 100);
  }
  EXPECT_EQ(admitted.find("a", 1), nullptr) << "300 bytes are past the bound: the oldest went";
  EXPECT_NE(admitted.find("b", 1), nullptr);
  admitted.put("huge", 1, std::make_shared<const Release>(), 1000);
  EXPECT_EQ(admitted.find("huge", 1), nullptr) << "larger than the bound: not kept";
  EXPECT_NE(admitted.find("c", 1), nullptr) << "and it pushed nothing out";
  ASSERT_NE(admitted.find("c", 1), nullptr);
  EXPECT_EQ(admitted.find("c", 1)->id, "c");
  EXPECT_EQ(admitted.find("b", 2), nullptr) << "another revision is another release";
}

}  // namespace
}  // namespace fabu::testing
