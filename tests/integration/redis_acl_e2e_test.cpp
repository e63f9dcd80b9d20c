// End to end: fabud and fabuctl run as the Redis ACL user documented in examples/redis-acl.conf, so
// the documented command list is exactly enough; the documented submitter user can queue a release
// and do nothing else.

#include <gtest/gtest.h>

#include "core/sha256.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

const std::string fabud_password = "fabud-redis-pass-for-tests";
const std::string submitter_password = "submitter-redis-pass-for-tests";

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Applies the documented users (but keeps the default user on, which the test's own connections use).
void apply_documented_acl(int port, const std::string& prefix) {
  std::istringstream lines(read_file(std::string(FABU_SOURCE_DIR) + "/examples/redis-acl.conf"));
  int applied = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("user ") || line.starts_with("user default ")) continue;
    replace_all(line, "PREFIX", prefix);
    replace_all(line, "#FABUD_PASSWORD_SHA256", "#" + sha256_hex(fabud_password));
    replace_all(line, "#SUBMITTER_PASSWORD_SHA256", "#" + sha256_hex(submitter_password));
    replace_all(line, "#READER_PASSWORD_SHA256", "#" + sha256_hex("reader"));
    std::string command = "redis-cli -p " + std::to_string(port) + " ACL SETUSER";
    std::istringstream words(line.substr(5));
    for (std::string word; words >> word;) command += " '" + word + "'";
    std::string said;
    ASSERT_EQ(run_shell(command, said), 0) << said;
    ASSERT_EQ(said, "OK\n") << line;
    ++applied;
  }
  ASSERT_EQ(applied, 3) << "examples/redis-acl.conf should hold the fabud, submitter and reader users";
}

class RedisAclE2E : public ::testing::Test {
 protected:
  RedisAclE2E() : h_(options()) {}

  HarnessOptions options() {
    write_file(secrets_.path() + "/redis.password", fabud_password + "\n");
    HarnessOptions o;
    o.members = {{"county_a"}};
    o.redis_extra_toml = "username = \"fabud\"\npassword_file = \"" + secrets_.path() + "/redis.password\"\n";
    return o;
  }

  std::string submitter_cli(const std::string& args) {
    return "redis-cli -p " + std::to_string(h_.redis_port()) + " --user submitter --pass '" + submitter_password +
           "' --no-auth-warning " + args;
  }

  TempDir secrets_;
  Harness h_;
};

TEST_F(RedisAclE2E, FabudDeliversAsTheDocumentedUserAndTheSubmitterCanOnlyQueue) {
  ASSERT_NO_FATAL_FAILURE(apply_documented_acl(h_.redis_port(), h_.prefix()));
  auto fabud = h_.start_fabud();

  // The submitter queues a release with a plain XADD.
  const std::string intake = h_.prefix() + ":{" + h_.prefix() + "}:intake";
  const std::string payload = release_json("acl-1", R"({"portal":["tzgg"],"microblog":["lead","all"]})");
  std::string said;
  ASSERT_EQ(run_shell(submitter_cli("-x XADD '" + intake + "' '*' format json release"), said, payload), 0) << said;
  EXPECT_EQ(said.find("NOPERM"), std::string::npos) << said;

  ASSERT_TRUE(Harness::eventually([&] { return h_.settled("acl-1"); })) << h_.log_of();
  for (const auto& d : h_.deliveries("acl-1")) EXPECT_EQ(d.state, DeliveryState::delivered) << d.id << ": " << d.last_error;
  EXPECT_EQ(h_.log_of().find("NOPERM"), std::string::npos) << h_.log_of();

  // fabuctl, as the same user, reads and acts.
  const std::string fabuctl = std::string(FABU_FABUCTL_BIN) + " --config " + h_.config_path();
  ASSERT_EQ(run_shell(fabuctl + " status acl-1", said), 0) << said;
  EXPECT_NE(said.find("delivered"), std::string::npos) << said;
  ASSERT_EQ(run_shell(fabuctl + " accounts set-token county_a", said, "tok-renewed-for-acl\n"), 0) << said;
  // The lanes and their owner: fabud takes its lanes as this user (a script's refused command does
  // not say NOPERM, so the log is searched for the warning itself).
  const auto every_lane_owned = [&] {
    const auto owners = h_.lanes_by_owner();
    return owners.size() == 1 && !owners.contains("-") && !owners.begin()->first.ends_with(" (gone)");
  };
  EXPECT_TRUE(Harness::eventually(every_lane_owned)) << ::testing::PrintToString(h_.lanes_by_owner()) << h_.log_of();
  EXPECT_EQ(h_.log_of().find("could not renew its lanes"), std::string::npos) << h_.log_of();
  EXPECT_EQ(h_.log_of().find("could not get a token"), std::string::npos) << h_.log_of();
  // The report card walks the releases with SCAN: the user holds it.
  ASSERT_EQ(run_shell(fabuctl + " report --format json 2>&1", said), 0) << said;
  EXPECT_EQ(nlohmann::json::parse(said)["releases"]["admitted"], 1) << said;

  // The submitter can do nothing else: not read a delivery, not write one, not touch another key.
  for (const std::string& forbidden :
       {"HGETALL '" + h_.prefix() + ":{" + h_.prefix() + "}:rel:acl-1'",
        "HSET '" + h_.prefix() + ":{" + h_.prefix() + "}:rel:acl-1' state delivered",
        std::string("XADD other-stream '*' release x"), std::string("FLUSHALL")}) {
    ASSERT_EQ(run_shell(submitter_cli(forbidden), said), 0) << said;
    EXPECT_NE(said.find("NOPERM"), std::string::npos) << forbidden << ": " << said;
  }
}

}  // namespace
}  // namespace fabu::testing
