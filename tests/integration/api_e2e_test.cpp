// fabud's HTTP API against a real fabud, redis-server and sandbox: every route with its role, and the
// server's limits seen from a raw socket.
#include <signal.h>

#include <iostream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http_server/bearer_tokens.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"
#include "tests/support/raw_client.h"

namespace fabu::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSubmitToken = "apitok-submit-0123456789";
const std::string kReadToken = "apitok-read-0123456789";
const std::string kOperateToken = "apitok-operate-0123456789";

HarnessOptions api_options(int api_port) {
  HarnessOptions o{.members = {{"county_a"}}, .api_port = api_port};
  o.api_tokens = {{"cms", R"(["submit"])", kSubmitToken},
                  {"grafana", R"(["read"])", kReadToken},
                  {"ops", R"(["operate"])", kOperateToken}};
  return o;
}

// VmRSS of a process in KiB, from /proc/<pid>/status.
long rss_kib(int pid) {
  const std::string status = read_file("/proc/" + std::to_string(pid) + "/status");
  const auto at = status.find("VmRSS:");
  return at == std::string::npos ? -1 : std::stol(status.substr(at + 6));
}

TEST(AdminApiE2E, SubmitValidatesQueuesAndReports) {
  const int api_port = free_port();
  Harness h(api_options(api_port));
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();

  auto accepted = http_request(api_port, "POST", "/v1/releases",
                               release_json("api-ok", R"({"portal":["tzgg"],"microblog":["lead","all"]})"),
                               "application/json", kSubmitToken);
  EXPECT_EQ(accepted.status, 202) << accepted.body;
  auto body = nlohmann::json::parse(accepted.body);
  EXPECT_EQ(body["id"], "api-ok");
  EXPECT_EQ(body["deliveries"], 3);

  auto refused = http_request(api_port, "POST", "/v1/releases",
                              release_json("api-bad", R"({"microblog":["lead","nobody"]})"), "application/json",
                              kSubmitToken);
  EXPECT_EQ(refused.status, 422);
  auto errors = nlohmann::json::parse(refused.body)["errors"];
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["path"], "targets.microblog[1]");

  auto toml = http_request(api_port, "POST", "/v1/releases", "id = \"api-toml\"\nkind = \"news\"\n",
                           "application/toml", kSubmitToken);
  EXPECT_EQ(toml.status, 422);
  EXPECT_NE(toml.body.find("\"path\":\"title\""), std::string::npos) << toml.body;

  ASSERT_TRUE(Harness::eventually([&] { return h.settled("api-ok"); })) << h.log_of();
  auto status = http_request(api_port, "GET", "/v1/releases/api-ok", {}, {}, kReadToken);
  EXPECT_EQ(status.status, 200);
  auto deliveries = nlohmann::json::parse(status.body)["deliveries"];
  ASSERT_EQ(deliveries.size(), 3u);
  for (const auto& d : deliveries) EXPECT_EQ(d["state"], "delivered") << d.dump();

  EXPECT_EQ(http_request(api_port, "GET", "/v1/releases/never-sent", {}, {}, kReadToken).status, 404);
  auto rejects = http_request(api_port, "GET", "/v1/rejects?limit=5", {}, {}, kReadToken);
  EXPECT_EQ(rejects.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(rejects.body)["rejects"].is_array()) << rejects.body;
  auto dead = http_request(api_port, "GET", "/v1/dead", {}, {}, kOperateToken);
  EXPECT_EQ(dead.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(dead.body)["dead"].is_array()) << dead.body;
  auto instances = http_request(api_port, "GET", "/v1/instances", {}, {}, kReadToken);
  EXPECT_EQ(instances.status, 200) << instances.body;
  const auto listed = nlohmann::json::parse(instances.body, nullptr, false);
  ASSERT_TRUE(listed.is_object() && listed["instances"].is_array()) << instances.body;
  ASSERT_EQ(listed["instances"].size(), 1u) << instances.body;
  EXPECT_EQ(listed["instances"][0]["pid"], fabud.pid()) << instances.body;
  EXPECT_EQ(listed["instances"][0]["state"], "running") << instances.body;
  EXPECT_EQ(http_request(api_port, "GET", "/v1/instances", {}, {}, kSubmitToken).status, 403);
  auto health = http_request(api_port, "GET", "/v1/health");  // no token needed
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(nlohmann::json::parse(health.body)["redis"], "up");
  auto metrics = http_request(api_port, "GET", "/metrics", {}, {}, kReadToken);
  EXPECT_NE(metrics.body.find("fabu_deliveries_total{channel=\"microblog\",outcome=\"delivered\"} 2"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("fabu_deliveries_total{channel=\"portal\",outcome=\"delivered\"} 1"),
            std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("fabu_redis_up 1"), std::string::npos);
}

TEST(AdminApiE2E, TokensAndRoles) {
  const int api_port = free_port();
  Harness h(api_options(api_port));
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  const auto release = release_json("api-auth", R"({"portal":["tzgg"]})");

  {  // no token: 401 with a challenge, nothing queued
    RawClient client(api_port);
    client.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
    const auto response = client.read_response();
    EXPECT_EQ(status_of(response), 401) << response;
    EXPECT_THAT(response, HasSubstr("WWW-Authenticate: Bearer"));
    EXPECT_THAT(body_of(response), HasSubstr("\"error\""));
  }
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases", release).status, 401);
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases", release, "application/json", "not-a-known-token").status,
            401);
  // The hash in the config is not a token.
  EXPECT_EQ(http_request(api_port, "GET", "/metrics", {}, {}, sha256_hex(kReadToken)).status, 401);

  // A known token without the role: 403.
  auto forbidden = http_request(api_port, "POST", "/v1/releases", release, "application/json", kReadToken);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_THAT(forbidden.body, HasSubstr("lacks the role 'submit'"));
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases", release, "application/json", kOperateToken).status, 403);
  EXPECT_EQ(http_request(api_port, "GET", "/v1/rejects", {}, {}, kSubmitToken).status, 403);
  EXPECT_EQ(http_request(api_port, "GET", "/v1/releases/api-auth", {}, {}, kSubmitToken).status, 403);
  EXPECT_TRUE(h.deliveries("api-auth").empty());

  // The right roles: submit may submit; read and operate may read.
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases", release, "application/json", kSubmitToken).status, 202);
  EXPECT_EQ(http_request(api_port, "GET", "/metrics", {}, {}, kReadToken).status, 200);
  EXPECT_EQ(http_request(api_port, "GET", "/metrics", {}, {}, kOperateToken).status, 200);

  // Tokens never reach the log.
  const auto log = h.log_of();
  for (const auto& token : {kSubmitToken, kReadToken, kOperateToken}) EXPECT_EQ(log.find(token), std::string::npos);
}

TEST(AdminApiE2E, LifecycleRoutesNeedTheOperateRole) {
  const int api_port = free_port();
  Harness h(api_options(api_port));
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  const std::string original = release_json("api-life", R"({"portal":["tzgg"],"microblog":["lead","all"]})");
  ASSERT_EQ(http_request(api_port, "POST", "/v1/releases", original, "application/json", kSubmitToken).status, 202);
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("api-life"); })) << h.log_of();

  // A correction: the path names the release; the body is revision 2 of it.
  auto doc = nlohmann::json::parse(original);
  doc["revision"] = 2;
  doc["change_note"] = "标题更正";
  doc["title"] = "临沂市举行新闻发布会（更正）";
  const std::string corrected = signed_release(doc.dump());
  auto wrong_path = http_request(api_port, "POST", "/v1/releases/other-id/corrections", corrected, "application/json",
                                 kSubmitToken);
  EXPECT_EQ(wrong_path.status, 422);
  EXPECT_THAT(wrong_path.body, HasSubstr("not the release in the path"));
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases/api-life/corrections", corrected, "application/json",
                         kSubmitToken).status, 202);
  ASSERT_TRUE(Harness::eventually([&] {
    for (const auto& d : h.deliveries("api-life")) {
      if (d.operation == Operation::correct && d.state == DeliveryState::delivered) return h.settled("api-life");
    }
    return false;
  })) << h.log_of();

  const std::string reason = R"({"reason":"标题有误"})";
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases/api-life/retract", reason, "application/json", kSubmitToken).status,
            403);
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases/api-life/retract", "{}", "application/json", kOperateToken).status,
            422);
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases/nope/retract", reason, "application/json", kOperateToken).status,
            404);
  // The reason is published on the withdrawal notice: a mobile number in it is refused, masked.
  const auto personal = http_request(api_port, "POST", "/v1/releases/api-life/retract",
                                     R"({"reason":"有误，详询13812345678"})", "application/json", kOperateToken);
  EXPECT_EQ(personal.status, 422) << personal.body;
  EXPECT_THAT(personal.body, HasSubstr("138****5678"));
  EXPECT_THAT(personal.body, Not(HasSubstr("13812345678")));
  std::string refused;
  EXPECT_EQ(run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() +
                          " retract api-life --reason '有误，详询 138 1234 5678' 2>&1",
                      refused),
            2) << refused;
  EXPECT_THAT(refused, HasSubstr("138****5678"));
  auto retracted = http_request(api_port, "POST", "/v1/releases/api-life/retract", reason, "application/json", kOperateToken);
  EXPECT_EQ(retracted.status, 202) << retracted.body;
  EXPECT_THAT(retracted.body, HasSubstr("\"retractions\""));
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases/api-life/retract", reason, "application/json", kOperateToken).status,
            200);
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("api-life"); })) << h.log_of();
  auto status = http_request(api_port, "GET", "/v1/releases/api-life", {}, {}, kReadToken);
  EXPECT_THAT(status.body, HasSubstr("\"retracted\""));
  // The retraction is in the log stream once (the repeat changed nothing), naming the token that did it.
  std::string said;
  ASSERT_EQ(run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() +
                          " logs --json --release api-life --state operator",
                      said),
            0) << said;
  EXPECT_EQ(count_of(said, "\"action\":\"retract\""), 1) << said;
  EXPECT_THAT(said, HasSubstr("\"by\":\"ops\""));
  EXPECT_THAT(said, HasSubstr("\"via\":\"api\""));

  // Schedules: moving or cancelling a release that went out is refused; the list is readable.
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases/api-life/schedule/cancel", "", "application/json",
                         kOperateToken).status, 409);
  EXPECT_EQ(http_request(api_port, "POST", "/v1/releases/api-life/reschedule", R"({"publish_at":"tomorrow"})",
                         "application/json", kOperateToken).status, 422);
  auto schedules = http_request(api_port, "GET", "/v1/schedules", {}, {}, kReadToken);
  EXPECT_EQ(schedules.status, 200);
  EXPECT_THAT(schedules.body, HasSubstr("\"schedules\""));
}

// ?limit= and ?after= as a hostile client sends them: each refused with a 422 naming the parameter,
// never clamped, replaced by a default or passed on to Redis (which answered a 503 with its own error).
TEST(AdminApiE2E, QueryParametersOutOfRangeAre422) {
  const int api_port = free_port();
  Harness h(api_options(api_port));
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  ASSERT_EQ(http_request(api_port, "POST", "/v1/releases", release_json("api-limits", R"({"portal":["tzgg"]})"),
                         "application/json", kSubmitToken).status, 202);
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("api-limits"); })) << h.log_of();

  const auto overflow = http_request(api_port, "GET", "/v1/log?after=99999999999999999999-0&limit=2", {}, {}, kReadToken);
  EXPECT_EQ(overflow.status, 422) << overflow.body;
  EXPECT_THAT(overflow.body, HasSubstr("after: expected a log entry id"));
  EXPECT_EQ(overflow.body.find("ERR"), std::string::npos) << overflow.body;
  for (const std::string after : {"0-18446744073709551616", "garbage", "", "1-2-3"}) {
    const auto r = http_request(api_port, "GET", "/v1/log?after=" + after, {}, {}, kReadToken);
    EXPECT_EQ(r.status, 422) << after << ": " << r.body;
  }

  for (const std::string route : {"/v1/log", "/v1/rejects", "/v1/dead", "/v1/held", "/v1/schedules"}) {
    for (const std::string limit : {"-1", "0", "1e3", "abc", "10001", "99999999999999999999", ""}) {
      const auto r = http_request(api_port, "GET", route + "?limit=" + limit, {}, {}, kReadToken);
      EXPECT_EQ(r.status, 422) << route << "?limit=" << limit << ": " << r.body;
      EXPECT_THAT(r.body, HasSubstr("limit: expected a whole number from 1 to 10000")) << route;
    }
    EXPECT_EQ(http_request(api_port, "GET", route + "?limit=10000", {}, {}, kReadToken).status, 200) << route;
    EXPECT_EQ(http_request(api_port, "GET", route, {}, {}, kReadToken).status, 200) << route;
  }

  // A limit within the range is what it says; `after` pages on from an entry.
  const auto two = http_request(api_port, "GET", "/v1/log?limit=2", {}, {}, kReadToken);
  ASSERT_EQ(two.status, 200) << two.body;
  const auto entries = nlohmann::json::parse(two.body)["entries"];
  ASSERT_EQ(entries.size(), 2u) << two.body;
  const auto next = http_request(api_port, "GET", "/v1/log?limit=1&after=" + entries[0]["id"].get<std::string>(), {},
                                 {}, kReadToken);
  ASSERT_EQ(next.status, 200) << next.body;
  const auto paged = nlohmann::json::parse(next.body)["entries"];
  ASSERT_EQ(paged.size(), 1u) << next.body;
  EXPECT_EQ(paged[0]["id"], entries[1]["id"]);
  // The last id there can be: nothing comes after it.
  const auto last = http_request(api_port, "GET", "/v1/log?after=18446744073709551615-18446744073709551615", {}, {},
                                 kReadToken);
  EXPECT_EQ(last.status, 200) << last.body;
  EXPECT_EQ(nlohmann::json::parse(last.body)["entries"].size(), 0u) << last.body;
}

// RFC 9110 15.5.6: a 405 carries Allow with the methods the resource takes.
TEST(AdminApiE2E, A405ListsTheAllowedMethods) {
  const int api_port = free_port();
  Harness h(api_options(api_port));
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  const struct {
    std::string request;
    std::string allow;
  } cases[] = {{"DELETE /v1/releases/x", "GET"}, {"GET /v1/releases", "POST"}, {"PUT /v1/dead", "GET"},
               {"GET /v1/dead/d1/retry", "POST"}, {"POST /v1/health", "GET"}};
  for (const auto& c : cases) {
    RawClient client(api_port);
    client.send(c.request + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + kOperateToken +
                "\r\nContent-Length: 0\r\n\r\n");
    const auto response = client.read_response();
    EXPECT_EQ(status_of(response), 405) << c.request << ": " << response;
    EXPECT_THAT(response, HasSubstr("\r\nAllow: " + c.allow + "\r\n")) << c.request;
  }
}

// What the API refused reaches fabud's log for ops: a refused submission with the token's name, the
// release id and its reasons (not the payload); 401s with the client's address, one line however
// many come.
TEST(AdminApiE2E, RefusalsAreLogged) {
  const int api_port = free_port();
  Harness h(api_options(api_port));
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();

  const std::string marker = "marker-7f3a9c";
  const auto refused = http_request(api_port, "POST", "/v1/releases",
                                    release_json("api-refused", R"({"microblog":["lead","nobody"]})",
                                                 "临沂市举行新闻发布会", "市政府新闻办今天举行新闻发布会 " + marker),
                                    "application/json", kSubmitToken);
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_TRUE(Harness::eventually([&] {
    return h.log_of().find("refused a release from token 'cms' (422), id 'api-refused': targets.microblog[1]") !=
           std::string::npos;
  }, std::chrono::seconds(5))) << h.log_of();
  EXPECT_EQ(h.log_of().find(marker), std::string::npos) << "the payload stays out of the log";

  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(http_request(api_port, "GET", "/v1/dead", {}, {}, i % 2 ? "not-a-token" : "").status, 401);
  }
  EXPECT_TRUE(Harness::eventually([&] {
    return h.log_of().find("GET /v1/dead from 127.0.0.1 refused (401): no Authorization header") != std::string::npos;
  }, std::chrono::seconds(5))) << h.log_of();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(count_of(h.log_of(), "refused (401)"), 1) << h.log_of();
}

TEST(AdminApiE2E, ARevokedTokenStopsWorkingAtReload) {
  const int api_port = free_port();
  Harness h(api_options(api_port));
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  ASSERT_EQ(http_request(api_port, "GET", "/metrics", {}, {}, kReadToken).status, 200);

  const std::string replacement = "apitok-read-replacement-0123";
  h.set_api_tokens({{"cms", R"(["submit"])", kSubmitToken}, {"grafana", R"(["read"])", replacement}});
  fabud.signal(SIGHUP);
  EXPECT_TRUE(Harness::eventually(
      [&] { return http_request(api_port, "GET", "/metrics", {}, {}, kReadToken).status == 401; }))
      << h.log_of();
  EXPECT_EQ(http_request(api_port, "GET", "/metrics", {}, {}, replacement).status, 200);
  EXPECT_EQ(http_request(api_port, "GET", "/metrics", {}, {}, kOperateToken).status, 401);
}

TEST(AdminApiE2E, LimitsHoldAgainstHostileClients) {
  const int api_port = free_port();
  auto options = api_options(api_port);
  options.api_extra_toml = "read_timeout_seconds = 3\nmax_connections = 4\n";
  Harness h(options);
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  ASSERT_EQ(http_request(api_port, "GET", "/v1/health").status, 200);

  {  // 200 MB declared, a few bytes sent: 413 at once
    RawClient client(api_port);
    client.send("POST /v1/releases HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + kSubmitToken +
                "\r\nContent-Length: 200000000\r\n\r\n{\"a\":");
    EXPECT_EQ(status_of(client.read_response(std::chrono::seconds(3))), 413);
  }
  {  // the same, with the client pushing the body as fast as it can: fabud's memory stays put
    const long before = rss_kib(fabud.pid());
    RawClient client(api_port);
    const std::string header = "POST /v1/releases HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + kSubmitToken +
                               "\r\nContent-Length: 200000000\r\n\r\n";
    int pushed_mib = 0;
    std::thread pusher([&] {
      const std::string chunk(1 << 20, 'x');
      if (!client.send(header)) return;
      while (pushed_mib < 200 && client.send(chunk)) ++pushed_mib;
    });
    const auto response = client.read_response(std::chrono::seconds(5));
    EXPECT_EQ(status_of(response), 413) << response;
    pusher.join();
    const long after = rss_kib(fabud.pid());
    ASSERT_GT(before, 0);
    EXPECT_LT(after - before, 20 * 1024) << "RSS before " << before << " KiB, after " << after << " KiB, "
                                         << pushed_mib << " MiB of body sent";
    std::cout << "fabud RSS " << before << " KiB -> " << after << " KiB with " << pushed_mib << " MiB of body sent\n";
  }
  {
    RawClient client(api_port);
    client.send("POST /v1/releases HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n");
    EXPECT_EQ(status_of(client.read_response()), 400);
  }
  {
    RawClient client(api_port);
    client.send("GET /v1/health HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n");
    EXPECT_EQ(status_of(client.read_response()), 431);
  }
  {
    RawClient client(api_port);
    std::string many;
    for (int i = 0; i < 20000; ++i) many += "a:b\r\n";
    client.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n" + many + "\r\n");
    EXPECT_EQ(status_of(client.read_response()), 431);
  }
  {
    RawClient client(api_port);
    client.send("GET /v1/health HTTP/1.1\r\nHost: t\r\nX-Partial: ");
    EXPECT_EQ(status_of(client.read_response(std::chrono::seconds(5))), 408);
  }
  {  // four idle connections fill the cap; a fifth, before any has waited a second, is refused
    std::vector<std::unique_ptr<RawClient>> idle;
    for (int i = 0; i < 4; ++i) {
      idle.push_back(std::make_unique<RawClient>(api_port));
      idle.back()->send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n");
      EXPECT_EQ(status_of(idle.back()->read_response()), 200);
    }
    RawClient extra(api_port);
    extra.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n");
    EXPECT_EQ(status_of(extra.read_response()), 503);
  }
  {  // slowloris: four clients trickle their requests and hold every connection; once they have
     // waited a second, a health check takes the slot of the one that has waited longest
    std::vector<std::unique_ptr<RawClient>> trickling;
    for (int i = 0; i < 4; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(i == 0 ? 500 : 50));  // the idle four have closed
      trickling.push_back(std::make_unique<RawClient>(api_port));
      ASSERT_TRUE(trickling.back()->send("GET /v1/health HTTP/1.1\r\nHost: t\r\nX-Partial: "));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    RawClient health(api_port);
    health.send("GET /v1/health HTTP/1.1\r\nHost: t\r\n\r\n");
    const auto response = health.read_response();
    EXPECT_EQ(status_of(response), 200) << response;
    EXPECT_TRUE(trickling.front()->closed_by_peer(std::chrono::seconds(1)));
  }
  EXPECT_TRUE(fabud.running());
}

TEST(AdminApiE2E, ServesHttpsWithTheConfiguredCertificate) {
  TempDir tls;
  const std::string cert = tls.path() + "/cert.pem", key = tls.path() + "/key.pem";
  ChildProcess openssl({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert},
                       {}, tls.path() + "/openssl.log");
  ASSERT_EQ(openssl.wait(), 0) << read_file(tls.path() + "/openssl.log");

  const int api_port = free_port();
  auto options = api_options(api_port);
  options.api_extra_toml = "tls_cert_file = \"" + cert + "\"\ntls_key_file = \"" + key + "\"\n";
  Harness h(options);
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  // The listener opens before the line saying so is written: wait for the line, not for the port.
  EXPECT_TRUE(Harness::eventually([&] { return h.log_of().find("with TLS") != std::string::npos; },
                                  std::chrono::seconds(10))) << h.log_of();

  // curl checks the certificate against the one fabud was given.
  const std::string out = tls.path() + "/curl.out";
  ChildProcess curl({"curl", "-sS", "--cacert", cert, "-H", "Authorization: Bearer " + kReadToken,
                     "https://127.0.0.1:" + std::to_string(api_port) + "/metrics"},
                    {}, out);
  ASSERT_EQ(curl.wait(), 0) << read_file(out);
  EXPECT_THAT(read_file(out), HasSubstr("fabu_redis_up 1"));
  // Plain HTTP on the TLS port gets no HTTP answer.
  EXPECT_EQ(http_request(api_port, "GET", "/v1/health").status, 0);
}

TEST(AdminApiE2E, LoopbackWithoutTokensStartsWithAWarning) {
  const int api_port = free_port();
  Harness h({.members = {{"county_a"}}, .api_port = api_port});
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  EXPECT_EQ(http_request(api_port, "GET", "/metrics").status, 200);
  EXPECT_THAT(h.log_of(), HasSubstr("has no [[api.tokens]]"));
}

TEST(AdminApiE2E, FabuctlMakesATokenFabudAccepts) {
  TempDir dir;
  ChildProcess ctl({FABU_FABUCTL_BIN, "api-token", "--name", "cms", "--roles", "submit,read"}, {},
                   dir.path() + "/out.txt");
  ASSERT_EQ(ctl.wait(), 0);
  const std::string out = read_file(dir.path() + "/out.txt");
  const auto token_at = out.find("\n\n  ") + 4;
  const std::string token = out.substr(token_at, out.find('\n', token_at) - token_at);
  ASSERT_EQ(token.size(), 43u) << out;
  EXPECT_THAT(out, HasSubstr("[[api.tokens]]\nname = \"cms\"\nroles = [\"submit\", \"read\"]\nsha256 = \"" +
                             sha256_hex(token) + "\""));

  const int api_port = free_port();
  HarnessOptions options{.members = {{"county_a"}}, .api_port = api_port};
  options.api_tokens = {{"cms", R"(["submit", "read"])", token}};
  Harness h(options);
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  EXPECT_EQ(http_request(api_port, "GET", "/v1/dead", {}, {}, token).status, 200);
  EXPECT_EQ(http_request(api_port, "GET", "/v1/dead").status, 401);

  ChildProcess bad({FABU_FABUCTL_BIN, "api-token", "--name", "cms", "--roles", "submit,admin"}, {},
                   dir.path() + "/bad.txt");
  EXPECT_EQ(bad.wait(), 2);
  EXPECT_THAT(read_file(dir.path() + "/bad.txt"), HasSubstr("'admin' is not one of"));
}

}  // namespace
}  // namespace fabu::testing
