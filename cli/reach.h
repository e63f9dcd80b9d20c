// fabuctl reach: a release's reach per account over time, read from Redis (queue/reach_book.h).
#pragma once

#include <string>

#include "cli/commands.h"

namespace fabu::cli {

// Prints, per account the release went to, the post, the account's followers at delivery and now, and
// reposts/comments/likes at each checkpoint (+1h ... +7d); with ctx.json one JSON object. Also the
// app's reach calls in the current hour. Returns 0, 1 when Redis fails or nothing was recorded for
// the release, 2 for a bad config.
int reach(const Context& ctx, const std::string& release_id);

}  // namespace fabu::cli
