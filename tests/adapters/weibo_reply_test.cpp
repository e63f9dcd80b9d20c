// read_post_reply, which reads a post's reply in one pass, against read_reply + id_of on the whole
// document: the same status, error code, error text and post id for every shape of reply.
#include <gtest/gtest.h>

#include "adapters/weibo/weibo_reply.h"

namespace fabu::testing {
namespace {

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
    for (const int status : {200, 400, 502}) {
      const auto whole = read_reply(response(status, body));
      const auto lean = read_post_reply(response(status, body));
      EXPECT_EQ(lean.head.http_status, whole.http_status) << body;
      EXPECT_EQ(lean.head.error_code, whole.error_code) << body;
      EXPECT_EQ(lean.head.error_text, whole.error_text) << body;
      EXPECT_EQ(lean.head.retry_after, whole.retry_after) << body;
      EXPECT_EQ(lean.is_object, whole.body.is_object()) << body;
      EXPECT_EQ(lean.post_id, id_of(whole.body)) << body;
      EXPECT_TRUE(lean.head.body.is_null()) << "the document is not built";
    }
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

}  // namespace
}  // namespace fabu::testing
