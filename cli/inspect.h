// fabuctl inspect: inspection readiness (daemon/readiness.h): idle accounts, tokens about to expire,
// stale portal columns, broken portal links, one row each. Exit codes: 0 nothing fails (warnings
// allowed), 1 a check fails, 2 bad config; Redis unreachable is 1 too, with the reason on stderr.
#pragma once

#include "cli/commands.h"

namespace fabu::cli {

// A table (CHECK, CHANNEL, TARGET, DAYS, LIMIT, VERDICT, DETAIL) and a summary line; with ctx.json one
// object {"verdict", "findings": [{"check","channel","target","days","limit_days","verdict","detail"}]}
// ("days" null when nothing was recorded).
int inspect(const Context& ctx);

}  // namespace fabu::cli
