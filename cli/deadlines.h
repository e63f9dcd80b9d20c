// The statutory clock in fabuctl: `fabuctl due`, and submit's warning about a late or nearly late
// release (《政府信息公开条例》 Art. 26: 20 working days from 生成日期, core/deadline.h).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>

#include "cli/commands.h"
#include "core/working_days.h"

namespace fabu::cli {

// The config's working-day calendar, or nullopt after printing why it cannot be read.
std::optional<WorkingCalendar> load_calendar_or_report(const Config& config);

// Writes one warning line to `out` when a release formed on `formed_at` is already late or due within
// two working days at `now_seconds`, or when its deadline cannot be counted (year missing); nothing
// when it has time.
void warn_deadline(std::ostream& out, const std::string& release_id, const Date& formed_at,
                   const WorkingCalendar& calendar, std::int64_t now_seconds);

// Lists releases not gone out yet whose deadline is within `within` working days (0 = today) or past,
// earliest first: id, deadline, working days left, state (late / due). `--json`: an array of
// {"id", "deadline", "deadline_ms", "working_days_left" (null when unknown), "state"}.
// Returns 0, 1 when Redis fails, 2 on a bad config or calendar.
int due(const Context& ctx, int within);

}  // namespace fabu::cli
