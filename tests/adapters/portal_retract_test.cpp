// Retraction on the portal: the withdrawal notice replaces the page, listings drop it, the feed carries
// the notice, and retracting again or retracting what was never written changes nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/adapters/portal_fixture.h"

namespace fabu {
namespace {

using namespace portal_test;

const std::string kReason = "数据有误，核实后重新发布";

class PortalRetract : public PortalDelivery {
 protected:
  // Three notices in 通知公告 (two to a page), published on 1 May at 00:01, 00:02 and 00:03.
  void SetUp() override {
    adapter_ = portal(2);
    for (int i = 1; i <= 3; ++i) {
      releases_.push_back(make_release("r" + std::to_string(i), "公告" + std::to_string(i), {"tzgg"}));
      set_now(may_day_ms(i));
      auto receipt = deliver_and_wait(*adapter_, releases_.back(), Admission{i, may_day_ms()});
      ASSERT_TRUE(receipt.has_value());
      receipts_.push_back(*receipt);
    }
    set_now(may_day_ms(4 * kDay + 600));  // 2026-05-05 10:00
  }

  std::unique_ptr<Adapter> adapter_;
  std::vector<Release> releases_;
  std::vector<DeliveryReceipt> receipts_;
};

TEST_F(PortalRetract, WithdrawalNoticeReplacesThePage) {
  ASSERT_TRUE(exists(out() + "/tzgg/index-2.html"));
  auto retracted = retract_and_wait(*adapter_, releases_[1], receipts_[1], kReason);
  ASSERT_TRUE(retracted.has_value()) << retracted.error().message;

  const std::string notice = page("tzgg/2026/r2.html");
  EXPECT_NE(notice.find("<title>公告2 - "), std::string::npos);
  EXPECT_NE(notice.find("<td>01527918X-2026-000002</td>"), std::string::npos);  // 索引号 kept
  EXPECT_NE(notice.find("<td>2026-05-01</td>"), std::string::npos);             // original 发布日期
  EXPECT_NE(notice.find("<th>撤回日期</th><td colspan=\"3\">2026-05-05</td>"), std::string::npos) << notice;
  EXPECT_NE(notice.find("<th>撤回原因</th><td colspan=\"3\">" + kReason + "</td>"), std::string::npos);
  EXPECT_NE(notice.find("<th>有效性</th><td>已撤回</td>"), std::string::npos);
  EXPECT_EQ(notice.find("<td>有效</td>"), std::string::npos);
  EXPECT_EQ(notice.find("<strong>重点</strong>"), std::string::npos) << "the body is no longer shown";
  EXPECT_EQ(notice.find("内容概述：公告2"), std::string::npos);

  EXPECT_EQ(page("tzgg/index.html").find("公告2"), std::string::npos);
  EXPECT_NE(page("tzgg/index.html").find("公告3"), std::string::npos);
  EXPECT_NE(page("tzgg/index.html").find("公告1"), std::string::npos);
  EXPECT_FALSE(exists(out() + "/tzgg/index-2.html"));  // two articles left fit on one page
  EXPECT_EQ(page("index.html").find("公告2"), std::string::npos);

  // The feed carries the withdrawal as an update of the article's entry, first (latest change).
  const std::string feed = page("tzgg/feed.xml");
  EXPECT_TRUE(is_balanced_xml(feed)) << feed;
  const std::size_t entry = feed.find("<id>https://www.linyi.gov.cn/tzgg/2026/r2.html</id>");
  ASSERT_NE(entry, std::string::npos) << feed;
  EXPECT_LT(entry, feed.find("<id>https://www.linyi.gov.cn/tzgg/2026/r3.html</id>"));
  EXPECT_NE(feed.find("<published>2026-05-01T00:02:00+08:00</published>\n<updated>2026-05-05T10:00:00+08:00</updated>"),
            std::string::npos) << feed;
  EXPECT_NE(feed.find("<summary>【已撤回】本文件已于2026-05-05撤回，现已失效。撤回原因：" + kReason + "</summary>"),
            std::string::npos);
  EXPECT_NE(feed.find("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n<id>https://www.linyi.gov.cn/"
                      "tzgg/feed.xml</id>"),
            std::string::npos);
  EXPECT_LT(feed.find("<updated>2026-05-05T10:00:00+08:00</updated>"), entry) << "the feed's own <updated>";

  const auto manifest = nlohmann::json::parse(page(".fabu/manifest.json"));
  for (const auto& article : manifest.at("articles")) {
    EXPECT_EQ(article.at("withdrawn").get<bool>(), article.at("id") == "r2");
    if (article.at("id") != "r2") continue;
    EXPECT_EQ(article.at("withdraw_reason"), kReason);
    EXPECT_EQ(article.at("withdrawn_ms"), may_day_ms(4 * kDay + 600));
    EXPECT_EQ(article.at("published_ms"), may_day_ms(2));
  }
}

TEST_F(PortalRetract, RetractingAgainOrWhatWasNeverWrittenChangesNothing) {
  ASSERT_TRUE(retract_and_wait(*adapter_, releases_[1], receipts_[1], kReason).has_value());
  const auto before = snapshot(out());

  set_now(may_day_ms(9 * kDay));
  // In doubt and without a receipt (the first attempt's outcome was lost): still the same files.
  EXPECT_TRUE(retract_and_wait(*adapter_, releases_[1], DeliveryReceipt{}, "另一个原因", true).has_value());
  EXPECT_TRUE(retract_and_wait(*adapter_, make_release("never", "x", {"tzgg"}), DeliveryReceipt{}).has_value());
  EXPECT_EQ(before, snapshot(out()));
  EXPECT_FALSE(exists(out() + "/tzgg/2026/never.html"));

  // A late re-delivery of the publish does not bring the article back.
  auto again = deliver_and_wait(*adapter_, releases_[1], Admission{2, may_day_ms()}, /*in_doubt=*/true);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->url, receipts_[1].url);
  EXPECT_EQ(before, snapshot(out()));
}

TEST_F(PortalRetract, RetractingIntoAFolderNeverWrittenSucceeds) {
  auto fresh = make_portal_in(dir_.path() + "/empty");
  ASSERT_TRUE(retract_and_wait(*fresh, releases_[0], DeliveryReceipt{}, kReason).has_value());
  EXPECT_FALSE(exists(dir_.path() + "/empty/tzgg/2026/r1.html"));
}

TEST_F(PortalRetract, EarlierRevisionsAreWithdrawnToo) {
  Release corrected = releases_[0];
  corrected.body = "更正后的正文。";
  ASSERT_TRUE(correct_and_wait(*adapter_, corrected, 2, "更正数据").has_value());
  ASSERT_NE(page("tzgg/2026/r1.r1.html").find("<strong>重点</strong>"), std::string::npos);

  ASSERT_TRUE(retract_and_wait(*adapter_, corrected, receipts_[0], kReason).has_value());
  for (const std::string file : {"tzgg/2026/r1.html", "tzgg/2026/r1.r1.html"}) {
    const std::string html = page(file);
    EXPECT_NE(html.find("<td>已撤回</td>"), std::string::npos) << file;
    EXPECT_EQ(html.find("重点"), std::string::npos) << file;
    EXPECT_EQ(html.find("更正后的正文"), std::string::npos) << file;
  }
  // And a correction after the withdrawal is refused rather than bringing the text back.
  auto late = correct_and_wait(*adapter_, corrected, 3, "再次更正");
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().kind, ErrorKind::permanent);
}

TEST_F(PortalRetract, AWithdrawnInterpretationLeavesItsPolicyPage) {
  Release policy = make_release("zc-1", "临沂市促进就业若干措施", {"zcfg"});
  Release interpretation = make_release("jd-1", "《临沂市促进就业若干措施》解读", {"zcjd"});
  interpretation.kind = ReleaseKind::policy_interpretation;
  interpretation.interprets = "zc-1";
  ASSERT_TRUE(deliver_and_wait(*adapter_, policy, Admission{4, may_day_ms()}).has_value());
  ASSERT_TRUE(deliver_and_wait(*adapter_, interpretation, Admission{5, may_day_ms()}).has_value());
  ASSERT_NE(page("zcfg/2026/zc-1.html").find("政策解读："), std::string::npos);

  ASSERT_TRUE(retract_and_wait(*adapter_, interpretation, DeliveryReceipt{}, kReason).has_value());
  EXPECT_EQ(page("zcfg/2026/zc-1.html").find("政策解读："), std::string::npos);
}

}  // namespace
}  // namespace fabu
