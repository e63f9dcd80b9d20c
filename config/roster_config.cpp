#include "config/roster_config.h"

#include <regex>
#include <set>

namespace fabu {

void read_spokespersons(const toml::array& entries, const std::string& file, ConfigErrors& errors,
                        std::vector<Spokesperson>& out) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string path = "spokespersons[" + std::to_string(i) + "]";
    const auto* table = entries.get(i)->as_table();
    if (table == nullptr) {
      errors.push_back(ConfigError{file, static_cast<int>(entries.get(i)->source().begin.line),
                                   static_cast<int>(entries.get(i)->source().begin.column),
                                   path + ": expected a table ([[spokespersons]])"});
      continue;
    }
    TableReader r(*table, file, path, errors);
    const std::size_t before = errors.size();
    r.reject_unknown({"id", "name", "title", "unit", "level"});
    Spokesperson person;
    person.id = r.string("id", {}, true);
    if (!person.id.empty() && !std::regex_match(person.id, std::regex("[a-z0-9_-]{1,64}"))) {
      r.error_at(table->get("id"), r.path("id") + ": '" + person.id + "' must match [a-z0-9_-]{1,64}");
    } else if (!person.id.empty() && !seen.insert(person.id).second) {
      r.error_at(table->get("id"), r.path("id") + ": '" + person.id + "' is already used by another spokesperson");
    }
    person.name = r.string("name", {}, true);
    person.title = r.string("title", {}, true);
    person.unit = r.string("unit", {}, true);
    const std::string level = r.string("level", {}, true);
    if (auto parsed = parse_spokesperson_level(level)) {
      person.level = *parsed;
    } else if (!level.empty()) {
      r.error_at(table->get("level"),
                 r.path("level") + ": '" + level + "' is not one of city, department, county, zone");
    }
    if (errors.size() == before) out.push_back(std::move(person));
  }
}

void read_calendar(const toml::table& table, const std::string& file, ConfigErrors& errors, CalendarConfig& out) {
  TableReader r(table, file, "calendar", errors);
  r.reject_unknown({"holidays_dir"});
  out.holidays_dir = r.file_path("holidays_dir", out.holidays_dir);
  if (table.contains("holidays_dir") && out.holidays_dir.empty()) {
    r.error_at(table.get("holidays_dir"), "calendar.holidays_dir: must not be empty");
  }
}

}  // namespace fabu
