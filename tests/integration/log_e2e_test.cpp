// End to end: fabud's log is JSON on every line; logrotate's rename + SIGUSR1 moves it to a fresh
// file; every delivery and intake event also lands in the Redis stream, which `fabuctl logs` reads,
// filters and follows.
#include <signal.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

using std::chrono::seconds;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Every line parses as a JSON object with an ISO 8601 time (with offset), a level, and a msg or an
// event; returns the objects.
std::vector<nlohmann::json> json_lines(const std::string& text) {
  static const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d)");
  std::vector<nlohmann::json> out;
  for (const auto& line : lines_of(text)) {
    const auto json = nlohmann::json::parse(line, nullptr, false);
    EXPECT_TRUE(json.is_object()) << "not a JSON object: " << line;
    if (!json.is_object()) continue;
    EXPECT_TRUE(json.contains("time") && std::regex_match(json["time"].get<std::string>(), iso)) << line;
    EXPECT_TRUE(json.contains("level")) << line;
    EXPECT_TRUE(json.contains("msg") || json.contains("event")) << line;
    out.push_back(json);
  }
  return out;
}

int count_events(const std::vector<nlohmann::json>& lines, const std::string& event, const std::string& release) {
  int n = 0;
  for (const auto& j : lines) n += j.value("event", "") == event && j.value("release", "") == release ? 1 : 0;
  return n;
}

std::string fabuctl_logs(const Harness& h, const std::string& args) {
  return std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " logs " + args + " 2>&1";
}

TEST(LogE2E, EveryLineFabudWritesIsJson) {
  Harness h;
  auto fabud = h.start_fabud();
  h.enqueue(R"({"id":"log-bad","kind":"news","title":"缺少字段"})");
  h.enqueue(release_json("log-good", R"({"portal":["tzgg"],"microblog":["lead"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("log-good"); })) << h.log_of();
  fabud.signal(SIGTERM);
  EXPECT_EQ(fabud.wait(), 0);

  const auto lines = json_lines(h.log_of());
  ASSERT_GE(lines.size(), 5u) << h.log_of();
  EXPECT_EQ(count_events(lines, "delivery", "log-good"), 2) << h.log_of();
  EXPECT_EQ(count_events(lines, "rejected", "log-bad"), 1) << h.log_of();
  bool saw_shutdown = false;
  for (const auto& j : lines) saw_shutdown |= j.value("msg", "").ends_with(": shutting down");
  EXPECT_TRUE(saw_shutdown) << h.log_of();
}

TEST(LogE2E, RenamedLogFileIsReopenedOnSigusr1) {
  Harness h({.daemon_extra_toml = "log_file = \"rotating.log\"\n"});
  const std::string dir = std::filesystem::path(h.config_path()).parent_path().string();
  const std::string path = dir + "/rotating.log";
  auto fabud = h.start_fabud();
  ASSERT_TRUE(Harness::eventually([&] { return read_file(path).find(" started: ") != std::string::npos; }))
      << h.log_of();
  std::filesystem::rename(path, path + ".1");  // what logrotate does first
  fabud.signal(SIGUSR1);
  ASSERT_TRUE(Harness::eventually([&] { return std::filesystem::exists(path); })) << read_file(path + ".1");
  h.enqueue(release_json("log-rotated", R"({"portal":["tzgg"],"microblog":["lead"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("log-rotated"); })) << read_file(path);
  ASSERT_TRUE(Harness::eventually([&] { return count_events(json_lines(read_file(path)), "delivery", "log-rotated") == 2; }))
      << read_file(path);
  const auto old_lines = json_lines(read_file(path + ".1"));
  EXPECT_EQ(count_events(old_lines, "delivery", "log-rotated"), 0);
  EXPECT_EQ(count_events(old_lines, "admitted", "log-rotated"), 0);
  EXPECT_FALSE(old_lines.empty());
  fabud.signal(SIGTERM);
  EXPECT_EQ(fabud.wait(), 0);
  json_lines(read_file(path));  // the lines written while stopping too
}

TEST(LogE2E, FabuctlLogsReadsFiltersAndFollowsTheStream) {
  Harness h({.members = {{"county_a"}}});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("log-hall", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("log-hall"); })) << h.log_of();
  const std::size_t deliveries = h.deliveries("log-hall").size();
  ASSERT_EQ(deliveries, 3u);

  std::string out;
  // Every delivery of the release, as JSON objects with the log file's fields.
  ASSERT_TRUE(Harness::eventually([&] {
    run_shell(fabuctl_logs(h, "--json --release log-hall --state delivered"), out);
    return lines_of(out).size() == deliveries;
  })) << out;
  for (const auto& j : json_lines(out)) {
    EXPECT_EQ(j["release"], "log-hall");
    EXPECT_EQ(j["outcome"], "delivered");
    EXPECT_EQ(j["event"], "delivery");
  }
  ASSERT_EQ(run_shell(fabuctl_logs(h, "--release log-hall --since 1h"), out), 0) << out;
  const auto human = lines_of(out);
  ASSERT_EQ(human.size(), deliveries + 1) << out;  // admitted, then each delivery
  EXPECT_NE(human[0].find("admitted  log-hall"), std::string::npos) << out;

  ASSERT_EQ(run_shell(fabuctl_logs(h, "--account county_a"), out), 0) << out;
  ASSERT_EQ(lines_of(out).size(), 1u) << out;
  EXPECT_NE(out.find("microblog/county_a  attempt 1"), std::string::npos) << out;
  ASSERT_EQ(run_shell(fabuctl_logs(h, "--channel portal --state delivered"), out), 0) << out;
  EXPECT_EQ(lines_of(out).size(), 1u) << out;
  ASSERT_EQ(run_shell(fabuctl_logs(h, "--since 2099-01-01T00:00:00+08:00"), out), 0) << out;
  EXPECT_TRUE(out.empty()) << out;
  EXPECT_EQ(run_shell(fabuctl_logs(h, "--since yesterday"), out), 2) << out;
  EXPECT_NE(out.find("--since 'yesterday'"), std::string::npos) << out;

  // --follow prints the events that come after it started.
  const std::string follow_out = std::filesystem::path(h.config_path()).parent_path().string() + "/follow.out";
  ChildProcess follow({FABU_FABUCTL_BIN, "--config", h.config_path(), "logs", "--follow", "--json", "--release",
                       "log-later"},
                      {}, follow_out);
  h.enqueue(release_json("log-later", R"({"portal":["tzgg"],"microblog":["lead"]})"));
  ASSERT_TRUE(Harness::eventually([&] {
    return count_events(json_lines(read_file(follow_out)), "delivery", "log-later") == 2;
  })) << read_file(follow_out);
  EXPECT_EQ(count_events(json_lines(read_file(follow_out)), "delivery", "log-hall"), 0);
  EXPECT_TRUE(follow.running());
}

}  // namespace
}  // namespace fabu::testing
