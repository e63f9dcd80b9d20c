// End to end: SIGHUP reloads the config atomically (a bad one is refused and the running one keeps
// delivering), and SIGTERM's drain deadline hands unfinished deliveries back in doubt.
#include <signal.h>

#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace fabu::testing {
namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the generated config has no '" << from << "'";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string microblog_release(const std::string& id, const std::string& account) {
  auto doc = nlohmann::json::parse(release_json(id, R"({"microblog":[")" + account + R"("]})",
                                                "临沂市配置重载测试" + id, "市政府新闻办发布测试信息：" + id));
  doc["link"] = "https://www.linyi.gov.cn/reload/" + id + ".html";
  return signed_release(doc.dump());
}

bool delivered(Harness& h, const std::string& release_id) {
  auto ds = h.deliveries(release_id);
  if (ds.empty()) return false;
  for (const auto& d : ds) {
    if (d.state != DeliveryState::delivered) return false;
  }
  return true;
}

TEST(ReloadE2E, BadConfigIsRefusedAndOldOneKeepsDeliveringThenGoodOneAddsAnAccount) {
  Harness h({.members = {{"county_a"}}});
  auto fabud = h.start_fabud();
  const std::string good = read_file(h.config_path());
  h.enqueue(microblog_release("reload-1", "county_a"));
  ASSERT_TRUE(Harness::eventually([&] { return delivered(h, "reload-1"); })) << h.log_of();

  // A type error the config parser catches, then an account table only the Weibo adapter refuses.
  write_file(h.config_path(), replaced(good, "max_in_flight = 256", "max_in_flight = \"many\""));
  fabud.signal(SIGHUP);
  ASSERT_TRUE(Harness::eventually([&] { return count_of(h.log_of(), "reload refused") >= 1; })) << h.log_of();
  EXPECT_NE(h.log_of().find("max_in_flight"), std::string::npos) << "the refusal names the key";
  write_file(h.config_path(), replaced(good, "mode = \"post\"\nposts_per_hour = 0\nmin_gap_seconds = 0\n[[",
                                       "mode = \"shout\"\nposts_per_hour = 0\nmin_gap_seconds = 0\n[["));
  const std::size_t refused_before = count_of(h.log_of(), "reload refused");
  fabud.signal(SIGHUP);
  ASSERT_TRUE(Harness::eventually([&] { return count_of(h.log_of(), "reload refused") > refused_before; }))
      << h.log_of();
  EXPECT_NE(h.log_of().find("shout"), std::string::npos) << "the refusal names the bad value";
  EXPECT_EQ(count_of(h.log_of(), "reloaded "), 0);

  // The running config is intact: its account still delivers, an account it lacks is refused.
  h.enqueue(microblog_release("reload-2", "county_a"));
  h.enqueue(microblog_release("reload-too-early", "county_new"));
  ASSERT_TRUE(Harness::eventually([&] { return delivered(h, "reload-2"); })) << h.log_of();
  ASSERT_TRUE(Harness::eventually([&] {
    auto rejects = h.ledger().rejects(10);
    return rejects && !rejects->empty() && rejects->front().release_id == "reload-too-early";
  })) << h.log_of();
  EXPECT_TRUE(fabud.running());

  // A valid change: a new member account. Releases for it go out after the reload.
  h.set_members({{"county_a"}, {"county_new"}});
  fabud.signal(SIGHUP);
  ASSERT_TRUE(Harness::eventually([&] { return count_of(h.log_of(), "reloaded ") == 1; })) << h.log_of();
  h.enqueue(microblog_release("reload-3", "county_new"));
  h.enqueue(microblog_release("reload-4", "county_a"));
  ASSERT_TRUE(Harness::eventually([&] { return delivered(h, "reload-3") && delivered(h, "reload-4"); })) << h.log_of();
  const auto posts = h.sandbox_posts();
  EXPECT_EQ(posts_by(posts, h.token_of("county_new")), 1);
  EXPECT_EQ(posts_by(posts, h.token_of("county_a")), 3);

  fabud.signal(SIGTERM);
  EXPECT_EQ(fabud.wait(std::chrono::seconds(15)), 0) << h.log_of();
}

TEST(ReloadE2E, DrainDeadlineHandsTheSlowDeliveryBackInDoubtAndTheNextInstanceReconcilesIt) {
  // fabud would wait 20 s for the platform; the drain deadline is 1 s.
  // A lease far longer than the test: only the hand-back can make the delivery claimable again.
  Harness h({.members = {{"county_slow"}}, .lease_seconds = 600, .request_timeout_ms = 20000,
             .drain_deadline_seconds = 1});
  const std::string slow = h.token_of("county_slow");
  auto set_slow = [&](int ms) {
    const auto r = http_request(h.sandbox().port(), "POST", "/_sandbox/faults",
                                nlohmann::json{{"slow_tokens", {{slow, ms}}}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  };
  set_slow(15000);  // the platform creates the post, then answers 15 s later
  {
    auto first = h.start_fabud("first");
    h.enqueue(microblog_release("drain-1", "county_slow"));
    ASSERT_TRUE(Harness::eventually([&] { return posts_by(h.sandbox_posts(), slow) == 1; })) << h.log_of("first");
    first.signal(SIGTERM);
    // Bounded by the drain deadline, not by the 15 s reply (the bound only keeps the test finite).
    EXPECT_EQ(first.wait(std::chrono::seconds(12)), 0) << h.log_of("first");
  }
  EXPECT_NE(h.log_of("first").find("still in flight at the deadline"), std::string::npos) << h.log_of("first");
  auto left = h.deliveries("drain-1");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left.front().state, DeliveryState::retrying) << "unfinished work is handed back";
  EXPECT_TRUE(left.front().in_doubt) << "it may have been sent, so it must be looked for first";

  set_slow(0);
  auto second = h.start_fabud("second");
  ASSERT_TRUE(Harness::eventually([&] { return delivered(h, "drain-1"); })) << h.log_of("second");
  const auto done = h.deliveries("drain-1").front();
  EXPECT_NE(done.note.find("reconciled"), std::string::npos) << done.note;
  EXPECT_EQ(posts_by(h.sandbox_posts(), slow), 1) << "the reconciled delivery is not posted again";
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(std::chrono::seconds(15)), 0) << h.log_of("second");
}

}  // namespace
}  // namespace fabu::testing
