// The number of descriptors fabud may hold open at once (RLIMIT_NOFILE), against what its config can
// open. A large fan-out keeps one connection per request in flight to a platform, up to
// http.max_connections_per_host per channel, and Debian starts services (systemd, a login shell) with
// a soft limit of 1024, far below that: past it, connects fail with EMFILE and deliveries wait for
// retries. So fabud raises its soft limit at start, as far as the hard limit allows.
//
// Thread rules: raise_open_files_limit() changes the whole process; call it once from main, before
// any thread opens connections.
#pragma once

#include "config/config.h"
#include "core/error.h"

namespace fabu {

// Descriptors the config may have open at once: max_connections_per_host for each channel (a channel
// talks to one host), the API's max_connections, and 256 for Redis connections, the log and the
// portal's files.
long open_files_wanted(const Config& config);

struct OpenFilesLimit {
  long before = 0;  // the soft limit found at start
  long now = 0;     // the soft limit in force after raise_open_files_limit()
  long hard = 0;    // the ceiling only root (or systemd's LimitNOFILE=) can lift
};

// Raises the soft limit to `wanted`, or to the hard limit when that is lower; never lowers it. An
// error (kind config) when the limits cannot be read or set.
Result<OpenFilesLimit> raise_open_files_limit(long wanted);

}  // namespace fabu
