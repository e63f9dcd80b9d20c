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

}  // namespace
}  // namespace fabu::weibo
