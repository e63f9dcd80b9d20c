// WorkingCalendar: which days are working days in mainland China, from the State Council General
// Office's annual holiday notices (《国务院办公厅关于YYYY年部分节假日安排的通知》).
//
// A year is known only when its notice has been entered (config/holidays/YYYY.toml, read by config/);
// a question about any other year is answered with MissingYear, never with a weekday guess, because
// the notice moves weekends (调休) and a guess would misstate a statutory deadline. Pure: no I/O, no
// clock. A WorkingCalendar is an immutable value once built; share it freely across threads as const.
#pragma once

#include <expected>
#include <map>
#include <string>
#include <vector>

#include "core/release.h"

namespace fabu {

// One holiday of a notice: `first`..`last` inclusive are days off (weekends inside included).
struct HolidayRange {
  std::string name;  // e.g. 春节
  Date first;
  Date last;
  friend bool operator==(const HolidayRange&, const HolidayRange&) = default;
};

// One year's notice as published.
struct HolidayNotice {
  int year = 0;
  std::string title;   // 国务院办公厅关于2026年部分节假日安排的通知
  std::string number;  // 国办发明电〔2025〕7号
  Date issued;         // the notice's date
  std::vector<HolidayRange> holidays;
  std::vector<Date> working_weekends;  // Saturdays and Sundays that become working days (调休上班)
  friend bool operator==(const HolidayNotice&, const HolidayNotice&) = default;
};

// The answer "this year's notice has not been entered".
struct MissingYear {
  int year = 0;
  std::string message() const;  // "no holiday notice for 2027: add config/holidays/2027.toml ..."
  friend bool operator==(const MissingYear&, const MissingYear&) = default;
};

// Days since 1970-01-01 (negative before), and back. REQUIRES: a valid calendar date.
int days_since_epoch(const Date& date);
Date date_from_days(int days);
// 0 = Monday .. 6 = Sunday.
int weekday(const Date& date);
// True when year-month-day names a real day of the Gregorian calendar.
bool is_valid_date(const Date& date);

class WorkingCalendar {
 public:
  WorkingCalendar() = default;

  // Checks each notice (dates real and inside its year, ranges ordered, working weekends on a
  // Saturday or Sunday and outside the holidays, one notice per year) and builds the calendar.
  // Every problem is a FieldError whose path starts with the year, e.g. "2026.holidays[1].last".
  static std::expected<WorkingCalendar, FieldErrors> from_notices(std::vector<HolidayNotice> notices);

  bool has_year(int year) const { return m_notices.contains(year); }
  std::vector<int> years() const;                   // ascending
  const HolidayNotice* notice(int year) const;      // nullptr when missing

  // Monday to Friday unless inside a holiday; Saturday or Sunday only when the notice moves work there.
  std::expected<bool, MissingYear> is_working_day(const Date& date) const;

  // The n-th working day after `from` (`from` itself never counts; n = 0 returns `from`).
  // REQUIRES: n >= 0. Art. 26's deadline for a document formed on `from` is add_working_days(from, 20).
  std::expected<Date, MissingYear> add_working_days(const Date& from, int n) const;

  // Working days after `from` up to and including `to`; negative when `to` is before `from`
  // (then: minus the working days after `to` up to and including `from`).
  std::expected<int, MissingYear> working_days_between(const Date& from, const Date& to) const;

 private:
  std::map<int, HolidayNotice> m_notices;
  std::map<int, bool> m_exceptions;  // days since epoch -> working? (holidays false, 调休 true)
};

}  // namespace fabu
