// Which statuses on an account's timeline are the one fabu is looking for (StatusMatch).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/weibo/weibo_timeline.h"
#include "tests/adapters/weibo_sample_link.h"

namespace fabu::weibo {
namespace {

using nlohmann::json;

using testing::kLink;

json share(const std::string& id, const std::string& text) { return {{"idstr", id}, {"text", text}}; }
json repost_of(const std::string& id, const json& original) {
  return {{"idstr", id}, {"text", "转发"}, {"retweeted_status", original}};
}

TEST(StatusMatch, ShareByLinkButNeverANoteOrTheExcludedPost) {
  StatusMatch match;
  match.link = kLink;
  match.text = "【标题】摘要 " + kLink;
  EXPECT_TRUE(matches(match, share("1", "【标题】平台改写了文字 " + kLink)));
  EXPECT_FALSE(matches(match, share("2", "【更正】标题：数字有误 " + kLink)));
  EXPECT_FALSE(matches(match, share("3", "【别的】 https://www.linyi.gov.cn/other.html")));
  // The platform shortens links: the text before the link still identifies the post.
  EXPECT_TRUE(matches(match, share("4", "【标题】摘要 http://t.cn/A6abcd")));
  match.not_id = "1";
  EXPECT_FALSE(matches(match, share("1", "【标题】摘要 " + kLink)));
  match.not_id.clear();
  match.not_text = "【标题】新摘要 " + kLink;
  EXPECT_FALSE(matches(match, share("5", "【标题】新摘要 " + kLink)));
  EXPECT_TRUE(matches(match, share("6", "【标题】旧摘要 " + kLink)));
}

TEST(StatusMatch, NotesAreTellApartByTheirText) {
  StatusMatch match;
  match.link = kLink;
  match.link_identifies = false;
  match.correction_note = true;
  match.text = "【更正】标题：第二次更正 " + kLink;
  EXPECT_TRUE(matches(match, share("1", match.text)));
  EXPECT_FALSE(matches(match, share("2", "【更正】标题：第一次更正 " + kLink)));
  EXPECT_FALSE(matches(match, share("3", "【标题】摘要 " + kLink)));
  match.link_identifies = true;  // a retraction without an id: any note of the release
  match.text.clear();
  EXPECT_TRUE(matches(match, share("2", "【更正】标题：第一次更正 " + kLink)));
  EXPECT_FALSE(matches(match, share("3", "【标题】摘要 " + kLink)));
}

TEST(StatusMatch, RepostsByTheRepostedIdOrTheRepostedText) {
  StatusMatch match;
  match.repost = true;
  match.repost_of = "777";
  EXPECT_TRUE(matches(match, repost_of("1", {{"id", 777}})));
  EXPECT_FALSE(matches(match, repost_of("2", {{"id", 776}})));
  EXPECT_FALSE(matches(match, share("777", "【标题】摘要 " + kLink)));

  match.repost_of.clear();
  match.link = kLink;
  match.not_id = "900";  // the lead's new post: not the repost being replaced
  EXPECT_TRUE(matches(match, repost_of("3", share("800", "【标题】摘要 " + kLink))));
  EXPECT_FALSE(matches(match, repost_of("4", share("900", "【标题】新摘要 " + kLink))));
  EXPECT_FALSE(matches(match, repost_of("5", share("801", "【更正】标题：有误 " + kLink))));
  EXPECT_FALSE(matches(match, repost_of("6", share("802", "【别的】 https://www.linyi.gov.cn/x.html"))));
}

json dated(json status, const std::string& created_at) {
  status["created_at"] = created_at;
  return status;
}

TEST(StatusMatch, AnOlderStatusWithTheSameWordingButAnotherLinkIsAnotherReleases) {
  StatusMatch match;
  match.link = kLink;
  match.text = "【标题】摘要 " + kLink;
  match.admitted_ms = 1796529600000;  // Sun Dec 06 12:00:00 +0800 2026
  const json shortened = share("1", "【标题】摘要 http://t.cn/A6abcd");
  // Created well before the release was admitted: another release with the same title and summary.
  EXPECT_FALSE(matches(match, dated(shortened, "Sun Dec 06 11:54:59 +0800 2026")));
  EXPECT_FALSE(matches(match, dated(shortened, "2026-12-05T12:00:00+08:00")));
  // Within the clock skew allowed, after the admission, or of unknown age: judged by the text.
  EXPECT_TRUE(matches(match, dated(shortened, "Sun Dec 06 11:55:01 +0800 2026")));
  EXPECT_TRUE(matches(match, dated(shortened, "Sun Dec 06 12:00:03 +0800 2026")));
  EXPECT_TRUE(matches(match, dated(shortened, "yesterday")));
  EXPECT_TRUE(matches(match, shortened));
  // The link, or the exact text that carries it, identifies the release's post however old it looks.
  EXPECT_TRUE(matches(match, dated(share("2", "【标题】平台改写了文字 " + kLink), "Fri Dec 04 09:00:00 +0800 2026")));
  EXPECT_TRUE(matches(match, dated(share("3", match.text), "Fri Dec 04 09:00:00 +0800 2026")));
  // Without an admission time nothing is excluded by age.
  match.admitted_ms = 0;
  EXPECT_TRUE(matches(match, dated(shortened, "Fri Dec 04 09:00:00 +0800 2026")));
}

TEST(StatusMatch, ALinkThatGoesOnIsAnotherLink) {
  StatusMatch match;
  match.link = "https://www.linyi.gov.cn/info/1";
  match.text = "【标题】摘要 " + match.link;
  match.not_text = "x";
  EXPECT_TRUE(matches(match, share("1", "【别的】 https://www.linyi.gov.cn/info/1")));
  EXPECT_TRUE(matches(match, share("2", "【别的】 https://www.linyi.gov.cn/info/1 更多")));
  EXPECT_TRUE(matches(match, share("3", "【别的】 https://www.linyi.gov.cn/info/1。")));
  EXPECT_FALSE(matches(match, share("4", "【别的】 https://www.linyi.gov.cn/info/12")));
  EXPECT_FALSE(matches(match, share("5", "【别的】 https://www.linyi.gov.cn/info/1.html")));
  EXPECT_FALSE(matches(match, share("6", "【别的】 https://www.linyi.gov.cn/info/1/2")));
  EXPECT_FALSE(matches(match, share("7", "【别的】 https://www.linyi.gov.cn/info/1?page=2")));
}

}  // namespace
}  // namespace fabu::weibo
