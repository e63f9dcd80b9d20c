#include "core/working_days.h"

#include <gtest/gtest.h>

#include "core/deadline.h"

namespace fabu {
namespace {

// A made-up year: a three-day holiday Friday 2030-02-01..Sunday 2030-02-03 with Saturday 2030-02-09 worked.
HolidayNotice made_up_notice() {
  return HolidayNotice{2030, "t", "n", Date{2029, 11, 1}, {{"h", Date{2030, 2, 1}, Date{2030, 2, 3}}},
                       {Date{2030, 2, 9}}};
}

WorkingCalendar made_up_calendar() {
  auto calendar = WorkingCalendar::from_notices({made_up_notice()});
  EXPECT_TRUE(calendar.has_value());
  return *calendar;
}

TEST(WorkingDaysTest, DateArithmeticRoundTrips) {
  EXPECT_EQ(days_since_epoch(Date{1970, 1, 1}), 0);
  EXPECT_EQ(date_from_days(days_since_epoch(Date{2026, 2, 28}) + 1), (Date{2026, 3, 1}));
  EXPECT_EQ(weekday(Date{2026, 12, 6}), 6);  // a Sunday
  EXPECT_EQ(weekday(Date{2030, 2, 1}), 4);   // a Friday
  EXPECT_FALSE(is_valid_date(Date{2026, 2, 29}));
  EXPECT_TRUE(is_valid_date(Date{2028, 2, 29}));
}

TEST(WorkingDaysTest, HolidaysAndMovedWeekendsOverrideTheWeekday) {
  const auto calendar = made_up_calendar();
  EXPECT_EQ(calendar.is_working_day(Date{2030, 1, 31}), true);   // Thursday
  EXPECT_EQ(calendar.is_working_day(Date{2030, 2, 1}), false);   // Friday, holiday
  EXPECT_EQ(calendar.is_working_day(Date{2030, 2, 9}), true);    // Saturday, worked
  EXPECT_EQ(calendar.is_working_day(Date{2030, 2, 10}), false);  // Sunday
  // Thursday 2030-01-31 + 1 working day skips the holiday to Monday 2030-02-04; + 5 lands on the Saturday.
  EXPECT_EQ(calendar.add_working_days(Date{2030, 1, 31}, 1), (Date{2030, 2, 4}));
  EXPECT_EQ(calendar.add_working_days(Date{2030, 1, 31}, 5), (Date{2030, 2, 8}));
  EXPECT_EQ(calendar.add_working_days(Date{2030, 1, 31}, 6), (Date{2030, 2, 9}));
  EXPECT_EQ(calendar.add_working_days(Date{2030, 1, 31}, 0), (Date{2030, 1, 31}));
  EXPECT_EQ(calendar.working_days_between(Date{2030, 1, 31}, Date{2030, 2, 9}), 6);
  EXPECT_EQ(calendar.working_days_between(Date{2030, 2, 9}, Date{2030, 1, 31}), -6);
}

TEST(WorkingDaysTest, AMissingYearIsAnErrorNotAGuess) {
  const auto calendar = made_up_calendar();
  const auto before = calendar.is_working_day(Date{2029, 12, 31});
  ASSERT_FALSE(before.has_value());
  EXPECT_EQ(before.error().year, 2029);
  // Counting runs off the end of the known year into 2031.
  const auto across = calendar.add_working_days(Date{2030, 12, 20}, 20);
  ASSERT_FALSE(across.has_value());
  EXPECT_EQ(across.error(), MissingYear{2031});
  EXPECT_NE(across.error().message().find("2031"), std::string::npos);
  EXPECT_FALSE(WorkingCalendar{}.is_working_day(Date{2030, 3, 1}).has_value());
}

TEST(WorkingDaysTest, NoticesAreCheckedFieldByField) {
  auto notice = made_up_notice();
  notice.working_weekends = {Date{2030, 2, 6}, Date{2031, 2, 8}};  // a Wednesday; another year
  notice.holidays.push_back({"", Date{2030, 5, 3}, Date{2030, 5, 1}});
  notice.number = "";
  const auto calendar = WorkingCalendar::from_notices({notice});
  ASSERT_FALSE(calendar.has_value());
  const std::string all = join(calendar.error());
  EXPECT_NE(all.find("2030.notice.number: must not be empty"), std::string::npos) << all;
  EXPECT_NE(all.find("2030.working_weekends[0]: 2030-02-06 is not a Saturday or Sunday"), std::string::npos) << all;
  EXPECT_NE(all.find("2030.working_weekends[1]: 2031-02-08 is not in 2030"), std::string::npos) << all;
  EXPECT_NE(all.find("2030.holidays[1].name: must not be empty"), std::string::npos) << all;
  EXPECT_NE(all.find("2030.holidays[1].last: 2030-05-01 is before first"), std::string::npos) << all;
  EXPECT_FALSE(WorkingCalendar::from_notices({made_up_notice(), made_up_notice()}).has_value());
}

TEST(DeadlineTest, LateDueSoonAndOnTime) {
  const auto calendar = made_up_calendar();
  const Date formed{2030, 1, 11};  // a Friday; 20 working days skip the holiday and end on the worked Saturday
  EXPECT_EQ(disclosure_deadline(calendar, formed), (Date{2030, 2, 9}));
  struct Case {
    Date today;
    int left;
    DeadlineState state;
  };
  for (const auto& c : {Case{Date{2030, 2, 6}, 3, DeadlineState::on_time}, Case{Date{2030, 2, 7}, 2, DeadlineState::due_soon},
                        Case{Date{2030, 2, 9}, 0, DeadlineState::due_soon}, Case{Date{2030, 2, 12}, -2, DeadlineState::late}}) {
    const auto check = check_deadline(calendar, formed, c.today);
    ASSERT_TRUE(check.has_value()) << c.today.iso();
    EXPECT_EQ(check->deadline, (Date{2030, 2, 9}));
    EXPECT_EQ(check->working_days_left, c.left) << c.today.iso();
    EXPECT_EQ(check->state, c.state) << c.today.iso() << " " << to_string(check->state);
  }
}

TEST(DeadlineTest, TheWarningSaysLateDueOrUnknownAndNothingWhenThereIsTime) {
  const auto calendar = made_up_calendar();
  const Date formed{2030, 1, 11};  // deadline Saturday 2030-02-09
  EXPECT_EQ(deadline_warning(calendar, "r1", formed, Date{2030, 2, 6}), std::nullopt);
  EXPECT_EQ(deadline_warning(calendar, "r1", formed, Date{2030, 2, 7}),
            "r1 is due 2030-02-09, in 2 working day(s) (formed 2030-01-11)");
  EXPECT_EQ(deadline_warning(calendar, "r1", formed, Date{2030, 2, 9}), "r1 is due 2030-02-09, today (formed 2030-01-11)");
  EXPECT_EQ(deadline_warning(calendar, "r1", formed, Date{2030, 2, 12}),
            "r1 is late: formed 2030-01-11, its deadline was 2030-02-09 (2 working day(s) ago)");
  const auto unknown = deadline_warning(calendar, "r2", Date{2030, 12, 20}, Date{2030, 12, 21});
  ASSERT_TRUE(unknown.has_value());
  EXPECT_NE(unknown->find("r2: its deadline (20 working days from 2030-12-20) cannot be counted: no holiday notice for 2031"),
            std::string::npos)
      << *unknown;
}

TEST(DeadlineTest, ChinaDateIsUtcPlusEight) {
  EXPECT_EQ(china_date(0), (Date{1970, 1, 1}));
  EXPECT_EQ(china_date(16 * 3600), (Date{1970, 1, 2}));            // 00:00 in Beijing
  EXPECT_EQ(china_date(1796482800), (Date{2026, 12, 5}));           // 2026-12-05T23:00+08:00
  EXPECT_EQ(china_date(1796482800 + 3600), (Date{2026, 12, 6}));
  EXPECT_EQ(china_day_end_ms(Date{2026, 12, 5}), (1796482800LL + 3600) * 1000);
}

TEST(DeadlineTest, MissingYearsAreTheCurrentAndTheComingOne) {
  const auto calendar = made_up_calendar();
  EXPECT_EQ(missing_calendar_years(calendar, Date{2030, 6, 1}), (std::vector<int>{2031}));
  EXPECT_EQ(missing_calendar_years(calendar, Date{2029, 12, 1}), (std::vector<int>{2029}));
  EXPECT_EQ(missing_calendar_years(WorkingCalendar{}, Date{2026, 12, 6}), (std::vector<int>{2026, 2027}));
}

}  // namespace
}  // namespace fabu
