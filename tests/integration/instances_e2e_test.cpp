// End to end: a running fabud shows in `fabuctl instances` with this build's version, and shows as
// stopped after a SIGTERM; two instances on one Redis are listed apart; two configured with one name
// are told so in their logs; two instances share the lanes (`fabuctl lanes`), and the lanes of one
// stopped or killed pass to the other.
#include <signal.h>

#include <chrono>
#include <cstdlib>
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

// Two instances share the lanes between them, each lane one owner; a stopped instance hands its
// lanes back and the other takes them at its next renewal; a killed one's pass after its lease.
TEST(InstancesE2E, TwoFabudsShareTheLanesAndTheOtherTakesThemWhenOneStopsOrDies) {
  Harness h;
  auto first = h.start_fabud_as("first", "press-one");
  auto second = h.start_fabud_as("second", "press-two");
  int lanes = 0;
  ASSERT_TRUE(Harness::eventually([&] {
    auto owners = h.lanes_by_owner();
    lanes = 0;
    for (const auto& [owner, n] : owners) lanes += n;
    return owners["press-one"] > 0 && owners["press-two"] > 0 && owners["press-one"] + owners["press-two"] == lanes;
  })) << h.log_of("first") << h.log_of("second");
  ASSERT_GE(lanes, 2);
  auto owners = h.lanes_by_owner();
  EXPECT_LE(std::abs(owners["press-one"] - owners["press-two"]), 1) << "lanes: " << lanes;

  second.signal(SIGTERM);
  ASSERT_EQ(second.wait(), 0) << h.log_of("second");
  EXPECT_EQ(h.lanes_by_owner()["press-two"], 0);  // handed back as it stopped
  ASSERT_TRUE(Harness::eventually([&] { return h.lanes_by_owner()["press-one"] == lanes; })) << h.log_of("first");
  // `fabuctl instances` counts them too.
  EXPECT_EQ(listed(h)["press-one"]["lanes"], lanes);
  EXPECT_EQ(listed(h)["press-two"]["lanes"], 0);

  auto third = h.start_fabud_as("third", "press-three");
  ASSERT_TRUE(Harness::eventually([&] { return h.lanes_by_owner()["press-three"] > 0; })) << h.log_of("third");
  first.kill_and_wait();
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(Harness::eventually([&] { return h.lanes_by_owner()["press-three"] == lanes; })) << h.log_of("third");
  // Not before the dead instance's lease (the harness's default lease_seconds) had run out.
  EXPECT_GE(std::chrono::steady_clock::now() - killed, std::chrono::seconds(HarnessOptions{}.lease_seconds) - std::chrono::milliseconds(500));
  EXPECT_NE(h.log_of("third").find("lane ownership: press-three owns"), std::string::npos) << h.log_of("third");
}

}  // namespace
}  // namespace fabu::testing
