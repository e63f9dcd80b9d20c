// `[inspection]`: the defaults, explicit limits, the column table replacing the default one, and the
// errors a bad value gets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"

namespace fabu {
namespace {

using ::testing::HasSubstr;

TEST(InspectionConfig, DefaultsAreTwoWeeksWarnFromTenDaysAndTheThreeDefaultColumns) {
  auto loaded = parse_config("[daemon]\ntoken_warn_days = 5\n", "t.toml");
  ASSERT_TRUE(loaded);
  const InspectionRules& rules = (*loaded)->inspection;
  EXPECT_EQ(rules.idle_days, 14);
  EXPECT_EQ(rules.idle_warn_days, 10);
  EXPECT_EQ(rules.token_warn_days, 5);  // the token warnings' window, one setting for both
  EXPECT_EQ(rules.column_days, (std::map<std::string, int>{{"news", 14}, {"notices", 180}, {"policy", 180}}));
  EXPECT_EQ(rules.stale_columns_veto, 5);
  EXPECT_EQ(rules.empty_columns_veto, 5);
  EXPECT_EQ(rules.home_days, 14);
  EXPECT_EQ(rules.home_warn_days, 10);
}

TEST(InspectionConfig, ExplicitValuesAndAColumnTableReplacingTheDefaults) {
  auto loaded = parse_config("[inspection]\nidle_days = 7\nidle_warn_days = 5\n"
                             "stale_columns_veto = 3\nempty_columns_veto = 2\nhome_days = 21\nhome_warn_days = 21\n"
                             "[inspection.column_days]\nxwfbh = 14\ntzgg = 180\n",
                             "t.toml");
  ASSERT_TRUE(loaded);
  const InspectionRules& rules = (*loaded)->inspection;
  EXPECT_EQ(rules.idle_days, 7);
  EXPECT_EQ(rules.idle_warn_days, 5);
  EXPECT_EQ(rules.stale_columns_veto, 3);
  EXPECT_EQ(rules.empty_columns_veto, 2);
  EXPECT_EQ(rules.home_days, 21);
  EXPECT_EQ(rules.home_warn_days, 21);
  EXPECT_EQ(rules.column_days, (std::map<std::string, int>{{"tzgg", 180}, {"xwfbh", 14}}));
}

TEST(InspectionConfig, BadValuesAreReportedWithTheirPlace) {
  auto loaded = parse_config("[inspection]\nidle_days = 7\nidle_warn_days = 9\nweekly = true\n"
                             "stale_columns_veto = 0\nhome_days = 7\nhome_warn_days = 8\n"
                             "[inspection.column_days]\nnews = \"two weeks\"\n",
                             "t.toml");
  ASSERT_FALSE(loaded);
  std::string all;
  for (const auto& e : loaded.error()) all += e.to_string() + "\n";
  EXPECT_THAT(all, HasSubstr("t.toml:3:18: inspection.idle_warn_days must not be larger than inspection.idle_days"));
  EXPECT_THAT(all, HasSubstr("inspection.weekly"));
  EXPECT_THAT(all, HasSubstr("inspection.stale_columns_veto"));
  EXPECT_THAT(all, HasSubstr("inspection.column_days.news"));
  EXPECT_THAT(all, HasSubstr("t.toml:7:18: inspection.home_warn_days must not be larger than inspection.home_days"));
}

}  // namespace
}  // namespace fabu
