// Inspection readiness rules: idle accounts warn then fail, tokens warn then fail, columns warn past
// their own limit and fail the portal only from five stale or five empty ones, and an account never
// recorded fails.
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

TEST(Inspection, ColumnsWarnPastTheirOwnLimitAndUnlistedOnesAreNotChecked) {
  InspectionRules rules;
  rules.column_days = {{"xwfbh", 14}, {"tzgg", 180}};
  const std::vector<ColumnActivity> columns = {
      {"portal", "xwfbh", kNow - 15 * kDay},
      {"portal", "tzgg", kNow - 100 * kDay},
      {"portal", "zdly", kNow - 900 * kDay},  // not listed
  };
  const auto findings = inspect({}, columns, rules, kNow);
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[0].target, "xwfbh");
  EXPECT_EQ(findings[0].verdict, InspectionVerdict::warn);
  EXPECT_EQ(findings[0].limit_days, 14);
  EXPECT_EQ(findings[1].target, "tzgg");
  EXPECT_EQ(findings[1].verdict, InspectionVerdict::ok);
  EXPECT_EQ(findings[2].check, InspectionCheck::column_veto);
  EXPECT_EQ(findings[2].channel, "portal");
  EXPECT_EQ(findings[2].verdict, InspectionVerdict::warn);
  EXPECT_EQ(findings[2].detail, "1 of 2 listed columns stale (a veto from 5), 0 empty (a veto from 5)");
  EXPECT_EQ(worst(findings), InspectionVerdict::warn) << "one stale column is no veto";
}

// 栏目不更新: five stale columns (an empty one counts) fail the portal, or five empty ones; each
// portal channel is judged on its own columns.
TEST(Inspection, FiveStaleOrFiveEmptyColumnsFailTheirPortal) {
  InspectionRules rules;
  rules.column_days = {{"a", 14}, {"b", 14}, {"c", 14}, {"d", 14}, {"e", 14}, {"f", 14}};
  auto veto = [&](const std::vector<ColumnActivity>& columns) {
    InspectionFinding found;
    for (const auto& f : inspect({}, columns, rules, kNow)) {
      if (f.check == InspectionCheck::column_veto && f.channel == "portal") found = f;
    }
    return found;
  };
  const auto old = kNow - 20 * kDay, fresh = kNow - kDay;
  EXPECT_EQ(veto({{"portal", "a", old}, {"portal", "b", old}, {"portal", "c", old}, {"portal", "d", old},
                  {"portal", "e", fresh}, {"portal", "f", fresh}})
                .verdict,
            InspectionVerdict::warn);
  const auto four_and_empty = veto({{"portal", "a", old}, {"portal", "b", old}, {"portal", "c", old},
                                    {"portal", "d", std::nullopt}, {"portal", "e", std::nullopt}, {"portal", "f", fresh}});
  EXPECT_EQ(four_and_empty.verdict, InspectionVerdict::fail);
  EXPECT_EQ(four_and_empty.detail, "5 of 6 listed columns stale (a veto from 5), 2 empty (a veto from 5)");
  // Another portal's stale columns do not count against this one.
  const auto split = inspect({}, {{"portal", "a", old}, {"portal", "b", old}, {"portal", "c", old},
                                  {"other", "d", old}, {"other", "e", old}},
                             rules, kNow);
  EXPECT_EQ(worst(split), InspectionVerdict::warn);

  rules.stale_columns_veto = 10;
  rules.empty_columns_veto = 2;
  EXPECT_EQ(veto({{"portal", "a", old}, {"portal", "b", old}, {"portal", "c", old}, {"portal", "d", old},
                  {"portal", "e", std::nullopt}, {"portal", "f", std::nullopt}})
                .verdict,
            InspectionVerdict::fail)
      << "two empty columns, with the veto at two";
}

TEST(Inspection, ADefaultRuleSetChecksNewsForTwoWeeksAndNoticesAndPolicyForHalfAYear) {
  const InspectionRules rules;
  EXPECT_EQ(rules.column_days.at("news"), 14);
  EXPECT_EQ(rules.column_days.at("notices"), 180);
  EXPECT_EQ(rules.column_days.at("policy"), 180);
  EXPECT_EQ(rules.stale_columns_veto, 5);
  EXPECT_EQ(rules.empty_columns_veto, 5);
  const auto empty = inspect({}, {{"portal", "notices", std::nullopt}}, rules, kNow);
  ASSERT_EQ(empty.size(), 2u);
  EXPECT_EQ(empty[0].verdict, InspectionVerdict::warn);
  EXPECT_EQ(empty[0].detail, "empty: no article delivered to this column yet");
  EXPECT_EQ(worst({}), InspectionVerdict::ok);
}

// 国办秘函〔2019〕19号: no new information on a portal's home page for two weeks is a single veto. The
// home page lists every column's latest articles, so its age is that of the newest article anywhere.
TEST(Inspection, APortalHomePageWithNothingNewForTwoWeeksFails) {
  auto home_after = [](std::optional<double> days, const InspectionRules& rules = {}) {
    std::optional<std::int64_t> last;
    if (days) last = kNow - static_cast<std::int64_t>(*days * kDay);
    return only(home_page_findings({{"portal", last}}, rules, kNow));
  };
  EXPECT_EQ(home_after(0.5).verdict, InspectionVerdict::ok);
  EXPECT_EQ(home_after(9.9).verdict, InspectionVerdict::ok);
  EXPECT_EQ(home_after(10).verdict, InspectionVerdict::warn);
  const auto failed = home_after(14);
  EXPECT_EQ(failed.verdict, InspectionVerdict::fail);
  EXPECT_EQ(failed.check, InspectionCheck::home_page);
  EXPECT_EQ(failed.channel, "portal");
  EXPECT_EQ(failed.target, "home");
  EXPECT_EQ(failed.limit_days, 14);
  EXPECT_EQ(failed.at_ms, kNow - 14 * kDay);
  EXPECT_NE(failed.detail.find("14.0 days"), std::string::npos) << failed.detail;
  const auto never = home_after(std::nullopt);
  EXPECT_EQ(never.verdict, InspectionVerdict::fail);
  EXPECT_FALSE(never.days);
  EXPECT_NE(never.detail.find("no article"), std::string::npos) << never.detail;

  InspectionRules rules;
  rules.home_days = 30;
  rules.home_warn_days = 20;
  EXPECT_EQ(home_after(14, rules).verdict, InspectionVerdict::ok);
  EXPECT_EQ(home_after(20, rules).verdict, InspectionVerdict::warn);
  EXPECT_EQ(home_after(30, rules).verdict, InspectionVerdict::fail);
  EXPECT_EQ(to_string(InspectionCheck::home_page), "home_page");
  EXPECT_TRUE(home_page_findings({}, rules, kNow).empty());
}

}  // namespace
}  // namespace fabu
