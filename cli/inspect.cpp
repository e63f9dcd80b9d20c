#include "cli/inspect.h"

#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/accounts.h"
#include "cli/table.h"
#include "core/clock.h"
#include "daemon/account_watch.h"
#include "daemon/readiness.h"

namespace fabu::cli {
namespace {

std::string days_cell(const std::optional<double>& days) {
  if (!days) return "never";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *days);
  return buf;
}

void print_json(const std::vector<InspectionFinding>& findings) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& f : findings) {
    rows.push_back({{"check", to_string(f.check)}, {"channel", f.channel}, {"target", f.target},
                    {"days", f.days ? nlohmann::json(*f.days) : nlohmann::json(nullptr)},
                    {"limit_days", f.limit_days}, {"verdict", to_string(f.verdict)}, {"detail", f.detail}});
  }
  std::cout << nlohmann::json{{"verdict", to_string(worst(findings))}, {"findings", rows}}.dump(2) << "\n";
}

void print_table(const std::vector<InspectionFinding>& findings) {
  TextTable table({"CHECK", "CHANNEL", "TARGET", "DAYS", "LIMIT", "VERDICT", "DETAIL"});
  int warn = 0, failed = 0;
  for (const auto& f : findings) {
    table.add({std::string(to_string(f.check)), f.channel, f.target, days_cell(f.days), std::to_string(f.limit_days),
               std::string(to_string(f.verdict)), f.detail});
    warn += f.verdict == InspectionVerdict::warn ? 1 : 0;
    failed += f.verdict == InspectionVerdict::fail ? 1 : 0;
  }
  std::cout << table.render() << findings.size() << " check(s): " << failed << " fail, " << warn << " warn\n";
}

}  // namespace

int inspect(const Context& ctx) {
  Setup setup;
  if (int rc = open_setup(ctx, setup); rc != 0) return rc;
  auto findings = inspection_findings(*setup.ledger, *setup.channels, unix_now_ms(), today_local());
  if (!findings) {
    std::cerr << "fabuctl: " << findings.error().message << "\n";
    return 1;
  }
  if (ctx.json) {
    print_json(*findings);
  } else {
    print_table(*findings);
  }
  return worst(*findings) == InspectionVerdict::fail ? 1 : 0;
}

}  // namespace fabu::cli
