// End to end: a running fabud shows in `fabuctl instances` with this build's version, and shows as
// stopped after a SIGTERM; two instances on one Redis are listed apart; two configured with one name
// are told so in their logs.
#include <signal.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/version.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

// `fabuctl instances --json` as {name -> entry}; empty when the command fails.
std::map<std::string, nlohmann::json> listed(const Harness& h) {
  std::string out;
  std::map<std::string, nlohmann::json> by_name;
  if (run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " instances --json", out) != 0) {
    return by_name;
  }
  const auto doc = nlohmann::json::parse(out, nullptr, false);
  if (!doc.is_array()) return by_name;
  for (const auto& e : doc) by_name[e.value("name", "")] = e;
  return by_name;
}

TEST(InstancesE2E, ARunningFabudIsListedWithItsVersionAndAsStoppedAfterSigterm) {
  Harness h;
  auto first = h.start_fabud_as("first", "press-first");
  auto second = h.start_fabud_as("second", "press-second");
  ASSERT_TRUE(Harness::eventually([&] {
    auto now = listed(h);
    return now.count("press-first") && now.count("press-second") && now["press-first"]["state"] == "running" &&
           now["press-second"]["state"] == "running";
  })) << h.log_of("first");
  auto now = listed(h);
  EXPECT_EQ(now["press-first"]["version"], std::string(version()));
  EXPECT_EQ(now["press-first"]["pid"], first.pid());
  EXPECT_EQ(now["press-second"]["pid"], second.pid());
  EXPECT_EQ(now["press-first"]["stopped_ms"], 0);

  first.signal(SIGTERM);
  ASSERT_EQ(first.wait(), 0) << h.log_of("first");
  now = listed(h);
  EXPECT_EQ(now["press-first"]["state"], "stopped");
  EXPECT_GT(now["press-first"]["stopped_ms"].get<std::int64_t>(), 0);
  EXPECT_EQ(now["press-second"]["state"], "running");

  std::string table;
  ASSERT_EQ(run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " instances", table), 0);
  EXPECT_NE(table.find("press-first"), std::string::npos) << table;
  EXPECT_NE(table.find("stopped"), std::string::npos) << table;
  EXPECT_NE(table.find("running"), std::string::npos) << table;
  // Instances with names of their own never take each other for a second instance of their name.
  EXPECT_EQ(h.log_of("first").find("also runs as instance"), std::string::npos) << h.log_of("first");
  EXPECT_EQ(h.log_of("second").find("also runs as instance"), std::string::npos) << h.log_of("second");
}

TEST(InstancesE2E, TwoFabudsConfiguredWithOneNameAreToldSo) {
  Harness h;
  auto first = h.start_fabud_as("first", "press-twin");
  auto second = h.start_fabud_as("second", "press-twin");
  ASSERT_TRUE(Harness::eventually(
      [&] {
        return h.log_of("first").find("also runs as instance 'press-twin'") != std::string::npos ||
               h.log_of("second").find("also runs as instance 'press-twin'") != std::string::npos;
      },
      std::chrono::seconds(30)))
      << h.log_of("first") << h.log_of("second");
}

// A fabud SIGKILLed and started again at once under its name finds its predecessor's entry, still
// fresh: that is a restart, not a second instance.
TEST(InstancesE2E, ARestartAfterACrashIsNotTakenForASecondInstance) {
  Harness h;
  auto crashed = h.start_fabud_as("crashed", "press-phoenix");
  ASSERT_TRUE(Harness::eventually([&] { return listed(h).count("press-phoenix") == 1; })) << h.log_of("crashed");
  crashed.kill_and_wait();
  auto again = h.start_fabud_as("again", "press-phoenix");
  ASSERT_TRUE(Harness::eventually([&] {
    auto now = listed(h);
    return now.count("press-phoenix") && now["press-phoenix"]["pid"] == again.pid();
  })) << h.log_of("again");
  std::this_thread::sleep_for(std::chrono::seconds(11));  // two more announcements
  EXPECT_EQ(h.log_of("again").find("also runs as instance"), std::string::npos) << h.log_of("again");
  EXPECT_EQ(listed(h)["press-phoenix"]["state"], "running");
}

}  // namespace
}  // namespace fabu::testing
