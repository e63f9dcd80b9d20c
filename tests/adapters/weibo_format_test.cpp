#include "adapters/weibo/weibo_format.h"

#include <gtest/gtest.h>

#include "core/text.h"
#include "tests/adapters/weibo_sample_link.h"

namespace fabu::weibo {
namespace {

using testing::kLink;

std::string repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

void expect_postable(const std::string& text, const std::string& link) {
  EXPECT_LE(weibo_length(text), kWeiboMaxLength) << text;
  EXPECT_TRUE(is_valid_utf8(text)) << text;
  EXPECT_EQ(text.find('#'), std::string::npos) << text;
  if (!link.empty()) {
    EXPECT_TRUE(text.ends_with(" " + link)) << text;
  }
}

TEST(WeiboFormat, ShortLeadPostIsVerbatim) {
  EXPECT_EQ(lead_post_text("通知", "明天停水。", kLink), "【通知】明天停水。 " + kLink);
  EXPECT_EQ(lead_post_text("通知", "明天停水。", ""), "【通知】明天停水。");
}

TEST(WeiboFormat, LongChineseSummaryIsShortenedAndLinkKept) {
  const std::string summary = repeat("全年主动公开政府信息十二万余条", 20);
  const std::string text = lead_post_text("临沂市政府信息公开年度报告", summary, kLink);
  expect_postable(text, kLink);
  EXPECT_TRUE(text.starts_with("【临沂市政府信息公开年度报告】全年主动公开")) << text;
  EXPECT_NE(text.find("…"), std::string::npos) << text;
  // Nothing wasted: one more character would not have fitted anyway.
  EXPECT_GE(weibo_length(text), kWeiboMaxLength - 2) << text;
}

TEST(WeiboFormat, LongAsciiSummary) {
  const std::string text = lead_post_text("Notice", repeat("water supply interrupted ", 40), kLink);
  expect_postable(text, kLink);
  EXPECT_TRUE(text.starts_with("【Notice】water supply")) << text;
}

TEST(WeiboFormat, EmojiSequencesAreNeverSplit) {
  const std::string family = "👨‍👩‍👧";  // one grapheme cluster of five code points
  const std::string text = lead_post_text("家庭", repeat(family, 200), kLink);
  expect_postable(text, kLink);
  const std::string body = text.substr(0, text.size() - kLink.size() - 1);
  const std::string start = "【家庭】";
  const std::string ellipsis = "…";
  ASSERT_TRUE(body.starts_with(start) && body.ends_with(ellipsis)) << text;
  const std::string middle = body.substr(start.size(), body.size() - start.size() - ellipsis.size());
  EXPECT_EQ(middle.size() % family.size(), 0U) << "cut inside the emoji sequence: " << text;
  EXPECT_EQ(middle, repeat(family, static_cast<int>(middle.size() / family.size())));
}

TEST(WeiboFormat, UrlsInsideTheSummaryCountAsTwenty) {
  const std::string summary = "详见 https://www.linyi.gov.cn/" + repeat("x", 300) + " 以及附件。";
  const std::string text = lead_post_text("通知", summary, kLink);
  expect_postable(text, kLink);
  EXPECT_NE(text.find(repeat("x", 300)), std::string::npos) << "the inner URL was cut: " << text;
}

TEST(WeiboFormat, TopicMarkersAreRemoved) {
  const std::string text = lead_post_text("#临沂发布#通知", "参加#政务公开#话题 #", kLink);
  EXPECT_EQ(text, "【临沂发布通知】参加政务公开话题 " + kLink);
}

TEST(WeiboFormat, WhitespaceIsFolded) {
  EXPECT_EQ(clean_post_text("  第一段\n\n第二段\t 结束  "), "第一段 第二段 结束");
}

// clean_post_text copies runs whole: the same text as dropping every '#' and folding each stretch of
// whitespace into one space (none at either end), byte by byte.
TEST(WeiboFormat, CleaningDropsTopicMarksAndFoldsWhitespaceAnywhere) {
  const std::string pieces[] = {"#", " ", "\n", "a", "政", "\t#", "\r\n", "#话题#", "\v\f"};
  for (int seed = 0; seed < 2000; ++seed) {
    std::string text;
    for (int k = 0, x = seed; k < 7; ++k, x /= 3) text += pieces[(x * 5 + k * seed) % 9];
    std::string expected;
    bool pending = false;
    for (const char c : text) {
      if (c == '#') continue;
      if (std::string_view(" \n\r\t\v\f").find(c) != std::string_view::npos) {
        pending = !expected.empty();
        continue;
      }
      if (pending) expected += ' ';
      pending = false;
      expected += c;
    }
    ASSERT_EQ(clean_post_text(text), expected) << text;
  }
}

TEST(WeiboFormat, VeryLongTitleIsShortenedAfterTheSummaryIsGone) {
  const std::string text = lead_post_text(repeat("标题", 120), "摘要", kLink);
  expect_postable(text, kLink);
  EXPECT_TRUE(text.starts_with("【标题标题")) << text;
  EXPECT_NE(text.find("…】"), std::string::npos) << text;
  EXPECT_EQ(text.find("摘要"), std::string::npos) << text;
}

TEST(WeiboFormat, MemberPostNamesUnitAndMentionsTheLead) {
  const std::string text = member_post_text("停水通知", "明天停水。", "兰山区人民政府新闻办公室", "临沂发布", kLink);
  EXPECT_EQ(text, "【停水通知】明天停水。（兰山区人民政府新闻办公室）@临沂发布 " + kLink);
}

TEST(WeiboFormat, LongMemberPostKeepsUnitMentionAndLink) {
  const std::string text = member_post_text("停水通知", repeat("因管网改造，部分区域停水。", 30),
                                            "兰山区人民政府新闻办公室", "临沂发布", kLink);
  expect_postable(text, kLink);
  EXPECT_NE(text.find("（兰山区人民政府新闻办公室）@临沂发布 " + kLink), std::string::npos) << text;
}

TEST(WeiboFormat, EveryLengthFits) {
  const std::string pieces[] = {"a", "政", "😀", " ", "👍🏽", "🇨🇳"};
  std::string summary;
  for (int i = 0; i < 400; ++i) {
    summary += pieces[i % 6];
    expect_postable(lead_post_text("标题", summary, kLink), kLink);
    expect_postable(member_post_text("标题", summary, "临沂市教育局", "临沂发布", kLink), kLink);
    if (::testing::Test::HasFailure()) break;
  }
}

// The summary is shortened to the longest that fits: the same post as a plain binary search over every
// budget finds (longest_fitting starts from a guess), whatever the mix of scripts and links.
TEST(WeiboFormat, ShortenedSummaryIsTheLongestThatFits) {
  const std::string pieces[] = {"a", "政", "😀", " ", "https://x.cn/p", "🇨🇳", "b", "。"};
  std::string summary;
  for (int i = 0; i < 300; ++i) {
    summary += pieces[(i * 7 + i / 5) % 8];
    const std::string cleaned = clean_post_text(summary);
    const std::string head = "【标题】";
    std::string expected;
    for (std::size_t low = 1, high = kWeiboMaxLength; low <= high;) {
      const std::size_t mid = low + (high - low) / 2;
      const std::string candidate = head + truncate_weibo(cleaned, mid) + " " + kLink;
      if (weibo_length(candidate) <= kWeiboMaxLength) {
        expected = candidate;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    const std::string whole = head + cleaned + " " + kLink;
    if (weibo_length(whole) <= kWeiboMaxLength) expected = whole;
    ASSERT_EQ(lead_post_text("标题", summary, kLink), expected) << "summary of " << i + 1 << " pieces";
  }
}

TEST(WeiboFormat, RepostText) {
  EXPECT_EQ(repost_text("沂南县人民政府新闻办公室"), "沂南县人民政府新闻办公室转发");
  EXPECT_LE(weibo_length(repost_text(repeat("单位", 200))), kWeiboMaxLength);
}

TEST(WeiboFormat, CorrectionNoteNamesTitleAndNoteAndFits) {
  EXPECT_EQ(correction_note_text("年度报告", "第二段数字有误，已更正。", kLink),
            "【更正】年度报告：第二段数字有误，已更正。 " + kLink);
  EXPECT_EQ(correction_note_text("年度报告", " ", kLink), "【更正】年度报告：内容已更新 " + kLink);
  const std::string long_note = correction_note_text(repeat("临沂市", 30), repeat("#数字# 有误", 40), kLink);
  expect_postable(long_note, kLink);
  EXPECT_TRUE(long_note.starts_with(kCorrectionMark)) << long_note;
}

}  // namespace
}  // namespace fabu::weibo
