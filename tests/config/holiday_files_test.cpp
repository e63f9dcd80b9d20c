// The working-day calendar read from the repository's own holiday files (config/holidays/), and the
// statutory deadline counted over the real notices' holidays and moved weekends.
#include "config/holiday_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/deadline.h"
#include "tests/config/config_test_support.h"

namespace fabu {
namespace {

const std::string kHolidaysDir = std::string(FABU_SOURCE_DIR) + "/config/holidays";

const WorkingCalendar& real_calendar() {
  static const WorkingCalendar calendar = [] {
    auto loaded = load_working_calendar(kHolidaysDir);
    EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().front().to_string());
    return loaded ? *loaded : WorkingCalendar{};
  }();
  return calendar;
}

TEST(HolidayFilesTest, TheRepositoryHoldsTheCheckedYearsWithTheirNotices) {
  const auto& calendar = real_calendar();
  EXPECT_EQ(calendar.years(), (std::vector<int>{2024, 2025, 2026}));
  ASSERT_NE(calendar.notice(2026), nullptr);
  EXPECT_EQ(calendar.notice(2026)->title, "国务院办公厅关于2026年部分节假日安排的通知");
  EXPECT_EQ(calendar.notice(2026)->issued, (Date{2025, 11, 4}));
  EXPECT_EQ(calendar.notice(2025)->number, "国办发明电〔2024〕12号");
  EXPECT_EQ(calendar.notice(2024)->number, "国办发明电〔2023〕7号");
}

TEST(HolidayFilesTest, DeadlineAcrossAMovedWeekendAndLabourDay) {
  // 2025: Sunday 04-27 is worked, 05-01..05-05 are off.
  const auto& calendar = real_calendar();
  EXPECT_EQ(calendar.is_working_day(Date{2025, 4, 27}), true);
  EXPECT_EQ(calendar.is_working_day(Date{2025, 5, 5}), false);  // a Monday
  EXPECT_EQ(disclosure_deadline(calendar, Date{2025, 4, 8}), (Date{2025, 5, 8}));
}

TEST(HolidayFilesTest, DeadlineAcrossTheSpringFestival) {
  // 2026: Saturday 02-14 worked, 02-15..02-23 off, Saturday 02-28 worked.
  const auto& calendar = real_calendar();
  EXPECT_EQ(calendar.is_working_day(Date{2026, 2, 14}), true);
  EXPECT_EQ(calendar.is_working_day(Date{2026, 2, 23}), false);  // a Monday
  EXPECT_EQ(disclosure_deadline(calendar, Date{2026, 2, 10}), (Date{2026, 3, 16}));
  EXPECT_EQ(disclosure_deadline(calendar, Date{2024, 2, 1}), (Date{2024, 3, 5}));
}

TEST(HolidayFilesTest, DeadlineAcrossTheNationalDayWeek) {
  // 2026: Sunday 09-20 worked, 09-25..09-27 and 10-01..10-07 off, Saturday 10-10 worked.
  const auto& calendar = real_calendar();
  EXPECT_EQ(disclosure_deadline(calendar, Date{2026, 9, 18}), (Date{2026, 10, 22}));
  EXPECT_EQ(disclosure_deadline(calendar, Date{2025, 9, 15}), (Date{2025, 10, 17}));
  // Across New Year: 2026-01-01..03 off, Sunday 01-04 worked.
  EXPECT_EQ(disclosure_deadline(calendar, Date{2025, 12, 15}), (Date{2026, 1, 13}));
}

TEST(HolidayFilesTest, ADeadlineInAYearWithoutItsNoticeIsMissingNotGuessed) {
  const auto& calendar = real_calendar();
  EXPECT_EQ(disclosure_deadline(calendar, Date{2026, 11, 27}), (Date{2026, 12, 25}));
  const auto next_year = disclosure_deadline(calendar, Date{2026, 12, 10});
  ASSERT_FALSE(next_year.has_value());
  EXPECT_EQ(next_year.error().year, 2027);
  EXPECT_FALSE(check_deadline(calendar, Date{2026, 12, 10}, Date{2026, 12, 11}).has_value());
}

class HolidayFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("fabu_holidays_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::filesystem::path dir_;
};

constexpr const char* kGood2030 = R"(year = 2030
working_weekends = [2030-02-09]
[notice]
title = "t"
number = "n"
date = 2029-11-01
[[holidays]]
name = "h"
first = 2030-02-01
last = 2030-02-03
)";

TEST_F(HolidayFolder, EveryProblemIsNamedWithFileLineAndField) {
  write("2030.toml", kGood2030);
  write("README", "not a year file, ignored");
  auto good = load_working_calendar(dir_.string());
  ASSERT_TRUE(good.has_value()) << joined(good.error());
  EXPECT_EQ(good->years(), (std::vector<int>{2030}));

  write("2031.toml", R"(year = 2030
working_weekends = ["2031-02-08"]
[notice]
title = "t"
date = 2030-11-01
[[holidays]]
name = "h"
first = 2031-02-01
last = 2031-02-03
colour = "red"
)");
  auto bad = load_working_calendar(dir_.string());
  ASSERT_FALSE(bad.has_value());
  const std::string all = joined(bad.error());
  EXPECT_NE(all.find("2031.toml:1:8: year: 2030 but the file is named 2031.toml"), std::string::npos) << all;
  EXPECT_NE(all.find("2031.toml:2:21: working_weekends[0]: expected a date"), std::string::npos) << all;
  EXPECT_NE(all.find("missing required key 'notice.number'"), std::string::npos) << all;
  EXPECT_NE(all.find("2031.toml:10:1: unknown key 'holidays[0].colour'"), std::string::npos) << all;
}

TEST_F(HolidayFolder, RulesOfTheWholeNoticeAreReportedPerFile) {
  std::string text = kGood2030;
  text.replace(text.find("2030-02-09"), 10, "2030-02-06");  // a Wednesday
  write("2030.toml", text);
  auto bad = load_working_calendar(dir_.string());
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(joined(bad.error()).find("2030.toml: working_weekends[0]: 2030-02-06 is not a Saturday or Sunday"),
            std::string::npos)
      << joined(bad.error());
}

TEST(HolidayFilesLoadTest, AMissingFolderIsAnError) {
  auto missing = load_working_calendar("/nonexistent/holidays");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().front().message.find("cannot read the folder"), std::string::npos);
}

}  // namespace
}  // namespace fabu
