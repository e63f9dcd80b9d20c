// Reading `[screen]` of fabu.toml into a ScreenPolicy (core/screen.h). Private to config/.
#pragma once

#include <string>

#include "config/config.h"

namespace fabu {

// Records a ConfigError (file:line:column) for every problem and keeps the default for that key.
void read_screen(const toml::table& table, const std::string& file, ConfigErrors& errors, ScreenPolicy& out);

}  // namespace fabu
