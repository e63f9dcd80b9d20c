// Inspection readiness rules: idle accounts warn then fail, tokens warn then fail, columns fail past
// their own limit, and what was never recorded fails.
#include "core/inspection.h"

#include <gtest/gtest.h>

namespace fabu {
namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;
constexpr std::int64_t kDay = 86'400'000;

InspectionFinding only(const std::vector<InspectionFinding>& findings) {
  EXPECT_EQ(findings.size(), 1u);
  return findings.empty() ? InspectionFinding{} : findings.front();
}

InspectionFinding idle_after(double days, const InspectionRules& rules = {}) {
  const auto last = kNow - static_cast<std::int64_t>(days * kDay);
  return only(inspect({{"microblog", "lanshan", last, std::nullopt}}, {}, rules, kNow));
}

TEST(Inspection, AnAccountWarnsFromTenIdleDaysAndFailsAtFourteen) {
  EXPECT_EQ(idle_after(1).verdict, InspectionVerdict::ok);
  EXPECT_EQ(idle_after(9.9).verdict, InspectionVerdict::ok);
  EXPECT_EQ(idle_after(10).verdict, InspectionVerdict::warn);
  EXPECT_EQ(idle_after(13.9).verdict, InspectionVerdict::warn);
  const auto failed = idle_after(14);
  EXPECT_EQ(failed.verdict, InspectionVerdict::fail);
  EXPECT_EQ(failed.check, InspectionCheck::account_idle);
  EXPECT_EQ(failed.target, "lanshan");
  EXPECT_EQ(failed.limit_days, 14);
  ASSERT_TRUE(failed.days);
  EXPECT_DOUBLE_EQ(*failed.days, 14.0);
  EXPECT_NE(failed.detail.find("14.0 days"), std::string::npos) << failed.detail;
}

TEST(Inspection, TheLimitsComeFromTheRules) {
  InspectionRules rules;
  rules.idle_days = 7;
  rules.idle_warn_days = 3;
  EXPECT_EQ(idle_after(3, rules).verdict, InspectionVerdict::warn);
  EXPECT_EQ(idle_after(7, rules).verdict, InspectionVerdict::fail);
}

TEST(Inspection, AnAccountWithNoPostRecordedFails) {
  const auto f = only(inspect({{"microblog", "new", std::nullopt, std::nullopt}}, {}, {}, kNow));
  EXPECT_EQ(f.verdict, InspectionVerdict::fail);
  EXPECT_FALSE(f.days);
}

TEST(Inspection, TokensWarnWithinTheirWindowAndFailOnceExpired) {
  InspectionRules rules;
  rules.token_warn_days = 7;
  const auto token = [&](int days) {
    const auto all = inspect({{"microblog", "a", kNow, days}}, {}, rules, kNow);
    EXPECT_EQ(all.size(), 2u);
    return all.back();
  };
  EXPECT_EQ(token(30).verdict, InspectionVerdict::ok);
  EXPECT_EQ(token(7).verdict, InspectionVerdict::warn);
  EXPECT_EQ(token(0).verdict, InspectionVerdict::warn);
  EXPECT_EQ(token(-1).verdict, InspectionVerdict::fail);
  EXPECT_EQ(token(-1).check, InspectionCheck::token_expiry);
  EXPECT_EQ(inspect({{"microblog", "a", kNow, std::nullopt}}, {}, rules, kNow).size(), 1u);  // no expiry known
}

TEST(Inspection, ColumnsFailPastTheirOwnLimitAndUnlistedOnesAreNotChecked) {
  InspectionRules rules;
  rules.column_days = {{"xwfbh", 14}, {"tzgg", 180}};
  const std::vector<ColumnActivity> columns = {
      {"portal", "xwfbh", kNow - 15 * kDay},
      {"portal", "tzgg", kNow - 100 * kDay},
      {"portal", "zdly", kNow - 900 * kDay},  // not listed
  };
  const auto findings = inspect({}, columns, rules, kNow);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].target, "xwfbh");
  EXPECT_EQ(findings[0].verdict, InspectionVerdict::fail);
  EXPECT_EQ(findings[0].limit_days, 14);
  EXPECT_EQ(findings[1].target, "tzgg");
  EXPECT_EQ(findings[1].verdict, InspectionVerdict::ok);
  EXPECT_EQ(worst(findings), InspectionVerdict::fail);
}

TEST(Inspection, ADefaultRuleSetChecksNewsForTwoWeeksAndNoticesAndPolicyForHalfAYear) {
  const InspectionRules rules;
  EXPECT_EQ(rules.column_days.at("news"), 14);
  EXPECT_EQ(rules.column_days.at("notices"), 180);
  EXPECT_EQ(rules.column_days.at("policy"), 180);
  EXPECT_EQ(only(inspect({}, {{"portal", "notices", std::nullopt}}, rules, kNow)).verdict, InspectionVerdict::fail);
  EXPECT_EQ(worst({}), InspectionVerdict::ok);
}

}  // namespace
}  // namespace fabu
