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

}  // namespace
}  // namespace fabu
