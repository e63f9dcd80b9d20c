#include "cli/operator_log.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "config/config.h"
#include "daemon/delivery_log.h"
#include "queue/ledger_log.h"

namespace fabu::cli {
namespace {

std::string os_user() {
  if (const char* sudo = std::getenv("SUDO_USER"); sudo != nullptr && *sudo != '\0') return sudo;
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) return pw->pw_name;
  return "uid " + std::to_string(geteuid());
}

}  // namespace

void record_action(const Context& ctx, std::string_view action, const nlohmann::json& fields) {
  auto config = load_config(ctx.config_path);
  if (!config || (*config)->daemon.log_stream_max <= 0) return;
  LedgerLog stream((*config)->redis, (*config)->daemon.log_stream_max);
  const std::string line = stream_line(operator_event(action, os_user(), "fabuctl", fields), spdlog::level::info);
  if (auto sent = stream.append({line}); !sent) {
    std::cerr << "fabuctl: done, but the log stream did not take the record of it: " << sent.error().message << "\n";
  }
}

}  // namespace fabu::cli
