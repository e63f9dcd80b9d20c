#include "cli/logs.h"

#include <charconv>
#include <iostream>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/release_document.h"
#include "queue/delivery_ledger.h"
#include "queue/ledger_log.h"

namespace fabu::cli {
namespace {

constexpr std::size_t kPage = 1000;

std::string text_of(const nlohmann::json& event, const char* name) {
  const auto it = event.find(name);
  if (it == event.end()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// What happened: a delivery's outcome, or the intake event's name.
std::string state_of(const nlohmann::json& event) {
  const std::string name = text_of(event, "event");
  return name == "delivery" ? text_of(event, "outcome") : name;
}

// The part of "7d" after the number, as milliseconds per unit; 0 when unknown.
std::int64_t unit_ms(std::string_view unit) {
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 3600 * 1000;
  if (unit == "d") return 24 * 3600 * 1000;
  return 0;
}

// Prints the entries that pass the filter; returns how many.
void print_entries(const std::vector<LogEntry>& entries, const LogsOptions& options, bool json) {
  for (const auto& entry : entries) {
    const auto event = nlohmann::json::parse(entry.line, nullptr, false);
    if (!event.is_object() || !log_event_matches(event, options)) continue;
    std::cout << (json ? entry.line : log_event_line(event)) << "\n";
  }
  std::cout.flush();
}

}  // namespace

std::vector<std::string> log_states() {
  std::vector<std::string> states;
  for (CompletionOutcome outcome : {CompletionOutcome::delivered, CompletionOutcome::retry,
                                    CompletionOutcome::rate_limited, CompletionOutcome::needs_auth,
                                    CompletionOutcome::dead}) {
    states.emplace_back(to_string(outcome));
  }
  states.emplace_back("stale");  // a result the ledger refused (daemon/delivery_log.h)
  for (const char* event : {"admitted", "duplicate", "held", "rejected", "conflict", "corrected"}) {
    states.emplace_back(event);
  }
  states.emplace_back("operator");
  return states;
}

std::expected<std::int64_t, std::string> parse_since(std::string_view text, std::int64_t now_ms) {
  std::int64_t amount = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (ec == std::errc() && amount >= 0) {
    const std::int64_t per = unit_ms(std::string_view(end, text.data() + text.size() - end));
    if (per > 0) return now_ms - amount * per;
  }
  auto at = release_detail::parse_iso_timestamp(text);
  if (at) return at->unix_seconds * 1000;
  return std::unexpected("--since '" + std::string(text) +
                         "': give an age (90s, 30m, 2h, 7d) or a time with its offset "
                         "(2026-12-10T08:00:00+08:00): " + at.error());
}

bool log_event_matches(const nlohmann::json& event, const LogsOptions& filter) {
  if (!filter.release.empty() && text_of(event, "release") != filter.release) return false;
  if (!filter.channel.empty() && text_of(event, "channel") != filter.channel) return false;
  if (!filter.account.empty() && text_of(event, "destination") != filter.account) return false;
  if (!filter.state.empty() && state_of(event) != filter.state) return false;
  return true;
}

std::string log_event_line(const nlohmann::json& event) {
  std::string state = state_of(event);
  if (state == "stale") state += " (reported " + text_of(event, "reported") + ")";
  std::string line = text_of(event, "time") + "  " + state + "  " + text_of(event, "release");
  if (text_of(event, "event") == "delivery") {
    line += "  " + text_of(event, "channel") + "/" + text_of(event, "destination") + "  attempt " +
            text_of(event, "attempt");
    for (const char* field : {"post_id", "url", "note"}) {
      if (const std::string v = text_of(event, field); !v.empty()) line += "  " + v;
    }
    if (const std::string error = text_of(event, "error"); !error.empty()) {
      line += "  " + text_of(event, "error_kind") + ": " + error;
    }
  } else if (text_of(event, "event") == "operator") {
    line += "  " + text_of(event, "action") + " by " + text_of(event, "by") + " (" + text_of(event, "via") + ")";
    for (const char* field : {"channel", "account", "ids", "due", "reason"}) {
      if (const std::string v = text_of(event, field); !v.empty()) line += "  " + std::string(field) + " " + v;
    }
  } else if (const std::string detail = text_of(event, "detail"); !detail.empty()) {
    line += "  " + detail;
  }
  return line;
}

int logs(const Context& ctx, const LogsOptions& options) {
  auto config = load_config(ctx.config_path);
  if (!config) {
    std::cerr << "fabuctl: cannot use config " << ctx.config_path << ":\n";
    for (const auto& e : config.error()) std::cerr << "  " << e.to_string() << "\n";
    return 2;
  }
  if (!options.channel.empty()) {
    std::string known;
    bool found = false;
    for (const auto& channel : (*config)->channels) {
      found = found || channel.name == options.channel;
      known += (known.empty() ? "" : ", ") + channel.name;
    }
    if (!found) {
      std::cerr << "fabuctl logs: --channel: no channel '" << options.channel << "' in " << ctx.config_path
                << " (configured: " << known << ")\n";
      return 2;
    }
  }
  std::string from = "-";
  if (!options.since.empty()) {
    auto since = parse_since(options.since, unix_now_ms());
    if (!since) {
      std::cerr << "fabuctl logs: " << since.error() << "\n";
      return 2;
    }
    from = std::to_string(std::max<std::int64_t>(*since, 0));
  }
  if ((*config)->daemon.log_stream_max == 0) {
    std::cerr << "fabuctl logs: note: daemon.log_stream_max = 0 in " << ctx.config_path
              << ": fabud keeps no events in Redis; its log file has them\n";
  }
  LedgerLog stream((*config)->redis, std::max<std::int64_t>((*config)->daemon.log_stream_max, 1));
  std::string last;  // id of the last entry seen
  for (;;) {
    auto page = stream.range(from, kPage);
    if (!page) {
      std::cerr << "fabuctl logs: cannot read the log from redis: " << page.error().message << "\n";
      return 1;
    }
    print_entries(*page, options, ctx.json);
    if (page->empty()) break;
    last = page->back().id;
    from = next_stream_id(last);
    if (page->size() < kPage) break;
  }
  if (!options.follow) return 0;
  if (last.empty()) last = from == "-" ? "0" : from;
  for (;;) {
    auto fresh = stream.read_after(last, std::chrono::seconds(5), kPage);
    if (!fresh) {
      std::cerr << "fabuctl logs: cannot read the log from redis: " << fresh.error().message << "\n";
      return 1;
    }
    print_entries(*fresh, options, ctx.json);
    if (!fresh->empty()) last = fresh->back().id;
  }
}

}  // namespace fabu::cli
