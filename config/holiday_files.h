// Holiday files: the working-day calendar's data (one `YYYY.toml` per year, format in
// docs/CALENDAR.md and each file's header) read from a folder into a core WorkingCalendar.
//
// Reading is I/O and lives here; counting working days is pure and lives in core/working_days.h.
// Called once at start (fabud) or per command (fabuctl); the result is an immutable value.
#pragma once

#include <expected>
#include <string>

#include "config/config.h"
#include "core/working_days.h"

namespace fabu {

// Reads every `YYYY.toml` in `folder` (other files are ignored). Every problem of every file is
// reported (file, line, column, field), and then nothing is returned: a half-read calendar would
// misstate deadlines. A folder with no year files gives an empty calendar (every year missing).
std::expected<WorkingCalendar, ConfigErrors> load_working_calendar(const std::string& folder);

// The same for one document (tests, and each file of the folder); `year_from_name` is the year the
// file's name says, 0 = not checked.
std::expected<HolidayNotice, ConfigErrors> parse_holiday_file(std::string_view text, const std::string& source_name,
                                                              int year_from_name = 0);

}  // namespace fabu
