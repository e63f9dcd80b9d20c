// read_post_reply, which reads a post's reply in one pass, against read_reply + id_of on the whole
// document: the same status, error code, error text and post id for every shape of reply.
#include <gtest/gtest.h>

#include "adapters/weibo/weibo_reply.h"

namespace fabu::testing {
namespace {

using weibo::created_at_ms;
using weibo::id_of;
using weibo::read_post_reply;
using weibo::read_reply;

HttpResponse response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = {{"Retry-After", "30"}};
  return r;
}

void expect_agreement(const std::string& body) {
  for (const int status : {200, 400, 502}) {
    const auto whole = read_reply(response(status, body));
    const auto lean = read_post_reply(response(status, body));
    EXPECT_EQ(lean.head.http_status, whole.http_status) << body;
    EXPECT_EQ(lean.head.error_code, whole.error_code) << body;
    EXPECT_EQ(lean.head.error_text, whole.error_text) << body;
    EXPECT_EQ(lean.head.retry_after, whole.retry_after) << body;
    EXPECT_EQ(lean.is_object, whole.body.is_object()) << body;
    EXPECT_EQ(lean.post_id, id_of(whole.body)) << body;
  }
}

// The reply is read by hand (no JSON library): every edge of the grammar, against nlohmann's parser.
TEST(WeiboPostReply, AgreesWithTheWholeDocumentOnEveryEdgeOfJson) {
  const std::vector<std::string> bodies = {
      R"({"error":"\u9519\u8bef \"quoted\" \\ \/ \b\f\n\r\t","error_code":"20019x"})",
      R"({"idstr":"\ud83d\ude00 emoji"})",
      R"({"idstr":"\ud83d alone"})",
      R"({"idstr":"\ude00 low alone"})",
      R"({"idstr":"\u12"})",
      R"({"idstr":"\x"})",
      R"({"idstr":"\u0000nul","error":"\u00e9"})",
      "{\"idstr\":\"tab\there\"}",
      "{\"idstr\":\"\xE4\xB8\xB4\"}",
      "{\"idstr\":\"\xC0\x80 overlong\"}",
      "{\"idstr\":\"\xED\xA0\x80 surrogate\"}",
      "{\"idstr\":\"\xF4\x90\x80\x80 too high\"}",
      "{\"idstr\":\"\xF0\x9F\x98\x80\"}",
      "{\"idstr\":\"\xE4\xB8\"}",
      "{\"idstr\":\"\xFF\"}",
      "\xEF\xBB\xBF{\"idstr\":\"after a BOM\"}",
      "\xEF\xBB{\"idstr\":\"half a BOM\"}",
      R"({"id":-12,"error_code":-0})",
      R"({"id":18446744073709551615})",
      R"({"id":18446744073709551616})",
      R"({"id":-9223372036854775808})",
      R"({"id":-9223372036854775809})",
      R"({"id":9223372036854775808})",
      R"({"id":1e3,"error_code":2E+1})",
      R"({"id":1e400,"idstr":"overflowing float"})",
      R"({"id":1e-400,"idstr":"underflowing float"})",
      "{\"idstr\":\"huge integer\",\"id\":" + std::string(400, '9') + "}",
      R"({"id":01})",
      R"({"id":-})",
      R"({"id":1.})",
      R"({"id":.5})",
      R"({"id":1e})",
      R"({"id":+1})",
      R"({"id":true,"idstr":false,"error":null,"error_code":true})",
      R"({"id":tru})",
      R"({"id":nul})",
      R"({"a":[1,2,{"idstr":"deep"}],"idstr":"top"})",
      R"({"a":[],"b":{},"idstr":"after empties"})",
      R"({"idstr":"x",})",
      R"({"a":[1,2,],"idstr":"x"})",
      R"({"a" "idstr":"x"})",
      R"({"a":1 "idstr":"x"})",
      R"({"a":1}})",
      R"({"a":[1}})",
      R"({1:2})",
      " \t\r\n{ \"idstr\" : \"spaced\" , \"id\" : 5 } \n",
      R"({"\u0069dstr":"escaped key"})",
      R"("just a string")",
      "12",
      "[]",
      "{}",
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
      std::string(100000, '['),
      std::string("{\"idstr\":\"nul\0inside\"}", 23),
  };
  for (const auto& body : bodies) expect_agreement(body);
}

// Every prefix of a status and of an error, and each of its bytes replaced by a byte that matters.
TEST(WeiboPostReply, AgreesWithTheWholeDocumentOnCutAndDamagedReplies) {
  const std::vector<std::string> samples = {
      R"({"created_at":"Sun","id":5012345678901234567,"idstr":"50123","text":"临沂\n\u53d1","user":{"id":6,"x":[1.5e2,null,true]}})",
      R"({"error":"expired_token","error_code":21327,"request":"/2/statuses/share.json"})",
  };
  for (const auto& sample : samples) {
    for (std::size_t n = 0; n <= sample.size(); ++n) expect_agreement(sample.substr(0, n));
    for (std::size_t i = 0; i < sample.size(); ++i) {
      for (const char c : {'"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', 'e', ' ', '\x80', '\0'}) {
        std::string damaged = sample;
        damaged[i] = c;
        expect_agreement(damaged);
      }
    }
  }
}

TEST(WeiboPostReply, AgreesWithTheWholeDocument) {
  const std::vector<std::string> bodies = {
      R"({"created_at":"Sun Dec 06 12:00:00 +0800 2026","id":5012345678901234567,"idstr":"5012345678901234567",)"
      R"("text":"临沂发布","user":{"id":6000000000,"idstr":"6000000000"},"reposts_count":0})",
      R"({"id":4900,"text":"no idstr"})",
      R"({"id":"4900","idstr":12})",
      R"({"user":{"idstr":"nested, not the post's"},"text":"x"})",
      R"({"error":"repeated content","error_code":20019,"request":"/2/statuses/share.json"})",
      R"({"error":"expired_token","error_code":"21327"})",
      R"({"error_code":20032,"idstr":"77"})",
      R"({"error_code":1.5,"error":["not","text"],"idstr":{"a":1},"id":[1]})",
      R"({"idstr":"first","idstr":"second","error_code":10023,"error_code":20016})",
      R"({"idstr":"first","idstr":null})",
      R"([{"error_code":20019,"idstr":"in an array"}])",
      R"({"error_code":20019,"idstr":"cut short")",
      R"({"idstr":"1"} trailing)",
      "<html>502 Bad Gateway</html>",
      "",
      "null",
  };
  for (const auto& body : bodies) {
    expect_agreement(body);
    EXPECT_TRUE(read_post_reply(response(200, body)).head.body.is_null()) << "the document is not built";
  }
}

TEST(WeiboPostReply, ReadsTheFieldsOfAStatus) {
  const auto lean = read_post_reply(response(200, R"({"id":4900,"idstr":"4900","user":{"id":1}})"));
  EXPECT_TRUE(lean.is_object);
  EXPECT_EQ(lean.post_id, "4900");
  EXPECT_EQ(lean.head.error_code, 0);
  const auto refused = read_post_reply(response(400, R"({"error":"expired_token","error_code":21327})"));
  EXPECT_EQ(refused.head.error_code, 21327);
  EXPECT_EQ(refused.head.error_text, "expired_token");
  EXPECT_TRUE(refused.post_id.empty());
}

// 2026-12-06 04:00:00 UTC
constexpr std::int64_t kNoonInBeijing = 1796529600000;

TEST(WeiboCreatedAt, ReadsWeibosFormAndIso8601WithAZone) {
  auto at = [](const std::string& text) { return created_at_ms(nlohmann::json{{"created_at", text}}); };
  EXPECT_EQ(at("Sun Dec 06 12:00:00 +0800 2026"), kNoonInBeijing);
  EXPECT_EQ(at("Sun Dec 06 04:00:00 +0000 2026"), kNoonInBeijing);
  EXPECT_EQ(at("Sat Dec 05 23:30:00 -0430 2026"), kNoonInBeijing);
  EXPECT_EQ(at("2026-12-06T12:00:00+08:00"), kNoonInBeijing);
  EXPECT_EQ(at("2026-12-06T04:00:00Z"), kNoonInBeijing);
  EXPECT_EQ(at("2026-12-06 12:00:00.250+08:00"), kNoonInBeijing);
  EXPECT_EQ(at("Tue Feb 29 00:00:00 +0800 2028"), 1835366400000);
}

TEST(WeiboCreatedAt, AnythingElseIsUnknownRatherThanGuessed) {
  for (const std::string text : {"", "Sun", "Sun Dec 06 12:00:00 2026", "Sun Dec 06 12:00:00 +0800 26",
                                 "Sun Foo 06 12:00:00 +0800 2026", "Sun Feb 30 12:00:00 +0800 2026",
                                 "Sun Dec -6 12:00:00 +0800 2026", "Sun Dec 06 24:00:00 +0800 2026",
                                 "Sun Dec 06 12:00:00 +08:0 2026", "2026-12-06T12:00:00", "2026-12-06",
                                 "2026-13-06T12:00:00Z", "2026-12-06T12:00:00+08:00x", "1796529600"}) {
    EXPECT_EQ(created_at_ms(nlohmann::json{{"created_at", text}}), std::nullopt) << text;
  }
  EXPECT_EQ(created_at_ms(nlohmann::json{{"created_at", 1796529600}}), std::nullopt);
  EXPECT_EQ(created_at_ms(nlohmann::json{{"text", "no date"}}), std::nullopt);
  EXPECT_EQ(created_at_ms(nlohmann::json("Sun Dec 06 12:00:00 +0800 2026")), std::nullopt);
}

}  // namespace
}  // namespace fabu::testing
