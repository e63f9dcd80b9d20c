// The portal adapter writing into a temporary folder: article pages, listings, feeds, idempotence,
// policy/interpretation cross links.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/adapters/portal_fixture.h"

namespace fabu {
namespace {

using portal_test::deliver_and_wait;
using portal_test::make_portal;
using portal_test::make_release;
using portal_test::may_day_ms;
using portal_test::portal_toml;
using portal_test::exists;
using portal_test::is_balanced_xml;
using portal_test::PortalDelivery;
using portal_test::snapshot;

namespace fs = std::filesystem;

TEST_F(PortalDelivery, ArticleCarriesTheCatalogueMetadata) {
  auto adapter = portal();
  Release release = make_release("2026-press-017", "关于开展安全检查的通知", {"tzgg"});
  // 16:30 UTC on 31 December is already 1 January in Beijing: the 索引号 year and 发布日期 follow Beijing.
  // They are the time the article is written, not the admission (an embargoed release waited in the queue).
  set_now(1798734600000);
  auto receipt = deliver_and_wait(*adapter, release, Admission{17, may_day_ms()});
  ASSERT_TRUE(receipt.has_value()) << receipt.error().message;
  EXPECT_EQ(receipt->post_id, "01527918X-2027-000017");
  EXPECT_EQ(receipt->url, "https://www.linyi.gov.cn/tzgg/2026/2026-press-017.html");
  EXPECT_EQ(receipt->url, adapter->link_for(release, Admission{17, may_day_ms()}));

  const std::string html = page("tzgg/2026/2026-press-017.html");
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  for (const char* label : {"索引号", "信息名称", "文号", "生成日期", "发布日期", "发布机构", "公开属性", "主题分类",
                            "内容概述", "有效性"}) {
    EXPECT_NE(html.find(std::string("<th>") + label + "</th>"), std::string::npos) << label;
  }
  EXPECT_NE(html.find("<td>01527918X-2027-000017</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>临政办发〔2026〕12号</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>2026-04-20</td>"), std::string::npos);  // 生成日期
  EXPECT_NE(html.find("<td>2027-01-01</td>"), std::string::npos);  // 发布日期
  EXPECT_NE(html.find("<td>临沂市人民政府办公室</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>主动公开</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>有效</td>"), std::string::npos);
  EXPECT_NE(html.find("内容概述：关于开展安全检查的通知"), std::string::npos);
  EXPECT_NE(html.find("<strong>重点</strong>"), std::string::npos);  // the Markdown body is rendered
  // Relative links only, so the folder opens from disk.
  EXPECT_NE(html.find("href=\"../../index.html\""), std::string::npos);
  EXPECT_NE(html.find("href=\"../../tzgg/index.html\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);

  EXPECT_TRUE(exists(out() + "/index.html"));
  EXPECT_TRUE(exists(out() + "/zcfg/index.html"));  // every column the site index links exists
  EXPECT_NE(page("index.html").find("tzgg/2026/2026-press-017.html"), std::string::npos);
}

TEST_F(PortalDelivery, AnEmbargoedReleaseShowsTheDayItWentOutEverywhere) {
  auto adapter = portal();
  const Release release = make_release("embargo", "禁发期后发布的通知", {"tzgg"});
  set_now(may_day_ms(7 * 24 * 60 + 9 * 60));  // admitted on 1 May, written on 8 May at 09:00
  ASSERT_TRUE(deliver_and_wait(*adapter, release, Admission{1, may_day_ms()}).has_value());
  EXPECT_NE(page("tzgg/2026/embargo.html").find("<th>发布日期</th><td>2026-05-08</td>"), std::string::npos);
  EXPECT_NE(page("tzgg/index.html").find("<span class=\"date\">2026-05-08</span>"), std::string::npos);
  EXPECT_NE(page("index.html").find("<span class=\"date\">2026-05-08</span>"), std::string::npos);
  EXPECT_NE(page("tzgg/feed.xml").find("<published>2026-05-08T09:00:00+08:00</published>"), std::string::npos);
  EXPECT_EQ(page("tzgg/2026/embargo.html").find("2026-05-01"), std::string::npos);
  const auto manifest = nlohmann::json::parse(page(".fabu/manifest.json"));
  EXPECT_EQ(manifest.at("articles").at(0).at("published_ms"), may_day_ms(7 * 24 * 60 + 9 * 60));
}

TEST_F(PortalDelivery, EscapesHtmlInTitleAndBody) {
  auto adapter = portal();
  Release release = make_release("r-xss", "<script>alert(1)</script> & 通知", {"tzgg"});
  release.body = "正文 <script>alert(2)</script>\n\n<div onclick=\"x\">块</div>\n";
  auto receipt = deliver_and_wait(*adapter, release, Admission{1, may_day_ms()});
  ASSERT_TRUE(receipt.has_value()) << receipt.error().message;

  for (const std::string file : {"tzgg/2026/r-xss.html", "tzgg/index.html", "index.html"}) {
    const std::string html = page(file);
    EXPECT_EQ(html.find("<script"), std::string::npos) << file;
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; 通知"), std::string::npos) << file;
  }
  EXPECT_EQ(page("tzgg/2026/r-xss.html").find("<div onclick"), std::string::npos);
  const std::string feed = page("tzgg/feed.xml");
  EXPECT_EQ(feed.find("<script"), std::string::npos);
  EXPECT_TRUE(is_balanced_xml(feed));
}

TEST_F(PortalDelivery, PaginatesColumnsNewestFirstAndFeedsThem) {
  auto adapter = portal(2);
  for (int i = 1; i <= 5; ++i) {
    const Release release = make_release("r" + std::to_string(i), "通知第" + std::to_string(i) + "号", {"tzgg"});
    set_now(may_day_ms(i));
    ASSERT_TRUE(deliver_and_wait(*adapter, release, Admission{i, may_day_ms(i)}).has_value());
  }
  const std::string first = page("tzgg/index.html");
  const std::string second = page("tzgg/index-2.html");
  const std::string third = page("tzgg/index-3.html");
  EXPECT_FALSE(exists(out() + "/tzgg/index-4.html"));

  EXPECT_LT(first.find("通知第5号"), first.find("通知第4号"));
  EXPECT_EQ(first.find("通知第3号"), std::string::npos);
  EXPECT_EQ(first.find("上一页"), std::string::npos);
  EXPECT_NE(first.find("href=\"index-2.html\">下一页"), std::string::npos);

  EXPECT_LT(second.find("通知第3号"), second.find("通知第2号"));
  EXPECT_NE(second.find("href=\"index.html\">上一页"), std::string::npos);
  EXPECT_NE(second.find("href=\"index-3.html\">下一页"), std::string::npos);

  EXPECT_NE(third.find("通知第1号"), std::string::npos);
  EXPECT_NE(third.find("href=\"index-2.html\">上一页"), std::string::npos);
  EXPECT_EQ(third.find("下一页"), std::string::npos);
  EXPECT_NE(third.find("href=\"../tzgg/2026/r1.html\""), std::string::npos);

  const std::string feed = page("tzgg/feed.xml");
  EXPECT_TRUE(feed.starts_with("<?xml"));
  EXPECT_TRUE(is_balanced_xml(feed)) << feed;
  std::size_t last = 0;
  for (int i = 5; i >= 1; --i) {
    const std::size_t at = feed.find("<title>通知第" + std::to_string(i) + "号</title>");
    ASSERT_NE(at, std::string::npos) << i;
    EXPECT_GT(at, last) << "entries must be newest first";
    last = at;
  }
  EXPECT_NE(feed.find("<id>https://www.linyi.gov.cn/tzgg/2026/r5.html</id>"), std::string::npos);
  EXPECT_NE(feed.find("href=\"https://www.linyi.gov.cn/tzgg/2026/r5.html\"/>"), std::string::npos);
  EXPECT_NE(feed.find("<updated>2026-05-01T00:05:00+08:00</updated>"), std::string::npos);
}

TEST_F(PortalDelivery, RedeliveryLeavesTheSameFilesAndOneManifestEntry) {
  auto adapter = portal(2);
  const Release first = make_release("r1", "第一篇", {"tzgg", "zcfg"});
  const Release second = make_release("r2", "第二篇", {"tzgg"});
  set_now(may_day_ms(1));
  ASSERT_TRUE(deliver_and_wait(*adapter, first, Admission{1, may_day_ms(1)}).has_value());
  set_now(may_day_ms(2));
  ASSERT_TRUE(deliver_and_wait(*adapter, second, Admission{2, may_day_ms(2)}).has_value());
  const auto before = snapshot(out());
  set_now(may_day_ms(60 * 24 * 3));  // re-delivered three days later: the 发布日期 stays the first write's

  auto again = deliver_and_wait(*adapter, first, Admission{1, may_day_ms(1)}, /*in_doubt=*/true);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->post_id, "01527918X-2026-000001");
  const auto after = snapshot(out());
  EXPECT_EQ(before, after);

  const auto manifest = nlohmann::json::parse(page(".fabu/manifest.json"));
  int r1_entries = 0;
  for (const auto& article : manifest.at("articles")) r1_entries += article.at("id") == "r1";
  EXPECT_EQ(r1_entries, 1);
  EXPECT_EQ(manifest.at("articles").size(), 2u);
  // No temporary files are left behind.
  for (const auto& [path, bytes] : after) EXPECT_EQ(path.find(".tmp."), std::string::npos) << path;
}

void expect_cross_links(const std::string& policy_html, const std::string& interpretation_html) {
  EXPECT_NE(policy_html.find("政策解读：<a href=\"../../zcjd/2026/jd-1.html\">《临沂市促进就业若干措施》解读</a>"),
            std::string::npos)
      << policy_html;
  EXPECT_NE(interpretation_html.find("政策原文：<a href=\"../../zcfg/2026/zc-1.html\">临沂市促进就业若干措施</a>"),
            std::string::npos)
      << interpretation_html;
}

Release policy() { return make_release("zc-1", "临沂市促进就业若干措施", {"zcfg"}); }

Release interpretation() {
  Release r = make_release("jd-1", "《临沂市促进就业若干措施》解读", {"zcjd"});
  r.kind = ReleaseKind::policy_interpretation;
  r.interprets = "zc-1";
  return r;
}

TEST_F(PortalDelivery, PolicyFirstThenInterpretationLinkEachOther) {
  auto adapter = portal();
  ASSERT_TRUE(deliver_and_wait(*adapter, policy(), Admission{1, may_day_ms(1)}).has_value());
  EXPECT_EQ(page("zcfg/2026/zc-1.html").find("政策解读："), std::string::npos);
  ASSERT_TRUE(deliver_and_wait(*adapter, interpretation(), Admission{2, may_day_ms(2)}).has_value());
  expect_cross_links(page("zcfg/2026/zc-1.html"), page("zcjd/2026/jd-1.html"));
}

TEST_F(PortalDelivery, InterpretationFirstThenPolicyLinkEachOther) {
  auto adapter = portal();
  ASSERT_TRUE(deliver_and_wait(*adapter, interpretation(), Admission{1, may_day_ms(1)}).has_value());
  EXPECT_EQ(page("zcjd/2026/jd-1.html").find("政策原文："), std::string::npos);
  ASSERT_TRUE(deliver_and_wait(*adapter, policy(), Admission{2, may_day_ms(2)}).has_value());
  expect_cross_links(page("zcfg/2026/zc-1.html"), page("zcjd/2026/jd-1.html"));
}

TEST_F(PortalDelivery, MissingOutputParentIsAConfigError) {
  auto adapter = make_portal(portal_toml(dir_.path() + "/no/such/site"));
  ASSERT_NE(adapter, nullptr);
  auto receipt = deliver_and_wait(*adapter, make_release("r1", "标题", {"tzgg"}), Admission{1, may_day_ms()});
  ASSERT_FALSE(receipt.has_value());
  EXPECT_EQ(receipt.error().kind, ErrorKind::config);
  EXPECT_NE(receipt.error().message.find("no/such"), std::string::npos);
}

TEST_F(PortalDelivery, ReportsAFileInTheWayAsATransientErrorWithThePath) {
  auto adapter = portal();
  fs::create_directories(out());
  testing::write_file(out() + "/tzgg", "a file where the column folder should be");
  auto receipt = deliver_and_wait(*adapter, make_release("r1", "标题", {"tzgg"}), Admission{1, may_day_ms()});
  ASSERT_FALSE(receipt.has_value());
  EXPECT_EQ(receipt.error().kind, ErrorKind::transient);
  EXPECT_NE(receipt.error().message.find("tzgg"), std::string::npos) << receipt.error().message;
}

TEST_F(PortalDelivery, RelativeOutputDirIsResolvedAgainstTheConfigFile) {
  auto adapter = make_portal(portal_toml("site"), dir_.path() + "/fabu.toml");
  ASSERT_NE(adapter, nullptr);
  auto receipt = deliver_and_wait(*adapter, make_release("r1", "标题", {"tzgg"}), Admission{1, may_day_ms()});
  ASSERT_TRUE(receipt.has_value()) << receipt.error().message;
  EXPECT_TRUE(exists(out() + "/tzgg/2026/r1.html"));
}

}  // namespace
}  // namespace fabu
