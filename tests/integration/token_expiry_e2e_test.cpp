// End to end: an account whose configured token_expires has passed is not sent to. Its delivery is
// held as needs_auth (its lane parked) exactly like a token the platform refused, nothing reaches the
// platform under the old token, and `fabuctl accounts set-token --expires` with a later date sends it.
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

DeliveryStatus delivery_to(Harness& h, const std::string& release, const std::string& destination) {
  for (const auto& d : h.deliveries(release)) {
    if (d.destination == destination) return d;
  }
  return {};
}

TEST(TokenExpiryE2E, AccountPastItsTokenExpiryIsParkedNotSentTo) {
  Harness h({.members = {{.id = "county_a"}, {.id = "county_b", .token_expires = "2020-01-31"}}});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("exp-1", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("exp-1"); })) << h.log_of();

  const auto held = delivery_to(h, "exp-1", "county_b");
  EXPECT_EQ(held.state, DeliveryState::needs_auth) << held.last_error;
  EXPECT_NE(held.last_error.find("expired"), std::string::npos) << held.last_error;
  EXPECT_EQ(delivery_to(h, "exp-1", "county_a").state, DeliveryState::delivered);
  auto posts = h.sandbox_posts();
  EXPECT_EQ(posts_by(posts, h.token_of("county_b")), 0) << "nothing is sent with an expired token";
  EXPECT_EQ(posts_by(posts, h.token_of("county_a")), 1);

  std::string table;
  const std::string ctl = std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path();
  ASSERT_EQ(run_shell(ctl + " accounts", table), 0) << table;
  const auto at = table.find("microblog/county_b ");
  ASSERT_NE(at, std::string::npos) << table;
  EXPECT_NE(table.substr(at, table.find('\n', at) - at).find("needs_auth"), std::string::npos) << table;

  // A later release queues behind the parked account: `fabuctl wait` says it waits for a person (exit 3)
  // rather than waiting for its timeout.
  h.enqueue(release_json("exp-2", R"({"portal":["tzgg"],"microblog":["county_a","county_b"]})"));
  std::string waited;
  EXPECT_EQ(run_shell(ctl + " wait -t 20 exp-2", waited), 3) << waited;
  EXPECT_NE(waited.find("3/3 deliveries settled (2 delivered, 0 dead, 1 waiting for re-authorisation)"),
            std::string::npos)
      << waited;

  const std::string renewed = "renewed-" + h.prefix() + "-county_b";
  std::string said;
  ASSERT_EQ(run_shell(ctl + " accounts set-token county_b --expires 2099-06-30", said, renewed + "\n"), 0) << said;
  ASSERT_TRUE(Harness::eventually([&] {
    return delivery_to(h, "exp-1", "county_b").state == DeliveryState::delivered &&
           delivery_to(h, "exp-2", "county_b").state == DeliveryState::delivered;
  }))
      << h.log_of();
  posts = h.sandbox_posts();
  EXPECT_EQ(posts_by(posts, renewed), 2);
  EXPECT_EQ(posts_by(posts, h.token_of("county_b")), 0);
}

}  // namespace
}  // namespace fabu::testing
