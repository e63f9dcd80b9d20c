// fabuctl logs: the delivery log as kept in Redis (the stream `log`, queue/ledger_log.h), filtered,
// one line per event, or the raw JSON objects; --follow waits for new events like `tail -f`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cli/commands.h"

namespace fabu::cli {

struct LogsOptions {
  std::string release;  // only this release's events
  std::string channel;  // only deliveries on this channel ("microblog", "portal")
  std::string account;  // only deliveries to this destination (account id, or the portal's column set)
  std::string state;    // only this outcome ("delivered", "dead", ...) or intake event ("rejected", ...)
  std::string since;    // only events at or after: "2026-12-10T08:00:00+08:00", or an age "90s", "30m", "2h", "7d"
  bool follow = false;  // after the events so far, wait for new ones until interrupted
};

// What --state may name: the outcomes of deliveries as the ledger names them (queue/ledger_names.cpp)
// and "stale", the intake's events (daemon/delivery_log.h), and "operator".
std::vector<std::string> log_states();

// "30m" -> now - 30 minutes; an ISO 8601 time with offset -> that time; as Unix ms. The error says
// what is accepted.
std::expected<std::int64_t, std::string> parse_since(std::string_view text, std::int64_t now_ms);

// True when the event passes every filter that is set (since is checked on the stream id, not here).
bool log_event_matches(const nlohmann::json& event, const LogsOptions& filter);

// One human line: time, level-dependent outcome or event, release, channel/destination and the
// details (attempt, post id, url, error).
std::string log_event_line(const nlohmann::json& event);

// Exit 0, 1 when Redis fails, 2 on a bad --since.
int logs(const Context& ctx, const LogsOptions& options);

}  // namespace fabu::cli
