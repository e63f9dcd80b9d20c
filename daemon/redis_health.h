// RedisHealth: whether this instance can reach Redis, shared by its threads.
//
// Every thread reports the outcome of its Redis calls here; the transition (up -> down, down -> up)
// is logged once, not once per retry. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.h"

namespace fabu {

class RedisHealth {
 public:
  void report_failure(std::string_view who, const Error& error);
  void report_success();
  bool up() const { return up_.load(); }

 private:
  std::atomic<bool> up_{true};
  std::mutex mu_;
  std::chrono::steady_clock::time_point down_since_;
};

// Delay before the n-th consecutive Redis retry (n >= 1): 100 ms doubling to 5 s.
std::chrono::milliseconds redis_retry_delay(int consecutive_failures);

}  // namespace fabu
