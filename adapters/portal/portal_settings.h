// PortalSettings: a validated `[channels.<name>]` table of type "portal", plus the naming rules the
// whole portal shares (where an article lives, what its 索引号 is, how dates are shown).
//
// Internal to adapters/portal. Immutable once built; share as `const` across threads.
// All dates shown on the portal are Beijing time (Asia/Shanghai, UTC+8, no daylight saving): 发布日期 is
// the day the article was first written to the portal, as the press office sees it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/release.h"

namespace fabu::portal {

struct Column {
  std::string id;    // [a-z0-9_]+, the folder name and what releases name in targets.<channel>
  std::string name;  // e.g. 通知公告
};

struct PortalSettings {
  std::string channel;      // the channel's name in fabu.toml, e.g. "portal"
  std::string output_dir;   // resolved against the config file's folder
  std::string base_url;     // http(s), no trailing slash
  std::string site_name;
  std::string org_code;
  std::string index_pattern = "{org}-{year}-{serial:6}";
  int page_size = 20;
  int max_in_flight = 1;
  std::vector<Column> columns;

  const Column* column(std::string_view id) const;
};

// Validates `table` into settings, appending every problem to `errors` (with file:line:column).
// `config_file` is the path of the file the table came from; a relative output_dir is relative to
// its folder.
PortalSettings read_portal_settings(const ChannelConfig& channel, const std::string& config_file,
                                    ConfigErrors& errors);

// "" when `pattern` uses only {org}, {year}, {serial} and {serial:N} (N 1..12); else the reason.
std::string check_index_pattern(std::string_view pattern);

// The 索引号 of a release: the pattern with its placeholders filled. REQUIRES: a checked pattern.
std::string format_index_number(std::string_view pattern, std::string_view org, int year, std::int64_t serial);

// Beijing-time calendar parts of a unix-ms instant.
struct BeijingTime {
  int year, month, day, hour, minute, second;
};
BeijingTime beijing_time(std::int64_t unix_ms);
std::string beijing_date(std::int64_t unix_ms);      // "2026-05-01"
std::string beijing_rfc3339(std::int64_t unix_ms);   // "2026-05-01T09:30:00+08:00"
std::string iso_date(const Date& date);              // "2026-05-01"

// Where a release's article page lives, relative to output_dir: "<column>/<YYYY>/<release id>.html".
// Depends only on the release (its first column and formed_at's year), so it is known before delivery
// and never changes.
std::string article_path(std::string_view first_column, const Release& release);

// True for the release ids fabu accepts ([A-Za-z0-9._-]{1,64}), which are also safe file names here.
bool is_safe_release_id(std::string_view id);

}  // namespace fabu::portal
