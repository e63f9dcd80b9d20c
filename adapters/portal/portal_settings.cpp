// Validation of the portal's config table and the portal's naming rules.
#include "adapters/portal/portal_settings.h"

#include <chrono>
#include <set>

#include <fmt/format.h>

namespace fabu::portal {
namespace {

bool is_column_id(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string strip_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

bool is_http_url(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://"}) {
    const bool clean = url.find_first_of(" \t\r\n\"<>") == std::string_view::npos;
    if (url.starts_with(scheme) && url.size() > scheme.size() && clean) return true;
  }
  return false;
}

void read_columns(TableReader& reader, const toml::table& table, PortalSettings& settings) {
  const toml::array* columns = reader.array("columns");
  if (columns == nullptr) {
    if (!table.contains("columns"))
      reader.error_at(&table, reader.path("columns") + ": required: at least one [[columns]] table");
    return;
  }
  if (columns->empty()) {
    reader.error_at(columns, reader.path("columns") + ": must list at least one column");
    return;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < columns->size(); ++i) {
    const std::string prefix = fmt::format("{}[{}]", reader.path("columns"), i);
    const toml::node& item = (*columns)[i];
    const toml::table* column_table = item.as_table();
    if (column_table == nullptr) {
      reader.error_at(&item, prefix + ": must be a table with id and name");
      continue;
    }
    TableReader column_reader(*column_table, reader.file(), prefix, reader.errors());
    Column column;
    column.id = column_reader.string("id", {}, true);
    column.name = column_reader.string("name", {}, true);
    column_reader.reject_unknown({"id", "name"});
    const toml::node* id_node = column_table->get("id");
    if (id_node != nullptr && id_node->is_string()) {
      if (!is_column_id(column.id)) {
        reader.error_at(id_node, prefix + ".id: '" + column.id + "' must match [a-z0-9_]+");
      } else if (!seen.insert(column.id).second) {
        reader.error_at(id_node, prefix + ".id: duplicate column id '" + column.id + "'");
      }
    }
    settings.columns.push_back(std::move(column));
  }
}

}  // namespace

const Column* PortalSettings::column(std::string_view id) const {
  for (const auto& c : columns) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

PortalSettings read_portal_settings(const ChannelConfig& channel, const std::string& config_file,
                                    ConfigErrors& errors) {
  const toml::table& table = channel.table;
  TableReader reader(table, config_file, "channels." + channel.name, errors);
  PortalSettings settings;
  settings.channel = channel.name;

  settings.output_dir = reader.file_path("output_dir", {}, true);

  const std::string base_url = reader.string("base_url", {}, true);
  if (const toml::node* node = table.get("base_url"); node != nullptr && node->is_string() && !is_http_url(base_url))
    reader.error_at(node, reader.path("base_url") + ": must be an http:// or https:// URL, got '" + base_url + "'");
  settings.base_url = strip_trailing_slashes(base_url);

  settings.site_name = reader.string("site_name", {}, true);
  settings.org_code = reader.string("org_code", {}, true);
  settings.index_pattern = reader.string("index_pattern", settings.index_pattern);
  if (const toml::node* node = table.get("index_pattern"); node != nullptr && node->is_string()) {
    if (std::string reason = check_index_pattern(settings.index_pattern); !reason.empty())
      reader.error_at(node, reader.path("index_pattern") + ": " + reason);
  }
  settings.page_size = static_cast<int>(reader.integer("page_size", 20, 1, 200));
  settings.max_in_flight = static_cast<int>(reader.integer("max_in_flight", 1, 1, 64));
  read_columns(reader, table, settings);
  reader.reject_unknown({"type", "output_dir", "base_url", "site_name", "org_code", "index_pattern", "page_size",
                         "max_in_flight", "columns"});
  return settings;
}

// Placeholders are {org}, {year}, {serial} and {serial:N}. Everything else is literal text; a lone
// brace is an error because it is almost always a typo for a placeholder.
std::string check_index_pattern(std::string_view pattern) {
  bool has_serial = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '}') return fmt::format("unmatched '}}' at offset {}", i);
    if (pattern[i] != '{') continue;
    const std::size_t close = pattern.find('}', i);
    if (close == std::string_view::npos) return fmt::format("unmatched '{{' at offset {}", i);
    const std::string_view name = pattern.substr(i + 1, close - i - 1);
    if (name == "serial") {
      has_serial = true;
    } else if (name.starts_with("serial:")) {
      const std::string_view width = name.substr(7);
      int value = 0;
      bool digits = !width.empty() && width.size() <= 2;
      for (char c : width) {
        if (c < '0' || c > '9') digits = false;
        else value = value * 10 + (c - '0');
      }
      if (!digits || value < 1 || value > 12)
        return "the width in '{" + std::string(name) + "}' must be a number from 1 to 12";
      has_serial = true;
    } else if (name != "org" && name != "year") {
      return "unknown placeholder '{" + std::string(name) + "}' (known: {org}, {year}, {serial}, {serial:N})";
    }
    i = close;
  }
  // Without the serial two releases of one year would share an index number.
  if (!has_serial) return "must contain {serial} or {serial:N} so that index numbers are unique";
  return {};
}

std::string format_index_number(std::string_view pattern, std::string_view org, int year, std::int64_t serial) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      out += pattern[i];
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    if (close == std::string_view::npos) {
      out.append(pattern.substr(i));
      break;
    }
    const std::string_view name = pattern.substr(i + 1, close - i - 1);
    if (name == "org") {
      out.append(org);
    } else if (name == "year") {
      out += fmt::format("{:04}", year);
    } else if (name.starts_with("serial")) {
      int width = 0;
      if (name.size() > 7) {
        for (char c : name.substr(7)) width = width * 10 + (c - '0');
      }
      out += width > 0 ? fmt::format("{:0{}}", serial, width) : std::to_string(serial);
    }
    i = close;
  }
  return out;
}

BeijingTime beijing_time(std::int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> instant{milliseconds(unix_ms) + hours(8)};
  const sys_days day = floor<days>(instant);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> clock{floor<seconds>(instant - day)};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(clock.hours().count()),
          static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count())};
}

std::string beijing_date(std::int64_t unix_ms) {
  const BeijingTime t = beijing_time(unix_ms);
  return fmt::format("{:04}-{:02}-{:02}", t.year, t.month, t.day);
}

std::string beijing_rfc3339(std::int64_t unix_ms) {
  const BeijingTime t = beijing_time(unix_ms);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00", t.year, t.month, t.day, t.hour, t.minute, t.second);
}

std::string iso_date(const Date& date) { return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day); }

std::string article_path(std::string_view first_column, const Release& release) {
  return fmt::format("{}/{:04}/{}.html", first_column, release.formed_at.year, release.id);
}

bool is_safe_release_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace fabu::portal
