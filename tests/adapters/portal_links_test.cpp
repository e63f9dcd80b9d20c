// Broken internal links: found in the pages when the site is rebuilt, recorded for `fabuctl inspect`.
#include "adapters/portal/portal_links.h"

#include <gtest/gtest.h>

#include "tests/adapters/portal_fixture.h"

namespace fabu {
namespace {

using portal::internal_target;
using portal::page_links;
using portal_test::deliver_and_wait;
using portal_test::make_release;
using portal_test::may_day_ms;
using portal_test::PortalDelivery;

TEST(PortalLinksTest, ReadsHrefAndSrcAttributes) {
  const auto links = page_links(R"(<a href="a.html">x</a><img src="p.png"><a data-href="no.html"></a>)"
                                R"(<a class="c" href="q.html?x=1&amp;y=2">)");
  EXPECT_EQ(links, (std::vector<std::string>{"a.html", "q.html?x=1&y=2", "p.png"}));
}

TEST(PortalLinksTest, ResolvesRelativeLinksInsideTheFolderOnly) {
  const std::string base = "https://www.linyi.gov.cn";
  EXPECT_EQ(internal_target("tzgg/2026/a.html", "../../index.html", base), "index.html");
  EXPECT_EQ(internal_target("tzgg/2026/a.html", "b.html#top", base), "tzgg/2026/b.html");
  EXPECT_EQ(internal_target("tzgg/2026/a.html", "../../zcfg/", base), "zcfg/index.html");
  EXPECT_EQ(internal_target("index.html", "./tzgg/index-2.html?p=2", base), "tzgg/index-2.html");
  EXPECT_EQ(internal_target("index.html", "https://www.linyi.gov.cn/tzgg/2026/a.html", base), "tzgg/2026/a.html");
  EXPECT_FALSE(internal_target("index.html", "https://www.gov.cn/", base).has_value());
  EXPECT_FALSE(internal_target("index.html", "mailto:office@linyi.gov.cn", base).has_value());
  EXPECT_FALSE(internal_target("index.html", "#main", base).has_value());
  EXPECT_FALSE(internal_target("index.html", "//cdn.example/x.js", base).has_value());
  EXPECT_FALSE(internal_target("index.html", "../outside.html", base).has_value());
}

TEST_F(PortalDelivery, ARebuildRecordsBrokenLinksAndTheNextOneClearsThem) {
  auto adapter = portal();
  // No check has run yet: nothing to report.
  EXPECT_TRUE(adapter->broken_links("portal").empty());
  Release notice = make_release("n1", "关于征求意见的通知", {"tzgg"});
  // An absolute link into a column this folder holds is checked; one into a part of the site it does
  // not hold (a livestream page) is another system's and is not.
  notice.body = "详见[政策原文](../../zcfg/2026/p1.html)和[附件](files/missing.pdf)，"
                "[旧文](https://www.linyi.gov.cn/tzgg/2026/gone.html)，[直播](https://www.linyi.gov.cn/live/1)。";
  ASSERT_TRUE(deliver_and_wait(*adapter, notice, Admission{1, may_day_ms()}).has_value());
  auto broken = adapter->broken_links("portal");
  ASSERT_EQ(broken.size(), 3u);
  EXPECT_EQ(broken[0].channel, "portal");
  EXPECT_EQ(broken[0].page, "tzgg/2026/n1.html");
  EXPECT_EQ(broken[0].target, "../../zcfg/2026/p1.html");
  EXPECT_EQ(broken[1].target, "files/missing.pdf");
  EXPECT_EQ(broken[2].target, "https://www.linyi.gov.cn/tzgg/2026/gone.html");

  // Publishing the policy the notice links to mends that link; the attachment stays broken.
  Release policy = make_release("p1", "政策原文", {"zcfg"});
  ASSERT_TRUE(deliver_and_wait(*adapter, policy, Admission{2, may_day_ms()}).has_value());
  broken = adapter->broken_links("portal");
  ASSERT_EQ(broken.size(), 2u);
  EXPECT_EQ(broken[0].target, "files/missing.pdf");

  const auto findings = broken_link_findings(broken);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].check, InspectionCheck::broken_link);
  EXPECT_EQ(findings[0].target, "tzgg/2026/n1.html -> files/missing.pdf");
  EXPECT_EQ(findings[0].verdict, InspectionVerdict::warn) << "a broken link counts against a site, no veto";
}

}  // namespace
}  // namespace fabu
