#include "cli/roster.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/table.h"

namespace fabu::cli {

int roster(const Context& ctx) {
  auto config = load_config(ctx.config_path);
  if (!config) {
    std::cerr << "fabuctl: cannot use config " << ctx.config_path << ":\n";
    for (const auto& e : config.error()) std::cerr << "  " << e.to_string() << "\n";
    return 2;
  }
  const auto& people = (*config)->spokespersons;
  nlohmann::json levels = nlohmann::json::array();
  for (const auto level : kSpokespersonLevels) {
    nlohmann::json entries = nlohmann::json::array();
    TextTable table({"id", "name", "title", "unit"});
    for (const auto& p : people) {
      if (p.level != level) continue;
      entries.push_back({{"id", p.id}, {"name", p.name}, {"title", p.title}, {"unit", p.unit}});
      table.add({p.id, p.name, p.title, p.unit});
    }
    if (!ctx.json) {
      std::cout << to_string(level) << ": " << entries.size() << "\n";
      if (!table.empty()) std::cout << table.render() << "\n";
    }
    levels.push_back({{"level", to_string(level)}, {"count", entries.size()}, {"spokespersons", std::move(entries)}});
  }
  if (ctx.json) {
    std::cout << nlohmann::json{{"total", people.size()}, {"levels", std::move(levels)}}.dump(2) << "\n";
  } else {
    std::cout << "total: " << people.size() << "\n";
  }
  return 0;
}

}  // namespace fabu::cli
