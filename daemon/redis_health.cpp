#include "daemon/redis_health.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace fabu {

void RedisHealth::report_failure(std::string_view who, const Error& error) {
  if (!up_.load()) return;
  std::lock_guard lock(mu_);
  if (!up_.exchange(false)) return;
  down_since_ = std::chrono::steady_clock::now();
  spdlog::error("redis unavailable ({}: {}); retrying with backoff, no work is lost meanwhile", who, error.message);
}

void RedisHealth::report_success() {
  if (up_.load()) return;
  std::lock_guard lock(mu_);
  if (up_.exchange(true)) return;
  const auto down_for = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - down_since_);
  spdlog::info("redis available again after {} ms; resuming", down_for.count());
}

std::chrono::milliseconds redis_retry_delay(int consecutive_failures) {
  const int shift = std::clamp(consecutive_failures - 1, 0, 6);
  return std::min(std::chrono::milliseconds(100 << shift), std::chrono::milliseconds(5000));
}

}  // namespace fabu
