// End to end: `fabud --check` against real Redis servers and a real config: what passes, what is a
// problem (exit 1, each printed), what only needs the network (--offline skips it), and --version.
#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

std::string fabud_check(const Harness& h, const std::string& extra, int& status) {
  std::string said;
  status = run_shell(std::string(FABU_FABUD_BIN) + " --config " + h.config_path() + " --check " + extra, said);
  return said;
}

void edit_config(const Harness& h, const std::string& from, const std::string& to) {
  std::string config = read_file(h.config_path());
  const auto at = config.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  config.replace(at, from.size(), to);
  write_file(h.config_path(), config);
}

TEST(CheckE2E, AHealthySetupPassesAndSaysSo) {
  Harness h;
  int status = -1;
  const std::string said = fabud_check(h, "", status);
  EXPECT_EQ(status, 0) << said;
  EXPECT_NE(said.find("config OK (2 channels"), std::string::npos) << said;
  EXPECT_NE(said.find("check passed\n"), std::string::npos) << said;
  EXPECT_NE(said.find("appendonly is off"), std::string::npos) << "the test Redis runs without AOF: " << said;
}

TEST(CheckE2E, UnreachableRedisIsAProblemUnlessOffline) {
  RedisServer redis;
  Harness h({.redis_port = redis.port()});
  redis.stop();
  int status = -1;
  std::string said = fabud_check(h, "", status);
  EXPECT_EQ(status, 1) << said;
  EXPECT_NE(said.find("problem: redis 127.0.0.1:" + std::to_string(redis.port())), std::string::npos) << said;
  EXPECT_NE(said.find("check failed\n"), std::string::npos) << said;

  said = fabud_check(h, "--offline", status);
  EXPECT_EQ(status, 0) << said;
  EXPECT_NE(said.find("check passed (offline: Redis not checked)"), std::string::npos) << said;
}

TEST(CheckE2E, ExpiredTokenAndMissingPortalFolderAreProblemsExpiringTokenAWarning) {
  Harness h({.members = {{"county_a"}, {"county_b"}}});
  edit_config(h, "id = \"county_a\"\n", "id = \"county_a\"\ntoken_expires = 2020-01-31\n");
  edit_config(h, "id = \"county_b\"\n", "id = \"county_b\"\ntoken_expires = " + std::to_string(2100) + "-01-01\n");
  edit_config(h, "output_dir = \"" + h.portal_dir() + "\"", "output_dir = \"" + h.portal_dir() + "/no/such/folder\"");
  int status = -1;
  const std::string said = fabud_check(h, "--offline", status);
  EXPECT_EQ(status, 1) << said;
  EXPECT_NE(said.find("problem: microblog/county_a: the token expired on 2020-01-31"), std::string::npos) << said;
  EXPECT_EQ(said.find("county_b"), std::string::npos) << "a token valid for decades is not worth a line: " << said;
  EXPECT_NE(said.find("problem: portal: the parent folder of output_dir does not exist"), std::string::npos) << said;
}

TEST(CheckE2E, InvalidConfigExitsTwo) {
  Harness h;
  edit_config(h, "[daemon]\n", "[daemon]\nno_such_key = 1\n");
  int status = -1;
  const std::string said = fabud_check(h, "", status);
  EXPECT_EQ(status, 2) << said;
  EXPECT_NE(said.find("unknown key 'daemon.no_such_key'"), std::string::npos) << said;
}

TEST(CheckE2E, VersionNamesTheRevision) {
  for (const char* program : {FABU_FABUD_BIN, FABU_FABUCTL_BIN}) {
    std::string said;
    ASSERT_EQ(run_shell(std::string(program) + " --version", said), 0) << said;
    EXPECT_TRUE(said.starts_with(std::string(std::string_view(program).substr(std::string_view(program).rfind('/') + 1)) + " 0."))
        << said;
    EXPECT_NE(said.find(" ("), std::string::npos) << said;
  }
}

}  // namespace
}  // namespace fabu::testing
