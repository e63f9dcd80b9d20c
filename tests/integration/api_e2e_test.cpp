// fabud's HTTP API against a real fabud, redis-server and sandbox.
#include <gtest/gtest.h>

#include "tests/integration/harness.h"

namespace fabu::testing {
namespace {

TEST(AdminApiE2E, SubmitValidatesQueuesAndReports) {
  const int api_port = free_port();
  Harness h({.members = {{"county_a"}}, .api_port = api_port});
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();

  auto accepted = http_request(api_port, "POST", "/v1/releases",
                               release_json("api-ok", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
  EXPECT_EQ(accepted.status, 202) << accepted.body;
  auto body = nlohmann::json::parse(accepted.body);
  EXPECT_EQ(body["id"], "api-ok");
  EXPECT_EQ(body["deliveries"], 3);

  auto refused = http_request(api_port, "POST", "/v1/releases",
                              release_json("api-bad", R"({"microblog":["lead","nobody"]})"));
  EXPECT_EQ(refused.status, 422);
  auto errors = nlohmann::json::parse(refused.body)["errors"];
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["path"], "targets.microblog[1]");

  auto toml = http_request(api_port, "POST", "/v1/releases", "id = \"api-toml\"\nkind = \"news\"\n",
                           "application/toml");
  EXPECT_EQ(toml.status, 422);
  EXPECT_NE(toml.body.find("\"path\":\"title\""), std::string::npos) << toml.body;

  ASSERT_TRUE(Harness::eventually([&] { return h.settled("api-ok"); })) << h.log_of();
  auto status = http_request(api_port, "GET", "/v1/releases/api-ok");
  EXPECT_EQ(status.status, 200);
  auto deliveries = nlohmann::json::parse(status.body)["deliveries"];
  ASSERT_EQ(deliveries.size(), 3u);
  for (const auto& d : deliveries) EXPECT_EQ(d["state"], "delivered") << d.dump();

  EXPECT_EQ(http_request(api_port, "GET", "/v1/releases/never-sent").status, 404);
  auto health = http_request(api_port, "GET", "/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(nlohmann::json::parse(health.body)["redis"], "up");
  auto metrics = http_request(api_port, "GET", "/metrics");
  EXPECT_NE(metrics.body.find("fabu_deliveries_total{outcome=\"delivered\"} 3"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("fabu_redis_up 1"), std::string::npos);
}

}  // namespace
}  // namespace fabu::testing
