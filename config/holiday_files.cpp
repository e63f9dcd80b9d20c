#include "config/holiday_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>


namespace fabu {
namespace {

// A TOML date (2026-02-14); anything else is reported at the node.
Date read_date(TableReader& r, const toml::node* node, const std::string& path) {
  if (node == nullptr) {
    r.error_at(nullptr, "missing required key '" + path + "'");
    return {};
  }
  const auto* value = node->as_date();
  if (value == nullptr) {
    r.error_at(node, path + ": expected a date like 2026-02-14 (no quotes)");
    return {};
  }
  const toml::date d = value->get();
  return Date{d.year, d.month, d.day};
}

void read_notice(TableReader& top, const toml::table& document, const std::string& file, HolidayNotice& out) {
  const toml::table* notice = top.table("notice");
  if (notice == nullptr) {
    if (document.get("notice") == nullptr) top.error_at(nullptr, "missing required table [notice]");
    return;
  }
  TableReader r(*notice, file, "notice", top.errors());
  r.reject_unknown({"title", "number", "date"});
  out.title = r.string("title", {}, true);
  out.number = r.string("number", {}, true);
  out.issued = read_date(r, notice->get("date"), "notice.date");
}

void read_holidays(TableReader& top, const std::string& file, HolidayNotice& out) {
  const toml::array* holidays = top.array("holidays");
  if (holidays == nullptr) return;  // from_notices() reports a notice without holidays
  for (std::size_t i = 0; i < holidays->size(); ++i) {
    const std::string path = "holidays[" + std::to_string(i) + "]";
    const auto* table = holidays->get(i)->as_table();
    if (table == nullptr) {
      top.error_at(holidays->get(i), path + ": expected a table ([[holidays]])");
      continue;
    }
    TableReader r(*table, file, path, top.errors());
    r.reject_unknown({"name", "first", "last"});
    HolidayRange range;
    range.name = r.string("name", {}, true);
    range.first = read_date(r, table->get("first"), path + ".first");
    range.last = read_date(r, table->get("last"), path + ".last");
    out.holidays.push_back(std::move(range));
  }
}

std::string read_text(const std::filesystem::path& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  ok = in && (text << in.rdbuf());
  return text.str();
}

}  // namespace

std::expected<HolidayNotice, ConfigErrors> parse_holiday_file(std::string_view text, const std::string& source_name,
                                                              int year_from_name) {
  auto parsed = parse_toml_document(text, source_name);
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  const toml::table& document = *parsed;
  ConfigErrors errors;
  TableReader top(document, source_name, "", errors);
  top.reject_unknown({"year", "working_weekends", "notice", "holidays"});
  HolidayNotice notice;
  notice.year = static_cast<int>(top.integer("year", 0, 1949, 9999));
  if (document.get("year") == nullptr) top.error_at(nullptr, "missing required key 'year'");
  if (year_from_name != 0 && notice.year != 0 && notice.year != year_from_name) {
    top.error_at(document.get("year"), "year: " + std::to_string(notice.year) + " but the file is named " +
                                           std::to_string(year_from_name) + ".toml");
  }
  if (const toml::array* weekends = top.array("working_weekends")) {
    for (std::size_t i = 0; i < weekends->size(); ++i) {
      notice.working_weekends.push_back(
          read_date(top, weekends->get(i), "working_weekends[" + std::to_string(i) + "]"));
    }
  }
  read_notice(top, document, source_name, notice);
  read_holidays(top, source_name, notice);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  // The rules that need the whole notice (dates inside the year, weekends on weekends) are core's.
  if (auto checked = WorkingCalendar::from_notices({notice}); !checked) {
    for (const auto& e : checked.error()) {
      const std::string path = e.path.substr(std::min(e.path.size(), e.path.find('.') + 1));
      errors.push_back(ConfigError{source_name, 0, 0, (path.empty() ? e.path : path) + ": " + e.reason});
    }
    return std::unexpected(std::move(errors));
  }
  return notice;
}

std::expected<WorkingCalendar, ConfigErrors> load_working_calendar(const std::string& folder) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (std::regex_match(name, std::regex("[0-9]{4}\\.toml"))) files.push_back(it->path());
  }
  if (ec) return std::unexpected(ConfigErrors{ConfigError{folder, 0, 0, "cannot read the folder: " + ec.message()}});
  std::sort(files.begin(), files.end());
  ConfigErrors errors;
  std::vector<HolidayNotice> notices;
  for (const auto& path : files) {
    bool ok = false;
    const std::string text = read_text(path, ok);
    if (!ok) {
      errors.push_back(ConfigError{path.string(), 0, 0, "cannot read the file"});
      continue;
    }
    auto notice = parse_holiday_file(text, path.string(), std::stoi(path.stem().string()));
    if (notice) {
      notices.push_back(std::move(*notice));
    } else {
      errors.insert(errors.end(), notice.error().begin(), notice.error().end());
    }
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  auto calendar = WorkingCalendar::from_notices(std::move(notices));
  if (!calendar) {  // each file was checked alone: only "given twice" is left, which names cannot cause
    return std::unexpected(ConfigErrors{ConfigError{folder, 0, 0, join(calendar.error())}});
  }
  return std::move(*calendar);
}

}  // namespace fabu
