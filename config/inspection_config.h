// Reading `[inspection]` of fabu.toml into InspectionRules (core/inspection.h). Private to config/.
#pragma once

#include <string>

#include "config/config.h"

namespace fabu {

// Records a ConfigError (file:line:column) for every problem and keeps the default for that key.
// `[inspection.column_days]`, when present, replaces the default column list whole.
void read_inspection(const toml::table& table, const std::string& file, ConfigErrors& errors, InspectionRules& out);

}  // namespace fabu
