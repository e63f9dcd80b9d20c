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

// RFC 9110 15.5.6: a 405 lists the methods the resource takes, read from the route table, and comes
// before the token check (no token changes it).
TEST_F(ApiRoutesTest, A405NamesTheAllowedMethods) {
  const auto allow_of = [](const HttpServerResponse& r) {
    for (const auto& [name, value] : r.headers) {
      if (name == "Allow") return value;
    }
    return std::string("(none)");
  };
  const struct {
    const char* method;
    const char* target;
    const char* allow;
  } cases[] = {{"DELETE", "/v1/releases/x", "GET"},         {"POST", "/v1/dead", "GET"},
               {"GET", "/v1/releases", "POST"},             {"PUT", "/v1/releases", "POST"},
               {"GET", "/v1/releases/x/retract", "POST"},   {"GET", "/v1/releases/x/schedule/cancel", "POST"},
               {"GET", "/v1/dead/d1/retry", "POST"},        {"OPTIONS", "/v1/log?limit=5", "GET"},
               {"HEAD", "/v1/health", "GET"},               {"POST", "/", "GET"},
               {"DELETE", "/dashboard/dashboard.js", "GET"}};
  for (const auto& c : cases) {
    for (const std::string token : {"", "ops-token"}) {
      const auto r = call(c.method, c.target, token);
      EXPECT_EQ(r.status, 405) << c.method << " " << c.target;
      EXPECT_EQ(allow_of(r), c.allow) << c.method << " " << c.target;
      EXPECT_THAT(r.body, HasSubstr(std::string("this resource takes ") + c.allow));
    }
  }
  // No such resource: a 404 (after the token check), not a 405 without methods to list.
  EXPECT_EQ(call("PUT", "/v2/anything", "ops-token").status, 404);
  EXPECT_EQ(call("POST", "/v2/anything", "ops-token").status, 403);  // POST needs `submit` first
  EXPECT_EQ(call("POST", "/v2/anything", "cms-token").status, 404);
  EXPECT_EQ(call("PUT", "/v2/anything").status, 401);
}

// A limit that is not a whole number from 1 to 10000 is refused before Redis is asked (there is no
// ledger here), never clamped or replaced by the default.
TEST_F(ApiRoutesTest, AnUnusableLimitIs422) {
  for (const std::string route : {"/v1/rejects", "/v1/dead", "/v1/held", "/v1/schedules", "/v1/log"}) {
    for (const std::string limit : {"-1", "0", "1e3", "abc", "10001", "99999999999999999999", "", "+5", "%205",
                                    "5.0", "0x10", "5abc"}) {
      const auto r = call("GET", route + "?limit=" + limit, "ops-token");
      EXPECT_EQ(r.status, 422) << route << "?limit=" << limit;
      EXPECT_THAT(r.body, HasSubstr("limit: expected a whole number from 1 to 10000")) << route << "?limit=" << limit;
    }
    EXPECT_EQ(call("GET", route + "?limit", "ops-token").status, 422) << route;
  }
  // Within the range: /v1/log without a log stream answers without Redis.
  EXPECT_EQ(call("GET", "/v1/log?limit=1", "ops-token").status, 200);
  EXPECT_EQ(call("GET", "/v1/log?limit=10000", "ops-token").status, 200);
  EXPECT_EQ(call("GET", "/v1/log", "ops-token").status, 200);
}

TEST_F(ApiRoutesTest, ALogEntryIdIsTwoUnsigned64BitNumbers) {
  for (const std::string after : {"99999999999999999999-0", "0-18446744073709551616", "18446744073709551616-0",
                                  "garbage", "", "-1", "1-", "-", "1-2-3", "+1-0", "1- 0", "1765000000123"}) {
    const auto r = call("GET", "/v1/log?after=" + after + "&limit=2", "ops-token");
    EXPECT_EQ(r.status, 422) << after;
    EXPECT_THAT(r.body, HasSubstr("after: expected a log entry id")) << after;
  }
  for (const std::string after : {"1765000000123-0", "18446744073709551615-18446744073709551615", "0-0"}) {
    EXPECT_EQ(call("GET", "/v1/log?after=" + after + "&limit=2", "ops-token").status, 200) << after;
  }
}

TEST(LogThrottleTest, OneLineAWindowCountingTheRest) {
  LogThrottle throttle(60'000);
  EXPECT_EQ(throttle.admit(1'000), 0);  // the first is logged
  for (int i = 0; i < 500; ++i) EXPECT_EQ(throttle.admit(1'000 + i * 100), std::nullopt);
  EXPECT_EQ(throttle.admit(60'999), std::nullopt);
  EXPECT_EQ(throttle.admit(61'000), 501);  // a window later: logged, with the count left out
  EXPECT_EQ(throttle.admit(61'001), std::nullopt);
  EXPECT_EQ(throttle.admit(500'000), 1);
  EXPECT_EQ(throttle.admit(560'000), 0);
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
