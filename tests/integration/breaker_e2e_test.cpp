// The per-platform circuit breaker inside a running fabud: a platform that fails every call is left
// alone for the cool-off, then probed, and everything is delivered once it answers again.
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/harness.h"

namespace fabu::testing {
namespace {

int requests_received(SandboxServer& sandbox) {
  auto r = http_request(sandbox.port(), "GET", "/_sandbox/stats");
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  return doc.is_object() ? doc.value("total", -1) : -1;
}

TEST(BreakerE2E, FailingPlatformIsLeftAloneForTheCoolOffThenProbedAndEverythingDeliveredOnce) {
  std::vector<AccountSpec> members;
  for (int i = 0; i < 10; ++i) members.push_back({"m" + std::to_string(i)});
  Harness h({.sandbox_args = {"--p-5xx", "1"},
             .members = members,
             .max_attempts = 50,
             .retry_base_ms = 50,
             .retry_cap_ms = 200,
             .retry_extra_toml = "breaker_failures = 3\nbreaker_cooloff_seconds = 3\n"});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("breaker-1", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));

  ASSERT_TRUE(Harness::eventually([&] {
    return h.log_of().find("circuit breaker of channel microblog opened") != std::string::npos;
  })) << h.log_of();
  // While it is open nothing reaches the platform (the cool-off is 3 s; look at 1.5 s of it).
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int before = requests_received(h.sandbox());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(requests_received(h.sandbox()), before) << "requests reached the platform while the breaker was open";

  const auto healed = http_request(h.sandbox().port(), "POST", "/_sandbox/faults", R"({"p_5xx": 0})");
  ASSERT_EQ(healed.status, 200) << healed.body;
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("breaker-1"); }, std::chrono::seconds(40))) << h.log_of();
  for (const auto& d : h.deliveries("breaker-1")) {
    EXPECT_EQ(d.state, DeliveryState::delivered) << d.id << ": " << d.last_error;
  }
  const auto posts = h.sandbox_posts();
  EXPECT_EQ(posts_by(posts, h.token_of("lead_acct")), 1);
  for (const auto& m : members) EXPECT_EQ(posts_by(posts, h.token_of(m.id)), 1) << m.id;
  EXPECT_NE(h.log_of().find("circuit breaker of channel microblog closed"), std::string::npos);
}

}  // namespace
}  // namespace fabu::testing
