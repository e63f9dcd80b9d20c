// End to end: `fabuctl wait` stops waiting for what only a person can move on, and says so with exit 3:
// an interpretation whose policy was never submitted (its portal article waits, its posts wait on that).
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

TEST(WaitE2E, AnInterpretationWhosePolicyWasNeverSubmittedEndsTheWaitWithExit3) {
  Harness h({.members = {{.id = "county_a"}}});
  auto fabud = h.start_fabud();
  auto doc = nlohmann::json::parse(release_json("interp-9", R"({"portal":["tzgg"],"microblog":["lead"]})"));
  doc["kind"] = "policy_interpretation";
  doc["interprets"] = "临政办发〔2026〕99号";
  h.enqueue(signed_release(doc.dump()));
  h.enqueue(release_json("news-9", R"({"portal":["tzgg"],"microblog":["lead"]})"));

  const std::string ctl = std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path();
  std::string said;
  EXPECT_EQ(run_shell(ctl + " wait -t 30 interp-9 news-9", said), 3) << said;
  EXPECT_NE(said.find("4/4 deliveries settled (2 delivered, 0 dead, 0 waiting for re-authorisation)"
                      ", 2 waiting for a policy not submitted yet"),
            std::string::npos)
      << said;
  // Without the interpretation, everything was delivered.
  EXPECT_EQ(run_shell(ctl + " wait -t 30 news-9", said), 0) << said;
}

}  // namespace
}  // namespace fabu::testing
