// End to end: one member's token expired on the platform. Every other member is delivered, that
// member's delivery is held (needs_auth) and goes out exactly once after its token is replaced, by
// `fabuctl accounts set-token` or by a config reload (SIGHUP).
#include <signal.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

// The line of `fabuctl accounts` for one account.
std::string account_line(const std::string& table, const std::string& lane) {
  const auto at = table.find(lane + " ");
  if (at == std::string::npos) return {};
  return table.substr(at, table.find('\n', at) - at);
}

class AccountsE2E : public ::testing::Test {
 protected:
  AccountsE2E()
      : h_({.members = {{"county_a"}, {"county_b"}, {"county_c"}}}), old_token_(h_.token_of("county_b")) {}

  // Expires county_b's token on the platform, starts fabud and delivers one release to the whole
  // hall; returns once every delivery settled.
  void deliver_with_one_expired_token() {
    const auto r = http_request(h_.sandbox().port(), "POST", "/_sandbox/tokens",
                                nlohmann::json{{"expire", {old_token_}}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    fabud_ = h_.start_fabud();
    h_.enqueue(release_json("acc-1", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
    ASSERT_TRUE(Harness::eventually([&] { return h_.settled("acc-1"); })) << h_.log_of();

    for (const auto& d : h_.deliveries("acc-1")) {
      if (d.channel != "microblog") continue;
      if (d.destination == "county_b") {
        EXPECT_EQ(d.state, DeliveryState::needs_auth) << d.last_error;
      } else {
        EXPECT_EQ(d.state, DeliveryState::delivered) << d.id << ": " << d.last_error;
      }
    }
    const auto posts = h_.sandbox_posts();
    for (const char* member : {"lead_acct", "county_a", "county_c"}) EXPECT_EQ(posts_by(posts, h_.token_of(member)), 1);
    EXPECT_EQ(posts_by(posts, old_token_), 0);
  }

  DeliveryStatus county_b() {
    for (const auto& d : h_.deliveries("acc-1")) {
      if (d.destination == "county_b") return d;
    }
    return {};
  }

  // Once the held delivery went out: exactly one post under the new token, none under the old, and
  // nobody else posted twice.
  void expect_delivered_once_with(const std::string& new_token) {
    ASSERT_TRUE(Harness::eventually([&] { return county_b().state == DeliveryState::delivered; })) << h_.log_of();
    const auto posts = h_.sandbox_posts();
    EXPECT_EQ(posts_by(posts, new_token), 1);
    EXPECT_EQ(posts_by(posts, old_token_), 0);
    for (const char* member : {"lead_acct", "county_a", "county_c"}) EXPECT_EQ(posts_by(posts, h_.token_of(member)), 1);
  }

  Harness h_;
  const std::string old_token_;
  ChildProcess fabud_;
};

TEST_F(AccountsE2E, ExpiredMemberIsHeldOthersDeliveredAndSetTokenDeliversItOnce) {
  ASSERT_NO_FATAL_FAILURE(deliver_with_one_expired_token());

  std::string table;
  ASSERT_EQ(run_shell(fabuctl(h_, "accounts"), table), 0) << table;
  EXPECT_NE(account_line(table, "microblog/county_b").find("needs_auth"), std::string::npos) << table;
  EXPECT_NE(account_line(table, "microblog/county_a").find(" ok "), std::string::npos) << table;
  EXPECT_NE(account_line(table, "microblog/lead_acct").find("lead"), std::string::npos) << table;

  const std::string new_token = "renewed-" + h_.prefix() + "-county_b";
  std::string said;
  ASSERT_EQ(run_shell(fabuctl(h_, "accounts set-token county_b --expires 2031-06-30"), said, new_token + "\n"), 0) << said;
  EXPECT_NE(said.find("1 held delivery resumes"), std::string::npos) << said;
  EXPECT_EQ(said.find(new_token), std::string::npos) << "fabuctl must never print the token";

  // What Redis holds (and so a dump or a replica) is sealed: the token is not in it.
  std::string stored;
  ASSERT_EQ(run_shell("redis-cli -p " + std::to_string(h_.redis_port()) + " --raw HGETALL '" + h_.prefix() + ":{" +
                    h_.prefix() + "}:tokens'", stored),
            0);
  EXPECT_NE(stored.find("aes256gcm:"), std::string::npos) << stored;
  EXPECT_EQ(stored.find(new_token), std::string::npos) << stored;

  expect_delivered_once_with(new_token);
  const std::string log = h_.log_of();
  EXPECT_NE(log.find("token replaced for account county_b"), std::string::npos) << log;
  EXPECT_EQ(log.find(new_token), std::string::npos) << "the daemon must never log the token";

  ASSERT_EQ(run_shell(fabuctl(h_, "accounts"), table), 0) << table;
  const std::string line = account_line(table, "microblog/county_b");
  EXPECT_NE(line.find(" ok "), std::string::npos) << table;
  EXPECT_NE(line.find("2031-06-30"), std::string::npos) << table;
  EXPECT_EQ(table.find(new_token), std::string::npos);
}

TEST_F(AccountsE2E, SighupWithANewTokenInTheConfigResumesTheHeldDelivery) {
  ASSERT_NO_FATAL_FAILURE(deliver_with_one_expired_token());

  const std::string new_token = "reloaded-" + h_.prefix() + "-county_b";
  std::string config = read_file(h_.config_path());
  const auto at = config.find("\"" + old_token_ + "\"");
  ASSERT_NE(at, std::string::npos);
  config.replace(at + 1, old_token_.size(), new_token);
  write_file(h_.config_path(), config);
  fabud_.signal(SIGHUP);

  expect_delivered_once_with(new_token);
  EXPECT_NE(h_.log_of().find("unparked"), std::string::npos) << h_.log_of();
}

TEST_F(AccountsE2E, SetTokenRefusesAnUnknownAccountAndAnEmptyToken) {
  std::string said;
  EXPECT_EQ(run_shell(fabuctl(h_, "accounts set-token nobody_here"), said, "tok\n"), 2);
  EXPECT_NE(said.find("no account 'nobody_here'"), std::string::npos) << said;
  EXPECT_EQ(run_shell(fabuctl(h_, "accounts set-token county_a"), said, "\n"), 2);
  EXPECT_NE(said.find("no token"), std::string::npos) << said;
  // A file sent by mistake (here /dev/zero: no line break, no end) is read only up to the limit.
  EXPECT_EQ(run_shell(fabuctl(h_, "accounts set-token county_a") + " < /dev/zero", said), 2);
  EXPECT_NE(said.find("over 4096 bytes: not a token"), std::string::npos) << said;
  EXPECT_EQ(*h_.ledger().tokens_version(), 0);
}

}  // namespace
}  // namespace fabu::testing
