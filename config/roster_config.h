// Reading `[[spokespersons]]` and `[calendar]` of fabu.toml. Private to config/.
#pragma once

#include <string>

#include "config/config.h"

namespace fabu {

// Records a ConfigError (file:line:column, field, reason) for every problem; a bad entry is left out.
void read_spokespersons(const toml::array& entries, const std::string& file, ConfigErrors& errors,
                        std::vector<Spokesperson>& out);
void read_calendar(const toml::table& table, const std::string& file, ConfigErrors& errors, CalendarConfig& out);

}  // namespace fabu
