// fabuctl instances: the fabud instances that announce themselves on the configured Redis
// (queue/instance_registry.h), with their version, host, pid and state.
#pragma once

#include "cli/commands.h"

namespace fabu::cli {

// Prints one line per instance, sorted by name: INSTANCE, STATE (running, stopped, silent), VERSION
// (with the source revision), HOST, PID, STARTED, LAST SEEN; then, when instances that run report
// different versions, a line saying so. `--json`: an array of {name, state, version, revision, host,
// pid, started_ms, seen_ms, stopped_ms}. Returns 0, 1 when Redis cannot be read, 2 on a bad config.
int instances(const Context& ctx);

}  // namespace fabu::cli
