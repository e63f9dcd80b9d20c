// End to end: real redis-server, real sandbox platform over loopback, real fabud processes.
#include <signal.h>

#include <set>

#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

std::string token_of(const Harness& h, const std::string& account) { return "tok-" + h.prefix() + "-" + account; }

TEST(DeliveryE2E, ReleaseFromOneRawRedisCommandReachesPortalAndMicroblog) {
  Harness h({.members = {{"county_a"}, {"county_b"}}});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("e2e-basic", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));

  ASSERT_TRUE(Harness::eventually([&] { return h.settled("e2e-basic"); })) << h.log_of();
  for (const auto& d : h.deliveries("e2e-basic")) {
    EXPECT_EQ(d.state, DeliveryState::delivered) << d.id << ": " << d.last_error;
  }
  const auto posts = h.sandbox_posts();
  EXPECT_EQ(posts_by(posts, token_of(h, "lead_acct")), 1);
  EXPECT_EQ(posts_by(posts, token_of(h, "county_a")), 1);
  EXPECT_EQ(posts_by(posts, token_of(h, "county_b")), 1);
  // Every post links to the portal article, which exists on disk before the post is made.
  bool found_article = false;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(h.portal_dir())) {
    if (entry.path().filename() == "e2e-basic.html") found_article = true;
  }
  EXPECT_TRUE(found_article);
  for (const auto& p : posts) EXPECT_NE(p.value("text", "").find("https://www.linyi.gov.cn/"), std::string::npos);
  // The daemon logged each delivery as a JSON line.
  EXPECT_NE(h.log_of().find("\"event\":\"delivery\""), std::string::npos);
}

TEST(DeliveryE2E, MalformedReleaseIsRejectedWithFieldReasonAndDaemonKeepsGoing) {
  Harness h;
  auto fabud = h.start_fabud();
  h.enqueue(R"({"id":"e2e-bad","kind":"news","title":"缺少字段"})");
  h.enqueue(release_json("e2e-bad-target", R"({"microblog":["lead","nobody_here"]})"));
  h.enqueue(release_json("e2e-after-bad", R"({"portal":["tzgg"],"microblog":["lead"]})"));

  ASSERT_TRUE(Harness::eventually([&] { return h.settled("e2e-after-bad"); })) << h.log_of();
  auto rejects = h.ledger().rejects(10);
  ASSERT_TRUE(rejects.has_value());
  ASSERT_EQ(rejects->size(), 2u);
  bool saw_missing = false, saw_target = false;
  for (const auto& r : *rejects) {
    EXPECT_FALSE(r.payload.empty()) << "the original payload must be kept";
    for (const auto& e : r.errors) {
      if (r.release_id == "e2e-bad" && e.path == "summary") saw_missing = true;
      if (r.release_id == "e2e-bad-target" && e.path == "targets.microblog[1]" &&
          e.reason.find("nobody_here") != std::string::npos) {
        saw_target = true;
      }
    }
  }
  EXPECT_TRUE(saw_missing);
  EXPECT_TRUE(saw_target);
  EXPECT_TRUE(fabud.running());
  EXPECT_EQ(posts_by(h.sandbox_posts(), token_of(h, "lead_acct")), 1);
}

TEST(DeliveryE2E, SameReleaseSubmittedTwiceIsPostedOnce) {
  Harness h({.members = {{"county_a"}}});
  auto fabud = h.start_fabud();
  const auto json = release_json("e2e-twice", R"({"portal":["tzgg"],"microblog":["lead","all"]})");
  h.enqueue(json);
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("e2e-twice"); })) << h.log_of();
  h.enqueue(json);
  h.enqueue(json);
  // The duplicates are admitted as no-ops: wait until the intake has nothing left, then count.
  ASSERT_TRUE(Harness::eventually([&] {
    auto depth = h.ledger().intake_depth();
    return depth && *depth == 0;
  }));
  const auto posts = h.sandbox_posts();
  EXPECT_EQ(posts_by(posts, token_of(h, "lead_acct")), 1);
  EXPECT_EQ(posts_by(posts, token_of(h, "county_a")), 1);
  EXPECT_NE(h.log_of().find("\"event\":\"duplicate\""), std::string::npos);
}

TEST(DeliveryE2E, KilledMidDeliveryFinishesAfterRestartWithoutLossOrDuplicate) {
  std::vector<AccountSpec> members;
  for (int i = 0; i < 20; ++i) members.push_back({"m" + std::to_string(i)});
  // Slow replies so the kill lands while posts are in flight.
  Harness h({.sandbox_args = {"--latency-ms", "400"}, .members = members, .lease_seconds = 2});
  {
    auto fabud = h.start_fabud("first");
    h.enqueue(release_json("e2e-kill", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
    ASSERT_TRUE(Harness::eventually([&] {
      for (const auto& d : h.deliveries("e2e-kill")) {
        if (d.state == DeliveryState::sending && d.channel == "microblog" && d.destination != "lead_acct") return true;
      }
      return false;
    })) << h.log_of("first");
    fabud.signal(SIGKILL);
    fabud.wait();
  }
  auto second = h.start_fabud("second");
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("e2e-kill"); }, std::chrono::seconds(40)))
      << h.log_of("second");
  for (const auto& d : h.deliveries("e2e-kill")) {
    EXPECT_EQ(d.state, DeliveryState::delivered) << d.id << ": " << d.last_error;
  }
  const auto posts = h.sandbox_posts();
  EXPECT_EQ(posts_by(posts, token_of(h, "lead_acct")), 1);
  for (const auto& m : members) EXPECT_EQ(posts_by(posts, token_of(h, m.id)), 1) << m.id;
}

// Weibo may show an accepted post 1-2 minutes late. Here every post times out (the platform creates
// it and holds the reply past fabud's timeout) and stays off the timeline for 1.5 s: the look right
// after the timeout finds nothing, and the retry waits retry.in_doubt_wait_ms (2.5 s) before it looks
// again, finds the post and records it. Sooner, it would have posted a second time.
TEST(DeliveryE2E, ATimedOutPostShownLateIsFoundAndNotSentAgain) {
  Harness h({.sandbox_args = {"--p-timeout", "1", "--timeout-hold-ms", "3000", "--timeout-hidden-ms", "1500"},
             .request_timeout_ms = 1000,
             .in_doubt_wait_ms = 2500});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("e2e-late", R"({"portal":["tzgg"],"microblog":["lead"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("e2e-late"); }, std::chrono::seconds(30))) << h.log_of();

  std::vector<DeliveryStatus> microblog;
  for (const auto& d : h.deliveries("e2e-late")) {
    if (d.channel == "microblog") microblog.push_back(d);
  }
  ASSERT_EQ(microblog.size(), 1U);
  const auto& d = microblog.front();
  EXPECT_EQ(d.state, DeliveryState::delivered) << d.last_error;
  EXPECT_EQ(d.attempt, 2);
  EXPECT_NE(d.note.find("reconciled: found on the account's timeline"), std::string::npos) << d.note;
  const auto posts = h.sandbox_posts();
  ASSERT_EQ(posts_by(posts, token_of(h, "lead_acct")), 1) << posts.dump();
  EXPECT_EQ(d.post_id, posts[0]["idstr"].get<std::string>());
  const auto stats = nlohmann::json::parse(http_request(h.sandbox().port(), "GET", "/_sandbox/stats").body, nullptr, false);
  int shares = 0;
  for (const auto& [outcome, n] : stats["endpoints"]["statuses/share.json"].items()) shares += n.get<int>();
  EXPECT_EQ(shares, 1) << stats.dump();
}

TEST(DeliveryE2E, SigtermDrainsAndExitsZero) {
  Harness h({.sandbox_args = {"--latency-ms", "300"}, .members = {{"county_a"}, {"county_b"}}});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("e2e-term", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
  ASSERT_TRUE(Harness::eventually([&] {
    for (const auto& d : h.deliveries("e2e-term")) {
      if (d.state == DeliveryState::sending && d.channel == "microblog") return true;
    }
    return false;
  }));
  fabud.signal(SIGTERM);
  EXPECT_EQ(fabud.wait(std::chrono::seconds(15)), 0) << h.log_of();
  // What was in flight at SIGTERM was finished and recorded, not left in doubt.
  for (const auto& d : h.deliveries("e2e-term")) {
    EXPECT_NE(d.state, DeliveryState::sending) << d.id;
  }
}

}  // namespace
}  // namespace fabu::testing
