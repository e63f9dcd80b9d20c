// The real fabu-sandbox binary over loopback: Weibo replies, admin views and injected faults.
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/servers.h"

namespace fabu::testing {
namespace {

constexpr const char* kForm = "application/x-www-form-urlencoded";

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

SimpleResponse share(const SandboxServer& sandbox, const std::string& token, const std::string& status) {
  return http_request(sandbox.port(), "POST", "/2/statuses/share.json",
                      "access_token=" + url_encode(token) + "&status=" + url_encode(status), kForm);
}

nlohmann::json admin_posts(const SandboxServer& sandbox) {
  const auto response = http_request(sandbox.port(), "GET", "/_sandbox/posts");
  EXPECT_EQ(response.status, 200);
  return nlohmann::json::parse(response.body).at("posts");
}

TEST(SandboxHttp, ShareCreatesAPostListedByAdminAndTimeline) {
  SandboxServer sandbox;
  const auto response = share(sandbox, "sandbox-linyi-fabu", "【通知】政务公开 http://www.linyi.gov.cn/a.html");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto status = nlohmann::json::parse(response.body);
  const auto id = status.at("id").get<std::int64_t>();
  EXPECT_EQ(status.at("idstr").get<std::string>(), std::to_string(id));

  const auto posts = admin_posts(sandbox);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].at("id").get<std::int64_t>(), id);
  EXPECT_EQ(posts[0].at("token"), "sandbox-linyi-fabu");
  EXPECT_EQ(posts[0].at("kind"), "share");

  const auto timeline = http_request(sandbox.port(), "GET",
                                     "/2/statuses/user_timeline.json?access_token=sandbox-linyi-fabu&count=5");
  ASSERT_EQ(timeline.status, 200);
  EXPECT_EQ(nlohmann::json::parse(timeline.body).at("statuses").at(0).at("id").get<std::int64_t>(), id);

  const auto again = share(sandbox, "sandbox-linyi-fabu", "【通知】政务公开 http://www.linyi.gov.cn/a.html");
  EXPECT_EQ(again.status, 400);
  const auto error = nlohmann::json::parse(again.body);
  EXPECT_EQ(error.at("error_code"), 20019);
  EXPECT_EQ(error.at("request"), "/2/statuses/share.json");
}

TEST(SandboxHttp, MultipartShareWithPicture) {
  SandboxServer sandbox;
  const std::string body =
      "--B0undary\r\nContent-Disposition: form-data; name=\"access_token\"\r\n\r\ntok\r\n"
      "--B0undary\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\n带图 http://www.linyi.gov.cn/p\r\n"
      "--B0undary\r\nContent-Disposition: form-data; name=\"pic\"; filename=\"p.png\"\r\n"
      "Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n--B0undary--\r\n";
  const auto response = http_request(sandbox.port(), "POST", "/2/statuses/share.json", body,
                                     "multipart/form-data; boundary=B0undary");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto posts = admin_posts(sandbox);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_TRUE(posts[0].at("has_pic").get<bool>());
  EXPECT_EQ(posts[0].at("text"), "带图 http://www.linyi.gov.cn/p");
}

TEST(SandboxHttp, TokenErrors) {
  SandboxServer sandbox({"--expired-token", "old-token"});
  const auto missing = http_request(sandbox.port(), "POST", "/2/statuses/share.json",
                                    "status=" + url_encode("x http://www.linyi.gov.cn/"), kForm);
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(nlohmann::json::parse(missing.body).at("error_code"), 21301);
  const auto expired = share(sandbox, "old-token", "x http://www.linyi.gov.cn/");
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(nlohmann::json::parse(expired.body).at("error_code"), 21327);

  ASSERT_EQ(http_request(sandbox.port(), "POST", "/_sandbox/tokens", R"({"restore":["old-token"]})").status, 200);
  EXPECT_EQ(share(sandbox, "old-token", "x http://www.linyi.gov.cn/").status, 200);
}

TEST(SandboxHttp, Injected5xxCreatesNothing) {
  SandboxServer sandbox({"--p-5xx", "1"});
  const auto response = share(sandbox, "tok", "故障 http://www.linyi.gov.cn/a");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(nlohmann::json::parse(response.body).at("error_code"), 10001);
  EXPECT_TRUE(admin_posts(sandbox).empty());

  // Faults change at run time: switched off, the same share goes through.
  ASSERT_EQ(http_request(sandbox.port(), "POST", "/_sandbox/faults", R"({"p_5xx":0})").status, 200);
  EXPECT_EQ(share(sandbox, "tok", "故障 http://www.linyi.gov.cn/a").status, 200);
  EXPECT_EQ(admin_posts(sandbox).size(), 1u);
}

TEST(SandboxHttp, TimeoutFaultCreatesThePostAndHoldsTheReply) {
  SandboxServer sandbox({"--p-timeout", "1", "--timeout-hold-ms", "3000"});
  auto reply = std::async(std::launch::async, [&] { return share(sandbox, "tok", "超时 http://www.linyi.gov.cn/t"); });

  // The post exists while its reply is still held.
  nlohmann::json posts = nlohmann::json::array();
  for (int attempt = 0; attempt < 200 && posts.empty(); ++attempt) {
    posts = admin_posts(sandbox);
    if (posts.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(posts.size(), 1u);
  const auto stats = nlohmann::json::parse(http_request(sandbox.port(), "GET", "/_sandbox/stats").body);
  EXPECT_EQ(stats.at("held_replies"), 1);
  EXPECT_EQ(stats.at("endpoints").at("statuses/share.json").at("fault_timeout_ok"), 1);

  // The reconciliation path sees it too.
  const auto timeline = http_request(sandbox.port(), "GET", "/2/statuses/user_timeline.json?access_token=tok");
  ASSERT_EQ(timeline.status, 200);
  EXPECT_EQ(nlohmann::json::parse(timeline.body).at("statuses").size(), 1u);

  const auto late = reply.get();
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(nlohmann::json::parse(late.body).at("id"), posts[0].at("id"));
}

}  // namespace
}  // namespace fabu::testing
