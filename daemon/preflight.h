// Preflight: what `fabud --check` looks at before a deployment, a restart or an upgrade, without
// sending anything to a platform.
//
//   - the config (already parsed and every channel built by the caller) and its warnings;
//   - each channel's own needs (Adapter::check: e.g. the portal folder is writable by this user);
//   - every account's token: expired is a problem, expiring within daemon.token_warn_days a warning;
//   - unless offline: Redis answers with these credentials, keeps an append-only file, and every
//     token set at run time opens with redis.token_key.
// Runs on the calling thread; opens and closes its own Redis connection.
#pragma once

#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "config/config.h"
#include "daemon/channel_set.h"

namespace fabu {

struct PreflightReport {
  std::vector<CheckFinding> findings;
  bool passed() const;
};

PreflightReport run_preflight(const Config& config, const ChannelSet& channels, bool offline, const Date& today);

}  // namespace fabu
