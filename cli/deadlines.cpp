#include "cli/deadlines.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/table.h"
#include "config/holiday_files.h"
#include "core/clock.h"
#include "core/deadline.h"
#include "queue/delivery_ledger.h"

namespace fabu::cli {

std::optional<WorkingCalendar> load_calendar_or_report(const Config& config) {
  auto calendar = load_working_calendar(config.calendar.holidays_dir);
  if (!calendar) {
    std::cerr << "fabuctl: cannot read the working-day calendar in " << config.calendar.holidays_dir << ":\n";
    for (const auto& e : calendar.error()) std::cerr << "  " << e.to_string() << "\n";
    return std::nullopt;
  }
  return std::move(*calendar);
}

void warn_deadline(std::ostream& out, const std::string& release_id, const Date& formed_at,
                   const WorkingCalendar& calendar, std::int64_t now_seconds) {
  if (auto warning = deadline_warning(calendar, release_id, formed_at, china_date(now_seconds))) {
    out << "warning: " << *warning << "\n";
  }
}

int due(const Context& ctx, int within) {
  auto config = load_config(ctx.config_path);
  if (!config) {
    std::cerr << "fabuctl: cannot use config " << ctx.config_path << ":\n";
    for (const auto& e : config.error()) std::cerr << "  " << e.to_string() << "\n";
    return 2;
  }
  auto calendar = load_calendar_or_report(**config);
  if (!calendar) return 2;
  auto ledger = DeliveryLedger::connect((*config)->redis);
  if (!ledger) {
    std::cerr << "fabuctl: cannot reach redis: " << ledger.error().message << "\n";
    return 1;
  }
  const std::int64_t now_ms = unix_now_ms();
  const Date today = china_date(now_ms / 1000);
  auto last_day = calendar->add_working_days(today, within);
  if (!last_day) {
    std::cerr << "fabuctl: " << last_day.error().message() << "; listing what is due today or late only\n";
    last_day = today;
  }
  auto entries = (*ledger)->deadlines(china_day_end_ms(*last_day), 10000);
  if (!entries) {
    std::cerr << "fabuctl: " << entries.error().message << "\n";
    return 1;
  }
  nlohmann::json out = nlohmann::json::array();
  TextTable table({"release", "deadline", "working days left", "state"});
  for (const auto& e : *entries) {
    const Date deadline = china_date((e.deadline_ms - 1) / 1000);
    const auto left = calendar->working_days_between(today, deadline);
    const std::string state = e.deadline_ms <= now_ms ? "late" : "due";
    out.push_back({{"id", e.release_id},
                   {"deadline", deadline.iso()},
                   {"deadline_ms", e.deadline_ms},
                   {"working_days_left", left ? nlohmann::json(*left) : nlohmann::json(nullptr)},
                   {"state", state}});
    table.add({e.release_id, deadline.iso(), left ? std::to_string(*left) : "?", state});
  }
  if (ctx.json) {
    std::cout << out.dump(2) << "\n";
  } else if (table.empty()) {
    std::cout << "nothing is due within " << within << " working day(s) or late\n";
  } else {
    std::cout << table.render();
  }
  return 0;
}

}  // namespace fabu::cli
