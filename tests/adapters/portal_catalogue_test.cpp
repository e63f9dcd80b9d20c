// The portal's catalogue rules over its manifest: a 索引号 is never issued twice, whatever the Redis
// serial says, and a policy and its interpretation (named by release id or by 文号) link each other.
#include <gtest/gtest.h>

#include "tests/adapters/portal_fixture.h"

namespace fabu {
namespace {

using portal_test::deliver_and_wait;
using portal_test::make_release;
using portal_test::may_day_ms;
using portal_test::PortalDelivery;

constexpr std::int64_t kNextYear = 1798734600000;  // 2027-01-01 00:30 Beijing

class PortalCatalogue : public PortalDelivery {
 protected:
  void SetUp() override { adapter_ = portal(); }

  std::string publish(const std::string& id, std::int64_t serial) {
    Release release = make_release(id, "通知" + id, {"tzgg"});
    auto receipt = deliver_and_wait(*adapter_, release, Admission{serial, may_day_ms()});
    EXPECT_TRUE(receipt.has_value()) << receipt.error().message;
    return receipt ? receipt->post_id : std::string();
  }

  std::unique_ptr<Adapter> adapter_;
};

TEST_F(PortalCatalogue, ANumberTakenByAnotherReleaseIsNeverIssuedAgain) {
  EXPECT_EQ(publish("a", 1), "01527918X-2026-000001");
  EXPECT_EQ(publish("b", 2), "01527918X-2026-000002");
  // Redis was restored empty: its serial starts at 1 again.
  EXPECT_EQ(publish("c", 1), "01527918X-2026-000003");
  EXPECT_EQ(publish("d", 2), "01527918X-2026-000004");
  EXPECT_EQ(publish("e", 3), "01527918X-2026-000005");
  // A free number is used as the serial gives it; the same release re-written keeps its number.
  EXPECT_EQ(publish("f", 40), "01527918X-2026-000040");
  EXPECT_EQ(publish("a", 7), "01527918X-2026-000001");
  EXPECT_EQ(publish("c", 1), "01527918X-2026-000003");
  EXPECT_NE(page("tzgg/2026/c.html").find("<td>01527918X-2026-000003</td>"), std::string::npos);
  EXPECT_EQ(publish("no-serial", 0), "01527918X-2026-000041");  // a job without a serial never gets 000000
  // Another year has numbers of its own.
  set_now(kNextYear);
  EXPECT_EQ(publish("g", 1), "01527918X-2027-000001");
  EXPECT_EQ(publish("h", 1), "01527918X-2027-000002");
}

TEST_F(PortalCatalogue, APatternWithoutTheYearStillNeverRepeatsANumber) {
  std::string toml = portal_test::portal_toml(out());
  toml.replace(toml.find("{org}-{year}-{serial:6}"), 23, "{org}-{serial:4}");
  adapter_ = portal_test::make_portal(toml, "conf/fabu.toml", clock_);
  ASSERT_NE(adapter_, nullptr);
  EXPECT_EQ(publish("a", 1), "01527918X-0001");
  EXPECT_EQ(publish("b", 2), "01527918X-0002");
  set_now(kNextYear);
  EXPECT_EQ(publish("c", 1), "01527918X-0003");  // the year's own serials start at 1, taken: step on
  EXPECT_EQ(publish("d", 3), "01527918X-0004");
}

Release policy_with_number() {
  Release r = make_release("zc-7", "临沂市促进就业若干措施", {"zcfg"});
  r.doc_number = "临政发〔2026〕7号";
  return r;
}

Release interpretation_by_number() {
  Release r = make_release("jd-7", "《临沂市促进就业若干措施》解读", {"zcjd"});
  r.kind = ReleaseKind::policy_interpretation;
  r.doc_number.reset();
  r.interprets = "临政发〔2026〕7号";
  return r;
}

void expect_linked(const std::string& policy_html, const std::string& interpretation_html) {
  EXPECT_NE(policy_html.find("政策解读：<a href=\"../../zcjd/2026/jd-7.html\">《临沂市促进就业若干措施》解读</a>"),
            std::string::npos) << policy_html;
  EXPECT_NE(interpretation_html.find("政策原文：<a href=\"../../zcfg/2026/zc-7.html\">临沂市促进就业若干措施</a>"),
            std::string::npos) << interpretation_html;
}

TEST_F(PortalCatalogue, AnInterpretationNamingItsPolicyByDocNumberLinksBothWays) {
  ASSERT_TRUE(deliver_and_wait(*adapter_, policy_with_number(), Admission{1, may_day_ms()}).has_value());
  ASSERT_TRUE(deliver_and_wait(*adapter_, interpretation_by_number(), Admission{2, may_day_ms()}).has_value());
  expect_linked(page("zcfg/2026/zc-7.html"), page("zcjd/2026/jd-7.html"));
}

TEST_F(PortalCatalogue, APolicyArrivingAfterItsInterpretationIsLinkedByDocNumber) {
  ASSERT_TRUE(deliver_and_wait(*adapter_, interpretation_by_number(), Admission{1, may_day_ms()}).has_value());
  EXPECT_EQ(page("zcjd/2026/jd-7.html").find("政策原文："), std::string::npos);
  Release unrelated = make_release("tz-1", "无关通知", {"tzgg"});
  ASSERT_TRUE(deliver_and_wait(*adapter_, unrelated, Admission{2, may_day_ms()}).has_value());
  EXPECT_EQ(page("zcjd/2026/jd-7.html").find("政策原文："), std::string::npos);
  ASSERT_TRUE(deliver_and_wait(*adapter_, policy_with_number(), Admission{3, may_day_ms()}).has_value());
  expect_linked(page("zcfg/2026/zc-7.html"), page("zcjd/2026/jd-7.html"));
  EXPECT_EQ(page("tzgg/2026/tz-1.html").find("政策解读："), std::string::npos);
}

TEST_F(PortalCatalogue, ACorrectionNamingAnotherPolicyMovesTheLink) {
  Release other_policy = make_release("zc-8", "临沂市稳岗补贴办法", {"zcfg"});
  other_policy.doc_number = "临政发〔2026〕8号";
  ASSERT_TRUE(deliver_and_wait(*adapter_, policy_with_number(), Admission{1, may_day_ms()}).has_value());
  ASSERT_TRUE(deliver_and_wait(*adapter_, other_policy, Admission{2, may_day_ms()}).has_value());
  ASSERT_TRUE(deliver_and_wait(*adapter_, interpretation_by_number(), Admission{3, may_day_ms()}).has_value());
  ASSERT_NE(page("zcfg/2026/zc-7.html").find("政策解读："), std::string::npos);

  Release corrected = interpretation_by_number();
  corrected.interprets = "zc-8";
  ASSERT_TRUE(portal_test::correct_and_wait(*adapter_, corrected, 2, "更正所解读的文件").has_value());
  EXPECT_EQ(page("zcfg/2026/zc-7.html").find("政策解读："), std::string::npos);
  EXPECT_NE(page("zcfg/2026/zc-8.html").find("政策解读：<a href=\"../../zcjd/2026/jd-7.html\">"), std::string::npos);
  EXPECT_NE(page("zcjd/2026/jd-7.html").find("政策原文：<a href=\"../../zcfg/2026/zc-8.html\">"), std::string::npos);
}

}  // namespace
}  // namespace fabu
