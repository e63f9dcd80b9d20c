#include "daemon/worker_health.h"

#include "core/bounded_text.h"

namespace fabu {

void WorkerHealth::report_fatal(std::string_view worker, std::string_view reason) {
  std::lock_guard lock(mu_);
  if (!failure_.empty()) return;
  failure_ = std::string(worker) + ": " + bounded(reason, 1024);
  healthy_.store(false);
}

std::string WorkerHealth::failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

}  // namespace fabu
