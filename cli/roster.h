// fabuctl roster: the spokespersons of `[[spokespersons]]`, grouped by level with counts.
#pragma once

#include "cli/commands.h"

namespace fabu::cli {

// Prints each level (city, department, county, zone) with its count and its spokespersons in file
// order, then the total; `--json`: {"total", "levels": [{"level", "count", "spokespersons": [...]}]}.
// Returns 0, or 2 when the config cannot be used.
int roster(const Context& ctx);

}  // namespace fabu::cli
