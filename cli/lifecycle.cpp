#include "cli/lifecycle.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/input_file.h"
#include "cli/table.h"
#include "core/bounded_text.h"
#include "core/clock.h"
#include "core/release.h"
#include "core/release_document.h"
#include "core/screen.h"
#include "core/text.h"
#include "cli/operator_log.h"
#include "queue/delivery_ledger.h"

namespace fabu::cli {
namespace {

std::string shanghai(std::int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  return Timestamp::in_shanghai(unix_ms / 1000).iso();
}

// The config and a ledger on its Redis; null (and `exit_code` set, the reason printed) when either
// cannot be had. `config_out`, when given, receives the config.
std::unique_ptr<DeliveryLedger> open_ledger(const Context& ctx, int& exit_code,
                                            std::shared_ptr<const Config>* config_out = nullptr) {
  auto config = load_config(ctx.config_path);
  if (!config) {
    std::cerr << "fabuctl: cannot use config " << ctx.config_path << ":\n";
    for (const auto& e : config.error()) std::cerr << "  " << e.to_string() << "\n";
    exit_code = 2;
    return nullptr;
  }
  if (config_out != nullptr) *config_out = *config;
  auto ledger = DeliveryLedger::connect((*config)->redis);
  if (!ledger) {
    std::cerr << "fabuctl: cannot reach redis: " << ledger.error().message << "\n";
    exit_code = 1;
    return nullptr;
  }
  return std::move(*ledger);
}

int report_change(const std::string& release_id, const ScheduleChange& change, const std::string& done) {
  switch (change.outcome) {
    case ScheduleOutcome::changed:
      std::cout << done << " (" << change.deliveries << " deliveries)\n";
      return 0;
    case ScheduleOutcome::unknown:
      std::cerr << "fabuctl: no release '" << release_id << "' has been admitted\n";
      return 1;
    case ScheduleOutcome::closed:
      std::cerr << "fabuctl: release " << release_id << " was " << change.detail << " already\n";
      return 3;
    case ScheduleOutcome::started:
      std::cerr << "fabuctl: release " << release_id << " is already going out (" << change.detail
                << " has started): use `fabuctl retract " << release_id << " --reason ...` instead\n";
      return 3;
  }
  return 1;
}

}  // namespace

int retract(const Context& ctx, const std::string& release_id, const std::string& reason) {
  if (reason.empty()) {
    std::cerr << "fabuctl retract: --reason is required; it is shown on the portal's withdrawal notice\n";
    return 2;
  }
  int code = 0;
  std::shared_ptr<const Config> config;
  auto ledger = open_ledger(ctx, code, &config);
  if (!ledger) return code;
  // The reason is published on the withdrawal notice: the privacy screen reads it first.
  if (auto refusal = screen_refusal(reason, "reason", config->screen)) {
    std::cerr << "fabuctl retract: --reason " << *refusal << "\n";
    return 2;
  }
  auto result = ledger->retract(release_id, reason, unix_now_ms());
  if (!result) {
    std::cerr << "fabuctl: " << result.error().message << "\n";
    return 1;
  }
  switch (result->outcome) {
    case RetractOutcome::unknown_release:
      std::cerr << "fabuctl: no release '" << release_id << "' has been admitted\n";
      return 1;
    case RetractOutcome::already_retracted:
      std::cout << "release " << release_id << " was retracted already; nothing changed\n";
      return 0;
    case RetractOutcome::retracting:
      break;
  }
  record_action(ctx, "retract", {{"release", release_id}, {"reason", reason}, {"cancelled", result->cancelled},
                                 {"retractions", result->retractions}, {"waiting", result->waiting}});
  if (ctx.json) {
    std::cout << nlohmann::json{{"release", release_id}, {"cancelled", result->cancelled},
                                {"retractions", result->retractions}, {"waiting", result->waiting}}.dump(2) << "\n";
    return 0;
  }
  std::cout << "retracting " << release_id << ": " << result->retractions << " retraction(s) queued, "
            << result->waiting << " waiting for a send in flight, " << result->cancelled
            << " delivery(ies) cancelled before they went out\n"
            << "follow it with `fabuctl status " << release_id << "` or `fabuctl wait " << release_id << "`\n";
  return 0;
}

int correct(const Context& ctx, const std::string& release_id, const std::string& file) {
  const auto text = read_input_file(file, release_file_limit);
  if (!text) {
    std::cerr << file << ": " << text.error() << "\n";
    return 2;
  }
  const auto format = file.ends_with(".json") ? DocumentFormat::json : DocumentFormat::toml;
  auto submitted = read_release(*text, format);
  if (!submitted) {
    for (const auto& e : submitted.error()) {
      std::cerr << file << ": " << (e.path.empty() ? "(document)" : e.path) << ": " << e.reason << "\n";
    }
    return 2;
  }
  const Release& release = submitted->release;
  if (release.id != release_id) {
    std::cerr << file << ": id: is '" << bounded(release.id, quoted_value_bytes) << "', not the release to correct ("
              << release_id << ")\n";
    return 2;
  }
  if (release.revision < 2) {
    std::cerr << file << ": revision: a correction needs revision 2 or higher (one more than the revision out now),"
              << " with a change_note\n";
    return 2;
  }
  return submit(ctx, {file}, false);
}

int schedule_list(const Context& ctx, int limit) {
  int code = 0;
  auto ledger = open_ledger(ctx, code);
  if (!ledger) return code;
  auto due = ledger->scheduled(unix_now_ms(), limit);
  if (!due) {
    std::cerr << "fabuctl: " << due.error().message << "\n";
    return 1;
  }
  nlohmann::json out = nlohmann::json::array();
  TextTable table({"RELEASE", "DUE (Asia/Shanghai)", "REVISION", "TITLE"});
  for (const auto& s : *due) {
    std::string title = "-";
    int revision = 1;
    if (auto json = ledger->release_json(s.release_id); json && *json) {
      if (auto release = parse_release_json(**json)) {
        title = release->title;
        revision = release->revision;
      }
    }
    out.push_back({{"release", s.release_id}, {"due", shanghai(s.due_ms)}, {"due_ms", s.due_ms},
                   {"revision", revision}, {"title", title}});
    table.add({s.release_id, shanghai(s.due_ms), std::to_string(revision), truncate_weibo(title, 24)});
  }
  if (ctx.json) {
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (table.empty()) {
    std::cout << "nothing scheduled\n";
  } else {
    std::cout << table.render();
  }
  return 0;
}

int schedule_cancel(const Context& ctx, const std::string& release_id) {
  int code = 0;
  auto ledger = open_ledger(ctx, code);
  if (!ledger) return code;
  auto change = ledger->cancel_schedule(release_id, unix_now_ms());
  if (!change) {
    std::cerr << "fabuctl: " << change.error().message << "\n";
    return 1;
  }
  if (change->outcome == ScheduleOutcome::changed) {
    record_action(ctx, "schedule_cancel", {{"release", release_id}, {"deliveries", change->deliveries}});
  }
  return report_change(release_id, *change, "cancelled " + release_id + ": nothing of it will go out");
}

int schedule_move(const Context& ctx, const std::string& release_id, const std::string& when) {
  auto at = release_detail::parse_iso_timestamp(when);
  if (!at) {
    std::cerr << "fabuctl schedule reschedule: TIME: " << at.error()
              << " (give ISO 8601 with an offset, e.g. 2026-12-10T09:00:00+08:00)\n";
    return 2;
  }
  int code = 0;
  auto ledger = open_ledger(ctx, code);
  if (!ledger) return code;
  const std::int64_t due_ms = at->unix_seconds * 1000;
  auto change = ledger->reschedule(release_id, due_ms, unix_now_ms());
  if (!change) {
    std::cerr << "fabuctl: " << change.error().message << "\n";
    return 1;
  }
  if (change->outcome == ScheduleOutcome::changed) {
    record_action(ctx, "reschedule",
                  {{"release", release_id}, {"due", shanghai(due_ms)}, {"deliveries", change->deliveries}});
  }
  return report_change(release_id, *change, "rescheduled " + release_id + " to " + shanghai(due_ms));
}

}  // namespace fabu::cli
