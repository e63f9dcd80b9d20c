// Roster: the press office's spokespersons (新闻发言人), as configured in `[[spokespersons]]`.
// Plain values; config/ validates them, conference releases name them by id.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fabu {

// Who a spokesperson speaks for: the city government, a municipal department, a county-level unit
// (district or county), or a development zone.
enum class SpokespersonLevel { city, department, county, zone };

inline constexpr SpokespersonLevel kSpokespersonLevels[] = {SpokespersonLevel::city, SpokespersonLevel::department,
                                                            SpokespersonLevel::county, SpokespersonLevel::zone};

std::string_view to_string(SpokespersonLevel level);                       // "city", "department", ...
std::optional<SpokespersonLevel> parse_spokesperson_level(std::string_view text);

struct Spokesperson {
  std::string id;     // [a-z0-9_-]+, unique in the roster; what releases refer to
  std::string name;   // 姓名
  std::string title;  // full title as printed in a notice, e.g. 市教育局党组成员、副局长
  std::string unit;   // 单位, full name
  SpokespersonLevel level = SpokespersonLevel::department;
  friend bool operator==(const Spokesperson&, const Spokesperson&) = default;
};

}  // namespace fabu
