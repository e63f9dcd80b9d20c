#include "core/working_days.h"

#include <algorithm>
#include <chrono>

namespace fabu {
namespace {

std::chrono::year_month_day ymd(const Date& date) {
  return std::chrono::year_month_day{std::chrono::year{date.year},
                                     std::chrono::month{static_cast<unsigned>(date.month)},
                                     std::chrono::day{static_cast<unsigned>(date.day)}};
}

bool is_weekend(const Date& date) { return weekday(date) >= 5; }

}  // namespace

std::string MissingYear::message() const {
  const std::string y = std::to_string(year);
  return "no holiday notice for " + y + " (《国务院办公厅关于" + y +
         "年部分节假日安排的通知》): working days of " + y + " cannot be counted until holidays/" + y +
         ".toml is added";
}

int days_since_epoch(const Date& date) {
  return static_cast<int>(std::chrono::sys_days{ymd(date)}.time_since_epoch().count());
}

Date date_from_days(int days) {
  const std::chrono::year_month_day d{std::chrono::sys_days{std::chrono::days{days}}};
  return Date{static_cast<int>(d.year()), static_cast<int>(static_cast<unsigned>(d.month())),
              static_cast<int>(static_cast<unsigned>(d.day()))};
}

int weekday(const Date& date) {
  const std::chrono::weekday w{std::chrono::sys_days{ymd(date)}};
  return static_cast<int>(w.iso_encoding()) - 1;
}

bool is_valid_date(const Date& date) {
  if (date.year < 1 || date.year > 9999 || date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) {
    return false;
  }
  return ymd(date).ok();
}

std::expected<WorkingCalendar, FieldErrors> WorkingCalendar::from_notices(std::vector<HolidayNotice> notices) {
  WorkingCalendar calendar;
  FieldErrors errors;
  for (auto& notice : notices) {
    const std::string y = std::to_string(notice.year);
    const auto inside_year = [&](const Date& d, const std::string& path) {
      if (!is_valid_date(d)) {
        errors.push_back({path, "'" + d.iso() + "' is not a date"});
        return false;
      }
      if (d.year != notice.year) {
        errors.push_back({path, d.iso() + " is not in " + y});
        return false;
      }
      return true;
    };
    if (notice.year < 1949 || notice.year > 9999) {
      errors.push_back({y + ".year", "is not a plausible year"});
      continue;
    }
    if (calendar.m_notices.contains(notice.year)) {
      errors.push_back({y, "given twice"});
      continue;
    }
    if (notice.title.empty()) errors.push_back({y + ".notice.title", "must not be empty"});
    if (notice.number.empty()) errors.push_back({y + ".notice.number", "must not be empty"});
    if (!is_valid_date(notice.issued)) errors.push_back({y + ".notice.date", "is not a date"});
    if (notice.holidays.empty()) errors.push_back({y + ".holidays", "a notice names at least one holiday"});
    std::map<int, bool> exceptions;
    for (std::size_t i = 0; i < notice.holidays.size(); ++i) {
      const auto& h = notice.holidays[i];
      const std::string path = y + ".holidays[" + std::to_string(i) + "]";
      if (h.name.empty()) errors.push_back({path + ".name", "must not be empty"});
      if (!inside_year(h.first, path + ".first") || !inside_year(h.last, path + ".last")) continue;
      if (days_since_epoch(h.last) < days_since_epoch(h.first)) {
        errors.push_back({path + ".last", h.last.iso() + " is before first (" + h.first.iso() + ")"});
        continue;
      }
      for (int d = days_since_epoch(h.first); d <= days_since_epoch(h.last); ++d) {
        if (!exceptions.emplace(d, false).second) {
          errors.push_back({path, date_from_days(d).iso() + " is already in another holiday"});
        }
      }
    }
    for (std::size_t i = 0; i < notice.working_weekends.size(); ++i) {
      const Date& d = notice.working_weekends[i];
      const std::string path = y + ".working_weekends[" + std::to_string(i) + "]";
      if (!inside_year(d, path)) continue;
      if (!is_weekend(d)) {
        errors.push_back({path, d.iso() + " is not a Saturday or Sunday"});
      } else if (!exceptions.emplace(days_since_epoch(d), true).second) {
        errors.push_back({path, d.iso() + " is a holiday or listed twice"});
      }
    }
    calendar.m_exceptions.merge(exceptions);
    calendar.m_notices.emplace(notice.year, std::move(notice));
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return calendar;
}

std::vector<int> WorkingCalendar::years() const {
  std::vector<int> out;
  for (const auto& [year, notice] : m_notices) out.push_back(year);
  return out;
}

const HolidayNotice* WorkingCalendar::notice(int year) const {
  const auto it = m_notices.find(year);
  return it == m_notices.end() ? nullptr : &it->second;
}

std::expected<bool, MissingYear> WorkingCalendar::is_working_day(const Date& date) const {
  if (!has_year(date.year)) return std::unexpected(MissingYear{date.year});
  if (const auto it = m_exceptions.find(days_since_epoch(date)); it != m_exceptions.end()) return it->second;
  return !is_weekend(date);
}

std::expected<Date, MissingYear> WorkingCalendar::add_working_days(const Date& from, int n) const {
  int day = days_since_epoch(from);
  for (int counted = 0; counted < n;) {
    ++day;
    const auto working = is_working_day(date_from_days(day));
    if (!working) return std::unexpected(working.error());
    if (*working) ++counted;
  }
  return date_from_days(day);
}

std::expected<int, MissingYear> WorkingCalendar::working_days_between(const Date& from, const Date& to) const {
  const int a = days_since_epoch(from);
  const int b = days_since_epoch(to);
  const int sign = b >= a ? 1 : -1;
  int count = 0;
  for (int day = std::min(a, b) + 1; day <= std::max(a, b); ++day) {
    const auto working = is_working_day(date_from_days(day));
    if (!working) return std::unexpected(working.error());
    if (*working) ++count;
  }
  return sign * count;
}

}  // namespace fabu
