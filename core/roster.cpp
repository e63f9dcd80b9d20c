#include "core/roster.h"

namespace fabu {

std::string_view to_string(SpokespersonLevel level) {
  switch (level) {
    case SpokespersonLevel::city: return "city";
    case SpokespersonLevel::department: return "department";
    case SpokespersonLevel::county: return "county";
    case SpokespersonLevel::zone: return "zone";
  }
  return "department";
}

std::optional<SpokespersonLevel> parse_spokesperson_level(std::string_view text) {
  for (const auto level : kSpokespersonLevels) {
    if (to_string(level) == text) return level;
  }
  return std::nullopt;
}

}  // namespace fabu
