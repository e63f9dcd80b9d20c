#include "cli/instances.h"

#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/table.h"
#include "core/clock.h"
#include "daemon/instance_json.h"
#include "queue/instance_registry.h"

namespace fabu::cli {
namespace {

std::string version_of(const InstanceRecord& r) {
  if (r.version.empty()) return "?";
  return r.revision.empty() || r.revision == "unknown" ? r.version : r.version + " (" + r.revision + ")";
}

// "4 s ago", "12 min ago", else the local time.
std::string seen_ago(std::int64_t seen_ms, std::int64_t now_ms) {
  if (seen_ms <= 0) return "-";
  const std::int64_t seconds = std::max<std::int64_t>(0, (now_ms - seen_ms) / 1000);
  if (seconds < 120) return std::to_string(seconds) + " s ago";
  if (seconds < 3600) return std::to_string(seconds / 60) + " min ago";
  return format_time_ms(seen_ms);
}

}  // namespace

int instances(const Context& ctx) {
  auto config = load_or_report(ctx);
  if (!config) return 2;
  InstanceRegistry registry(config->redis);
  auto entries = registry.list();
  if (!entries) {
    std::cerr << "fabuctl: cannot read the instance registry at " << config->redis.host << ":" << config->redis.port
              << ": " << entries.error().message << "\n";
    return 1;
  }
  const std::int64_t now = unix_now_ms();
  if (ctx.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *entries) out.push_back(instance_json(r, now));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (entries->empty()) {
    std::cout << "no fabud has announced itself on this Redis (each announces itself every 5 s while it runs)\n";
    return 0;
  }
  TextTable table({"INSTANCE", "STATE", "VERSION", "HOST", "PID", "STARTED", "LAST SEEN", "LANES"});
  std::set<std::string> running_versions;
  for (const auto& r : *entries) {
    const InstanceState state = instance_state(r, now);
    if (state == InstanceState::running) running_versions.insert(version_of(r));
    table.add({r.name, std::string(to_string(state)), version_of(r), r.host.empty() ? "-" : r.host,
               r.pid > 0 ? std::to_string(r.pid) : "-", format_time_ms(r.started_ms), seen_ago(r.seen_ms, now),
               std::to_string(r.lanes)});
  }
  std::cout << table.render();
  if (running_versions.size() > 1) {
    std::cout << "\n" << running_versions.size() << " versions are running:";
    for (const auto& v : running_versions) std::cout << " " << v << ";";
    std::cout << " an upgrade is under way, or an instance was left behind\n";
  }
  return 0;
}

}  // namespace fabu::cli
