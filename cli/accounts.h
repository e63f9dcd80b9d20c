// fabuctl accounts: the platform accounts of every channel with their state, and replacing a token.
// Exit codes as in commands.h: 0 ok, 1 the operation failed (Redis), 2 bad input or config.
#pragma once

#include <string>

#include "cli/commands.h"

namespace fabu::cli {

// One row per account: state (ok, needs_auth, slowed, breaker-open), token expiry, queue, last send.
int accounts(const Context& ctx);

// Reads a new token for `account` from stdin (without echo on a terminal), never prints it, and
// stores it for every fabud; `expires` ("YYYY-MM-DD" or "") is the new token's expiry.
int accounts_set_token(const Context& ctx, const std::string& account, const std::string& channel,
                       const std::string& expires);

}  // namespace fabu::cli
