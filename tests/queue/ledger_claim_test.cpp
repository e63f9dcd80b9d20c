// Claiming: lane limits, rate gates, publish times, parking, leases. Against a real redis-server.
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(LedgerTest, ClaimHandsOutTheDeliveryWithItsAdmission) {
  auto admitted = admit(request("r1", {spec("portal", "article", "portal/site")}));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 1u);
  const auto& d = claimed.front();
  EXPECT_EQ(d.id, "r1|portal|article");
  EXPECT_EQ(d.release_id, "r1");
  EXPECT_EQ(d.channel, "portal");
  EXPECT_EQ(d.destination, "article");
  EXPECT_EQ(d.lane, "portal/site");
  EXPECT_EQ(d.attempt, 1);
  EXPECT_FALSE(d.in_doubt);
  EXPECT_EQ(d.admission.serial, admitted.admission.serial);
  EXPECT_EQ(d.admission.admitted_at_ms, T0);

  auto s = status(d.id);
  EXPECT_EQ(s.state, DeliveryState::sending);
  EXPECT_EQ(s.owner, "worker-a");
  EXPECT_TRUE(claim(T0).empty()) << "a sending delivery is not handed out twice";
}

TEST_F(LedgerTest, LaneSendsOneAtATimeByDefault) {
  set_lane("microblog/lead", 1);
  for (auto id : {"a", "b", "c"}) admit(request(id, {spec("microblog", "lead", "microblog/lead")}));
  auto first = claim(T0);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].id, "a|microblog|lead") << "admission order within a lane";
  EXPECT_TRUE(claim(T0).empty());
  EXPECT_EQ(lane("microblog/lead").in_flight, 1);
  EXPECT_EQ(lane("microblog/lead").queued, 2);

  ASSERT_TRUE(finish(first[0], CompletionOutcome::delivered, T0 + 1));
  auto second = claim(T0 + 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, "b|microblog|lead");
}

TEST_F(LedgerTest, MaxInFlightAllowsThatManyAtOnce) {
  set_lane("portal/site", 2);
  for (auto id : {"a", "b", "c"}) admit(request(id, {spec("portal", "article", "portal/site")}));
  EXPECT_EQ(claim(T0).size(), 2u);
  EXPECT_TRUE(claim(T0).empty());
}

TEST_F(LedgerTest, RaisingTheLimitFreesAFullLane) {
  set_lane("portal/site", 1);
  for (auto id : {"a", "b"}) admit(request(id, {spec("portal", "article", "portal/site")}));
  ASSERT_EQ(claim(T0).size(), 1u);
  ASSERT_TRUE(claim(T0).empty());
  set_lane("portal/site", 2);
  EXPECT_EQ(claim(T0).size(), 1u);
}

TEST_F(LedgerTest, BusyLaneDoesNotBlockOtherLanes) {
  set_lane("microblog/lead", 1);
  set_lane("microblog/lanshan", 1);
  admit(request("a", {spec("microblog", "lead", "microblog/lead")}));
  admit(request("b", {spec("microblog", "lead", "microblog/lead"), spec("microblog", "lanshan", "microblog/lanshan")}));
  auto first = claim(T0);
  EXPECT_EQ(ids_of(first), (std::vector<std::string>{"a|microblog|lead", "b|microblog|lanshan"}))
      << "b's lead post waits behind a's; b's lanshan post does not";
  EXPECT_TRUE(claim(T0).empty());
  const auto& lead = first[0].lane == "microblog/lead" ? first[0] : first[1];
  ASSERT_TRUE(finish(lead, CompletionOutcome::delivered, T0 + 1));
  EXPECT_EQ(ids_of(claim(T0 + 1)), (std::vector<std::string>{"b|microblog|lead"}));
}

TEST_F(LedgerTest, ClaimBatchSpansLanesAndRespectsMax) {
  for (int i = 0; i < 6; ++i) {
    auto lane_name = "microblog/account" + std::to_string(i);
    admit(request("r" + std::to_string(i), {spec("microblog", "account" + std::to_string(i), lane_name)}));
  }
  EXPECT_EQ(claim(T0, 4).size(), 4u);
  EXPECT_EQ(claim(T0, 4).size(), 2u);
}

TEST_F(LedgerTest, MinGapSpacesSendsOfALane) {
  set_lane("microblog/lead", 1, 0, 10s);
  for (auto id : {"a", "b"}) admit(request(id, {spec("microblog", "lead", "microblog/lead")}));
  auto first = claim(T0);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(finish(first[0], CompletionOutcome::delivered, T0 + 100));
  EXPECT_TRUE(claim(T0 + 9'999).empty());
  EXPECT_EQ(ledger_->next_due_ms().value_or(std::nullopt), T0 + 10'000);
  EXPECT_EQ(claim(T0 + 10'000).size(), 1u);
}

TEST_F(LedgerTest, PerHourWindowLimitsSends) {
  set_lane("microblog/lead", 5, 2);
  for (auto id : {"a", "b", "c"}) admit(request(id, {spec("microblog", "lead", "microblog/lead")}));
  auto sent = claim(T0);
  ASSERT_EQ(sent.size(), 2u);
  for (const auto& d : sent) ASSERT_TRUE(finish(d, CompletionOutcome::delivered, T0 + 1));
  EXPECT_TRUE(claim(T0 + kHour - 1).empty());
  EXPECT_EQ(ledger_->next_due_ms().value_or(std::nullopt), T0 + kHour);
  auto third = claim(T0 + kHour);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].id, "c|microblog|lead");
}

// Every account of a Weibo app draws on the app's hourly quota: lanes of one group send at most
// group_per_hour together, each within its own limits too; a lane of no group is not held.
TEST_F(LedgerTest, AGroupsHourlyQuotaLimitsTheSendsOfAllItsLanesTogether) {
  auto grouped = [](const std::string& lane) { return LaneLimits{lane, 5, 0, 0ms, "microblog", 3}; };
  ASSERT_TRUE(ledger_->set_lanes({grouped("microblog/a"), grouped("microblog/b"),
                                  LaneLimits{"portal/site", 5, 0, 0ms, "", 0}}));
  for (auto id : {"r1", "r2"}) {
    admit(request(id, {spec("microblog", "a", "microblog/a"), spec("microblog", "b", "microblog/b"),
                       spec("portal", "article", "portal/site")}));
  }
  auto first = claim(T0);
  int microblog = 0;
  for (const auto& d : first) microblog += d.channel == "microblog" ? 1 : 0;
  EXPECT_EQ(microblog, 3);
  EXPECT_EQ(first.size(), 5u) << "the portal's lane is in no group";
  for (const auto& d : first) ASSERT_TRUE(finish(d, CompletionOutcome::delivered, T0 + 1));

  EXPECT_TRUE(claim(T0 + kHour - 1).empty());
  EXPECT_EQ(ledger_->next_due_ms().value_or(std::nullopt), T0 + kHour);
  auto fourth = claim(T0 + kHour);
  ASSERT_EQ(fourth.size(), 1u);
  EXPECT_EQ(fourth[0].channel, "microblog");

  // Read back as set.
  EXPECT_EQ(lane("microblog/a").limits.group, "microblog");
  EXPECT_EQ(lane("microblog/a").limits.group_per_hour, 3);
  EXPECT_EQ(lane("portal/site").limits.group, "");
}

TEST_F(LedgerTest, AGroupsQuotaIsSharedByEveryInstanceAndRaisingItFreesTheLanes) {
  auto grouped = [](const std::string& lane, int quota) { return LaneLimits{lane, 5, 0, 0ms, "microblog", quota}; };
  ASSERT_TRUE(ledger_->set_lanes({grouped("microblog/a", 2), grouped("microblog/b", 2)}));
  for (auto id : {"r1", "r2"}) {
    admit(request(id, {spec("microblog", "a", "microblog/a"), spec("microblog", "b", "microblog/b")}));
  }
  // Two instances claiming one after the other share the window.
  auto one = ledger_->claim("instance-1", 1, T0, 30s);
  ASSERT_TRUE(one);
  auto two = ledger_->claim("instance-2", 16, T0 + 1, 30s);
  ASSERT_TRUE(two);
  EXPECT_EQ(one->size() + two->size(), 2u);
  EXPECT_TRUE(claim(T0 + 2).empty());
  ASSERT_TRUE(ledger_->set_lanes({grouped("microblog/a", 10), grouped("microblog/b", 10)}));
  EXPECT_EQ(claim(T0 + 3).size(), 2u);
}

TEST_F(LedgerTest, PublishTimeInTheFutureHoldsTheDelivery) {
  auto r = request("r1", {spec("portal", "article", "portal/site")});
  r.not_before_ms = T0 + 60'000;
  admit(r);
  EXPECT_TRUE(claim(T0).empty());
  EXPECT_TRUE(claim(T0 + 59'999).empty());
  EXPECT_EQ(ledger_->next_due_ms().value_or(std::nullopt), T0 + 60'000);
  EXPECT_EQ(claim(T0 + 60'000).size(), 1u);
}

TEST_F(LedgerTest, NextDueIsEmptyWithNothingQueued) {
  auto due = ledger_->next_due_ms();
  ASSERT_TRUE(due);
  EXPECT_FALSE(due->has_value());
}

TEST_F(LedgerTest, NextDueIncludesRunningLeases) {
  admit(request("r1", {spec("portal", "article", "portal/site")}));
  ASSERT_EQ(claim(T0, 16, 30s).size(), 1u);
  EXPECT_EQ(ledger_->next_due_ms().value_or(std::nullopt), T0 + 30'001);
}

// Its send went out about a lease ago and the platform may show it late: with a reclaim delay the
// delivery found with an expired lease is due that much later, in doubt.
TEST_F(LedgerTest, AnExpiredLeaseReturnsTheDeliveryDueAfterTheReclaimDelay) {
  ledger_->set_reclaim_delay(60s);
  admit(request("r1", {spec("portal", "article", "portal/site")}));
  ASSERT_EQ(claim(T0, 16, 30s).size(), 1u);
  EXPECT_TRUE(claim(T0 + 30'001).empty()) << "the lease ran out: back in the lane, not yet due";
  EXPECT_TRUE(status("r1|portal|article").in_doubt);
  EXPECT_EQ(status("r1|portal|article").next_at_ms, T0 + 90'001);
  EXPECT_TRUE(claim(T0 + 90'000).empty());
  const auto again = claim(T0 + 90'001);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].in_doubt);
  EXPECT_EQ(again[0].attempt, 2);
}

TEST_F(LedgerTest, ExpiredLeaseReturnsTheDeliveryInDoubt) {
  admit(request("r1", {spec("portal", "article", "portal/site")}));
  auto first = claim(T0, 16, 30s);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(claim(T0 + 30'000).empty()) << "lease still running at its last millisecond";

  auto again = ledger_->claim("worker-b", 16, T0 + 30'001, 30s);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().id, first[0].id);
  EXPECT_EQ(again->front().attempt, 2);
  EXPECT_TRUE(again->front().in_doubt);
  EXPECT_EQ(status(first[0].id).owner, "worker-b");

  EXPECT_FALSE(finish(first[0], CompletionOutcome::delivered, T0 + 30'002)) << "the old owner is fenced off";
  EXPECT_EQ(status(first[0].id).state, DeliveryState::sending);
  EXPECT_TRUE(finish(again->front(), CompletionOutcome::delivered, T0 + 30'003));
  auto done = status(first[0].id);
  EXPECT_EQ(done.state, DeliveryState::delivered);
  EXPECT_FALSE(done.in_doubt);
}

// Admission does not read `parked`: work queued on a parked lane may put it into `ready`, and the
// first claim that reaches it takes it out again, so it neither sends nor keeps the dispatcher awake.
TEST_F(LedgerTest, WorkQueuedOnAParkedLaneWaitsAndTheLaneLeavesReady) {
  set_lane("microblog/lead", 1);
  admit(request("a", {spec("microblog", "lead", "microblog/lead")}));
  auto first = claim(T0);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(finish(first[0], CompletionOutcome::needs_auth, T0 + 1, 0, "expired_token"));
  EXPECT_EQ(ledger_->next_due_ms().value_or(T0), std::nullopt) << "parking took the lane out of ready";

  admit(request("b", {spec("microblog", "lead", "microblog/lead")}));
  EXPECT_TRUE(claim(T0 + 10).empty()) << "a parked lane sends nothing that was queued after it parked";
  EXPECT_EQ(ledger_->next_due_ms().value_or(T0), std::nullopt) << "the claim that met the parked lane took it out";
  EXPECT_EQ(lane("microblog/lead").queued, 2);

  ASSERT_TRUE(ledger_->unpark_lane("microblog/lead", T0 + 100));
  auto next = claim(T0 + 100);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].id, "b|microblog|lead") << "due since its admission; unparking requeues the held one now";
}

TEST_F(LedgerTest, NeedsAuthParksTheLaneUntilUnparked) {
  set_lane("microblog/lead", 1);
  admit(request("a", {spec("microblog", "lead", "microblog/lead"), spec("portal", "article", "portal/site")}));
  admit(request("b", {spec("microblog", "lead", "microblog/lead")}));
  auto first = claim(T0);
  ASSERT_EQ(ids_of(first), (std::vector<std::string>{"a|microblog|lead", "a|portal|article"}));
  const auto& lead = first[0].channel == "microblog" ? first[0] : first[1];
  const auto& article = first[0].channel == "microblog" ? first[1] : first[0];
  ASSERT_TRUE(finish(lead, CompletionOutcome::needs_auth, T0 + 1, 0, "expired_token"));
  ASSERT_TRUE(finish(article, CompletionOutcome::delivered, T0 + 1));

  EXPECT_EQ(status(lead.id).state, DeliveryState::needs_auth);
  EXPECT_EQ(lane("microblog/lead").parked_reason, "expired_token");
  EXPECT_TRUE(claim(T0 + 10).empty()) << "a parked lane sends nothing, even what is queued behind";
  admit(request("c", {spec("portal", "article", "portal/site")}));
  EXPECT_EQ(ids_of(claim(T0 + 20)), (std::vector<std::string>{"c|portal|article"})) << "other lanes go on";

  ASSERT_TRUE(ledger_->unpark_lane("microblog/lead", T0 + 100));
  EXPECT_EQ(lane("microblog/lead").parked_reason, "");
  std::vector<std::string> sent;
  for (int round = 0; round < 2; ++round) {
    auto next = claim(T0 + 100 + round);
    ASSERT_EQ(next.size(), 1u);
    sent.push_back(next[0].id);
    ASSERT_TRUE(finish(next[0], CompletionOutcome::delivered, T0 + 100 + round));
  }
  std::sort(sent.begin(), sent.end());
  EXPECT_EQ(sent, (std::vector<std::string>{"a|microblog|lead", "b|microblog|lead"}));
}

}  // namespace
}  // namespace fabu::testing
