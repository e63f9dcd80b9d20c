// ApiRoutes without a server: which requests are refused before any route touches Redis.
// The ledger and channels are absent on purpose: a refused request must never reach them.
#include "daemon/api_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fabu {
namespace {

using ::testing::HasSubstr;

class ApiRoutesTest : public ::testing::Test {
 protected:
  HttpServerResponse call(std::string method, std::string target, std::string token = {}) {
    HttpServerRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    return routes_.handle(r);
  }

  Snapshot<ChannelSet> channels_{nullptr};
  Snapshot<ApprovalPolicy> approval_{nullptr};
  DeliveryLog log_{nullptr};
  ApiRoutes routes_{"test", nullptr, channels_, approval_, log_,
                    BearerTokens({{"cms", {"submit"}, sha256_hex("cms-token")},
                                  {"ops", {"operate"}, sha256_hex("ops-token")}})};
};

TEST_F(ApiRoutesTest, NoTokenIs401WithAChallenge) {
  const auto r = call("GET", "/v1/rejects");
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(r.body, HasSubstr("bearer token"));
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "WWW-Authenticate");
  EXPECT_THAT(r.headers[0].second, HasSubstr("Bearer"));
  EXPECT_EQ(call("POST", "/v1/releases", "wrong-token").status, 401);
}

TEST_F(ApiRoutesTest, ATokenWithoutTheRoleIs403) {
  EXPECT_EQ(call("GET", "/metrics", "cms-token").status, 403);
  EXPECT_EQ(call("GET", "/v1/releases/x", "cms-token").status, 403);
  const auto r = call("POST", "/v1/releases", "ops-token");
  EXPECT_EQ(r.status, 403);
  EXPECT_THAT(r.body, HasSubstr("token 'ops' lacks the role 'submit'"));
}

TEST_F(ApiRoutesTest, UnknownEndpointsAndMethods) {
  EXPECT_EQ(call("GET", "/v2/anything", "ops-token").status, 404);
  EXPECT_EQ(call("DELETE", "/v1/releases/x", "ops-token").status, 405);
  EXPECT_EQ(call("POST", "/v1/dead", "cms-token").status, 405);
  EXPECT_EQ(call("GET", "/nothing").status, 401);  // not even the list of endpoints without a token
}

TEST_F(ApiRoutesTest, TheDashboardPageNeedsNoTokenButItsDataDoes) {
  const auto page = call("GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.content_type, HasSubstr("text/html"));
  EXPECT_THAT(page.body, HasSubstr("/dashboard/dashboard.js"));
  bool csp = false;
  for (const auto& [name, value] : page.headers) csp = csp || (name == "Content-Security-Policy" && value.find("default-src 'self'") != std::string::npos);
  EXPECT_TRUE(csp);
  EXPECT_THAT(call("GET", "/dashboard/dashboard.js").content_type, HasSubstr("javascript"));
  EXPECT_EQ(call("GET", "/dashboard/missing.js").status, 401);  // not an asset: an API path like any other
  EXPECT_EQ(call("GET", "/v1/dashboard").status, 401);
  EXPECT_EQ(call("GET", "/v1/log").status, 401);
  EXPECT_EQ(call("GET", "/v1/dashboard", "cms-token").status, 403);
}

TEST_F(ApiRoutesTest, DeadLetterAndConferenceActionsNeedOperate) {
  for (const std::string path : {"/v1/dead/d1/retry", "/v1/dead/d1/drop", "/v1/conferences/c1/cancel",
                                 "/v1/conferences/c1/record"}) {
    EXPECT_EQ(call("POST", path).status, 401) << path;
    const auto r = call("POST", path, "cms-token");
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_THAT(r.body, HasSubstr("lacks the role 'operate'")) << path;
  }
}

}  // namespace
}  // namespace fabu
