#include "dashboard/log_digest.h"

#include <charconv>
#include <set>

#include <nlohmann/json.hpp>

namespace fabu {
namespace {

using nlohmann::json;

std::string string_field(const json& line, const char* name) {
  const auto it = line.find(name);
  return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json parse_object(const std::string& text) {
  json line = json::parse(text, nullptr, false);
  return line.is_object() ? line : json();
}

bool is_intake_event(const std::string& event) {
  static const std::set<std::string> kIntake = {"admitted", "duplicate", "held",  "rejected",
                                                "conflict", "corrected", "stale"};
  return kIntake.contains(event);
}

}  // namespace

std::int64_t stream_id_ms(const std::string& id) {
  std::int64_t ms = 0;
  const auto dash = id.find('-');
  const char* last = id.data() + (dash == std::string::npos ? id.size() : dash);
  const auto [ptr, ec] = std::from_chars(id.data(), last, ms);
  return ec == std::errc() && ptr == last ? ms : 0;
}

OutcomeCounts count_outcomes(const std::vector<LogEntry>& entries, std::int64_t since_ms) {
  OutcomeCounts out;
  for (const auto& entry : entries) {
    if (stream_id_ms(entry.id) < since_ms) continue;
    const json line = parse_object(entry.line);
    if (line.is_null()) continue;
    const std::string event = string_field(line, "event");
    if (event == "delivery") {
      const std::string outcome = string_field(line, "outcome");
      if (!outcome.empty()) ++out.deliveries[outcome];
    } else if (is_intake_event(event)) {
      ++out.intake[event];
    }
  }
  return out;
}

std::vector<RecentRelease> recent_releases(const std::vector<LogEntry>& entries, std::size_t limit) {
  std::vector<RecentRelease> out;
  std::set<std::string> seen;
  for (auto it = entries.rbegin(); it != entries.rend() && out.size() < limit; ++it) {
    const json line = parse_object(it->line);
    if (line.is_null()) continue;
    const std::string event = string_field(line, "event");
    if (event != "admitted" && event != "corrected") continue;
    std::string id = string_field(line, "release");
    if (id.empty() || !seen.insert(id).second) continue;
    out.push_back({std::move(id), stream_id_ms(it->id)});
  }
  return out;
}

}  // namespace fabu
