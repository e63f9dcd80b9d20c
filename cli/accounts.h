// fabuctl accounts: the platform accounts of every channel with their state, and replacing a token.
// Exit codes as in commands.h: 0 ok, 1 the operation failed (Redis), 2 bad input or config.
#pragma once

#include <memory>
#include <string>

#include "cli/commands.h"
#include "daemon/channel_set.h"
#include "queue/delivery_ledger.h"

namespace fabu::cli {

// Config, channels (for the accounts) and a Redis connection: what the account verbs and `inspect` need.
struct Setup {
  std::shared_ptr<const Config> config;
  std::shared_ptr<const ChannelSet> channels;
  std::unique_ptr<DeliveryLedger> ledger;
};
// Loads the config, builds its channels and connects; reports on stderr and returns the exit code
// (2 config, 1 Redis) on failure, else 0.
int open_setup(const Context& ctx, Setup& setup);

// One row per account: state (ok, needs_auth, slowed, breaker-open), token expiry, queue, last send.
int accounts(const Context& ctx);

// Reads a new token for `account` from stdin (without echo on a terminal), never prints it, and
// stores it for every fabud; `expires` ("YYYY-MM-DD" or "") is the new token's expiry.
int accounts_set_token(const Context& ctx, const std::string& account, const std::string& channel,
                       const std::string& expires);

}  // namespace fabu::cli
