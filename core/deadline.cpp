#include "core/deadline.h"

namespace fabu {

std::expected<Date, MissingYear> disclosure_deadline(const WorkingCalendar& calendar, const Date& formed_at) {
  return calendar.add_working_days(formed_at, kDisclosureWorkingDays);
}

std::string_view to_string(DeadlineState state) {
  switch (state) {
    case DeadlineState::on_time: return "on_time";
    case DeadlineState::due_soon: return "due_soon";
    case DeadlineState::late: return "late";
  }
  return "on_time";
}

std::expected<DeadlineCheck, MissingYear> check_deadline(const WorkingCalendar& calendar, const Date& formed_at,
                                                         const Date& today, int due_soon_within) {
  auto deadline = disclosure_deadline(calendar, formed_at);
  if (!deadline) return std::unexpected(deadline.error());
  auto left = calendar.working_days_between(today, *deadline);
  if (!left) return std::unexpected(left.error());
  DeadlineCheck check{*deadline, *left, DeadlineState::on_time};
  if (days_since_epoch(today) > days_since_epoch(*deadline)) {
    check.state = DeadlineState::late;
  } else if (*left <= due_soon_within) {
    check.state = DeadlineState::due_soon;
  }
  return check;
}

std::optional<std::string> deadline_warning(const WorkingCalendar& calendar, const std::string& release_id,
                                            const Date& formed_at, const Date& today) {
  const auto check = check_deadline(calendar, formed_at, today);
  if (!check) {
    return release_id + ": its deadline (20 working days from " + formed_at.iso() +
           ") cannot be counted: " + check.error().message();
  }
  if (check->state == DeadlineState::late) {
    return release_id + " is late: formed " + formed_at.iso() + ", its deadline was " + check->deadline.iso() + " (" +
           std::to_string(-check->working_days_left) + " working day(s) ago)";
  }
  if (check->state == DeadlineState::due_soon) {
    return release_id + " is due " + check->deadline.iso() + ", " +
           (check->working_days_left == 0 ? std::string("today")
                                          : "in " + std::to_string(check->working_days_left) + " working day(s)") +
           " (formed " + formed_at.iso() + ")";
  }
  return std::nullopt;
}

Date china_date(std::int64_t unix_seconds) { return Timestamp::in_shanghai(unix_seconds).local_date(); }

std::int64_t china_day_end_ms(const Date& day) {
  constexpr std::int64_t kChinaOffsetMs = 8 * 3600 * 1000LL;
  return (static_cast<std::int64_t>(days_since_epoch(day)) + 1) * 86'400'000LL - kChinaOffsetMs;
}

std::vector<int> missing_calendar_years(const WorkingCalendar& calendar, const Date& today) {
  std::vector<int> missing;
  for (const int year : {today.year, today.year + 1}) {
    if (!calendar.has_year(year)) missing.push_back(year);
  }
  return missing;
}

}  // namespace fabu
