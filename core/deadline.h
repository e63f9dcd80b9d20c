// The statutory clock: 《政府信息公开条例》 Art. 26 gives a proactively disclosed document 20 working
// days from the day it was formed (生成日期) to be published. Pure: time comes in as an argument.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/working_days.h"

namespace fabu {

inline constexpr int kDisclosureWorkingDays = 20;  // Art. 26
inline constexpr int kDueSoonWorkingDays = 2;      // submit warns this close to the deadline

// The last day a document formed on `formed_at` may be published.
std::expected<Date, MissingYear> disclosure_deadline(const WorkingCalendar& calendar, const Date& formed_at);

enum class DeadlineState { on_time, due_soon, late };
std::string_view to_string(DeadlineState state);  // "on_time", "due_soon", "late"

struct DeadlineCheck {
  Date deadline;
  // Working days after `today` up to the deadline: 0 = due today, negative = that many past it.
  int working_days_left = 0;
  DeadlineState state = DeadlineState::on_time;
};

// Where a document formed on `formed_at` stands on `today`: late after the deadline day, due_soon
// when at most `due_soon_within` working days remain.
std::expected<DeadlineCheck, MissingYear> check_deadline(const WorkingCalendar& calendar, const Date& formed_at,
                                                         const Date& today,
                                                         int due_soon_within = kDueSoonWorkingDays);

// What submit says about a release formed on `formed_at` on `today`: "<id> is late: ...", "<id> is
// due ...", or that its deadline cannot be counted (a year missing); nullopt when it has time.
std::optional<std::string> deadline_warning(const WorkingCalendar& calendar, const std::string& release_id,
                                            const Date& formed_at, const Date& today);

// The calendar date in China (UTC+8 all year, no daylight saving) at `unix_seconds`.
Date china_date(std::int64_t unix_seconds);

// The instant a day ends in China (the next day's 00:00+08:00), in unix ms: a deadline day's last moment.
std::int64_t china_day_end_ms(const Date& day);

// The years among `today`'s and the next whose notice the calendar lacks, ascending: what fabud warns
// about at start (the next year's notice usually comes in November or December).
std::vector<int> missing_calendar_years(const WorkingCalendar& calendar, const Date& today);

}  // namespace fabu
