// fabuctl verbs. Each returns the process exit code: 0 ok, 1 the operation failed (Redis, not found),
// 2 bad input (invalid release files, bad config).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"

namespace fabu::cli {

struct Context {
  std::string config_path;
  bool json = false;  // machine-readable output where supported
};

// The config at ctx.config_path; nullptr after printing why it cannot be used.
std::shared_ptr<const Config> load_or_report(const Context& ctx);

int submit(const Context& ctx, const std::vector<std::string>& files, bool dry_run);
int status(const Context& ctx, const std::string& release_id);
int rejects(const Context& ctx, int limit);
int held(const Context& ctx, int limit);
int dlq_list(const Context& ctx, int limit);
int dlq_retry(const Context& ctx, const std::vector<std::string>& ids, bool all);
int dlq_drop(const Context& ctx, const std::vector<std::string>& ids);
int lanes(const Context& ctx);

}  // namespace fabu::cli

namespace fabu::cli {

// Blocks until every delivery of every named release has settled (delivered, dead, needs_auth or
// retracted) and every release is admitted or held by the privacy screen, printing progress; exit 3
// when something is dead, parked or held, 1 when the timeout passes first.
int wait(const Context& ctx, const std::vector<std::string>& release_ids, int timeout_seconds);

}  // namespace fabu::cli
