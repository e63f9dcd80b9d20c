// Correction on the portal: the article is updated in place with a dated change note and a history of
// earlier revisions, each readable at its own URL; re-delivery is idempotent and an older revision
// never overwrites a newer one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/adapters/portal_fixture.h"

namespace fabu {
namespace {

using namespace portal_test;


class PortalCorrect : public PortalDelivery {
 protected:
  void SetUp() override {
    adapter_ = portal();
    original_ = make_release("r1", "关于开展安全检查的通知", {"tzgg"});
    set_now(may_day_ms(1));
    auto receipt = deliver_and_wait(*adapter_, original_, Admission{1, may_day_ms()});
    ASSERT_TRUE(receipt.has_value());
    published_ = *receipt;
  }

  Release revision(int n) const {
    Release r = original_;
    r.body = "第" + std::to_string(n) + "版正文：检查截止日期改为5月" + std::to_string(10 + n) + "日。";
    return r;
  }

  std::unique_ptr<Adapter> adapter_;
  Release original_;
  DeliveryReceipt published_;
};

TEST_F(PortalCorrect, UpdatesThePageInPlaceWithNoteAndHistory) {
  set_now(may_day_ms(2 * kDay + 540));  // 2026-05-03 09:00
  auto receipt = correct_and_wait(*adapter_, revision(2), 2, "截止日期有误，已更正");
  ASSERT_TRUE(receipt.has_value()) << receipt.error().message;
  EXPECT_EQ(receipt->url, published_.url);
  EXPECT_EQ(receipt->post_id, published_.post_id);

  const std::string html = page("tzgg/2026/r1.html");
  EXPECT_NE(html.find("第2版正文"), std::string::npos);
  EXPECT_EQ(html.find("<strong>重点</strong>"), std::string::npos);
  EXPECT_NE(html.find("更正说明 2026-05-03：截止日期有误，已更正"), std::string::npos) << html;
  EXPECT_NE(html.find("<th>有效性</th><td>有效（已更正）</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>01527918X-2026-000001</td>"), std::string::npos);  // same 索引号
  EXPECT_NE(html.find("<th>发布日期</th><td>2026-05-01</td>"), std::string::npos);  // same 发布日期
  EXPECT_NE(html.find("<li><a href=\"../../tzgg/2026/r1.r1.html\">第1版</a>（2026-05-01）</li>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<li>第2版（2026-05-03，本页）</li>"), std::string::npos);

  // The first revision stays readable at its own URL, marked as replaced.
  const std::string first = page("tzgg/2026/r1.r1.html");
  EXPECT_NE(first.find("<strong>重点</strong>"), std::string::npos);
  EXPECT_EQ(first.find("第2版正文"), std::string::npos);
  EXPECT_NE(first.find("本页为第1版，已被更正。<a href=\"../../tzgg/2026/r1.html\">查看现行版本</a>"),
            std::string::npos) << first;
  EXPECT_NE(first.find("<th>有效性</th><td>已被第2版更正</td>"), std::string::npos) << first;

  // Listed once, under its 发布日期; the feed shows the update.
  const std::string column = page("tzgg/index.html");
  EXPECT_EQ(column.find("r1.r1.html"), std::string::npos);
  EXPECT_NE(column.find("关于开展安全检查的通知</a> <span class=\"date\">2026-05-01</span>"), std::string::npos);
  const std::string feed = page("tzgg/feed.xml");
  EXPECT_TRUE(is_balanced_xml(feed));
  EXPECT_NE(feed.find("<published>2026-05-01T00:01:00+08:00</published>\n<updated>2026-05-03T09:00:00+08:00</updated>"),
            std::string::npos) << feed;

  const auto manifest = nlohmann::json::parse(page(".fabu/manifest.json"));
  const auto& revisions = manifest.at("articles").at(0).at("revisions");
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions.at(1).at("number"), 2);
  EXPECT_EQ(revisions.at(1).at("note"), "截止日期有误，已更正");
}

// 废止: the page stays, marked repealed from the date and by the document the revision names.
TEST_F(PortalCorrect, ARepealKeepsThePageAndMarksItRepealed) {
  set_now(may_day_ms(2 * kDay + 540));
  Release repeal = original_;
  repeal.repealed_on = Date{2026, 6, 1};
  repeal.repealed_by = "临政发〔2026〕30号";
  auto receipt = correct_and_wait(*adapter_, repeal, 2, "自2026年6月1日起废止");
  ASSERT_TRUE(receipt.has_value()) << receipt.error().message;
  EXPECT_EQ(receipt->url, published_.url);

  const std::string html = page("tzgg/2026/r1.html");
  EXPECT_NE(html.find("<th>有效性</th><td>已废止</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<div class=\"repealed\" role=\"note\">本文件自2026-06-01起废止（依据临政发〔2026〕30号）。</div>"),
            std::string::npos) << html;
  EXPECT_NE(html.find("<strong>重点</strong>"), std::string::npos) << "the text stays readable";
  EXPECT_NE(html.find("<th>发布日期</th><td>2026-05-01</td>"), std::string::npos);
  EXPECT_NE(page("tzgg/feed.xml").find("【已废止】本文件自2026-06-01起废止"), std::string::npos);
  const auto manifest = nlohmann::json::parse(page(".fabu/manifest.json"));
  EXPECT_EQ(manifest.at("articles").at(0).at("repealed_on"), "2026-06-01");

  // A later revision without the repeal puts it back in force.
  auto again = correct_and_wait(*adapter_, revision(3), 3, "废止决定撤销");
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_NE(page("tzgg/2026/r1.html").find("<th>有效性</th><td>有效（已更正）</td>"), std::string::npos);
}

TEST_F(PortalCorrect, TheSameRevisionAgainWritesTheSameFiles) {
  set_now(may_day_ms(2 * kDay));
  ASSERT_TRUE(correct_and_wait(*adapter_, revision(2), 2, "更正").has_value());
  const auto before = snapshot(out());
  set_now(may_day_ms(5 * kDay));
  auto again = correct_and_wait(*adapter_, revision(2), 2, "更正");
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->url, published_.url);
  EXPECT_EQ(before, snapshot(out()));

  // A late re-delivery of the original publish leaves the correction in place.
  ASSERT_TRUE(deliver_and_wait(*adapter_, original_, Admission{1, may_day_ms()}, true).has_value());
  EXPECT_EQ(before, snapshot(out()));
}

TEST_F(PortalCorrect, AnOlderRevisionAfterANewerOneIsRefused) {
  set_now(may_day_ms(2 * kDay));
  ASSERT_TRUE(correct_and_wait(*adapter_, revision(3), 3, "第三版").has_value());
  const auto before = snapshot(out());
  auto late = correct_and_wait(*adapter_, revision(2), 2, "第二版");
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().kind, ErrorKind::permanent);
  EXPECT_NE(late.error().message.find("revision 2"), std::string::npos) << late.error().message;
  EXPECT_NE(late.error().message.find("revision 3"), std::string::npos) << late.error().message;
  EXPECT_EQ(before, snapshot(out()));
  EXPECT_NE(page("tzgg/2026/r1.html").find("第3版正文"), std::string::npos);
}

TEST_F(PortalCorrect, EveryEarlierRevisionStaysReadable) {
  set_now(may_day_ms(2 * kDay));
  ASSERT_TRUE(correct_and_wait(*adapter_, revision(2), 2, "第一次更正").has_value());
  set_now(may_day_ms(3 * kDay));
  ASSERT_TRUE(correct_and_wait(*adapter_, revision(3), 3, "第二次更正").has_value());

  const std::string html = page("tzgg/2026/r1.html");
  EXPECT_NE(html.find("第3版正文"), std::string::npos);
  // Newest note first.
  const std::size_t second = html.find("更正说明 2026-05-04：第二次更正");
  const std::size_t first = html.find("更正说明 2026-05-03：第一次更正");
  ASSERT_NE(second, std::string::npos) << html;
  EXPECT_LT(second, first);
  EXPECT_NE(html.find("href=\"../../tzgg/2026/r1.r1.html\""), std::string::npos);
  EXPECT_NE(html.find("href=\"../../tzgg/2026/r1.r2.html\""), std::string::npos);
  EXPECT_NE(page("tzgg/2026/r1.r1.html").find("<strong>重点</strong>"), std::string::npos);
  EXPECT_NE(page("tzgg/2026/r1.r2.html").find("第2版正文"), std::string::npos);
  EXPECT_NE(page("tzgg/2026/r1.r2.html").find("本页为第2版，已被更正。"), std::string::npos);
  EXPECT_FALSE(exists(out() + "/tzgg/2026/r1.r3.html"));
}

TEST_F(PortalCorrect, AnArticleNeverWrittenIsWrittenAsThatRevision) {
  set_now(may_day_ms(2 * kDay));
  Release other = make_release("r2", "另一则通知", {"tzgg"});
  auto receipt = correct_and_wait(*adapter_, other, 2, "更正", Admission{2, may_day_ms()});
  ASSERT_TRUE(receipt.has_value()) << receipt.error().message;
  EXPECT_EQ(receipt->post_id, "01527918X-2026-000002");
  const std::string html = page("tzgg/2026/r2.html");
  EXPECT_NE(html.find("<th>发布日期</th><td>2026-05-03</td>"), std::string::npos);
  EXPECT_EQ(html.find("历史版本"), std::string::npos);
}

}  // namespace
}  // namespace fabu
