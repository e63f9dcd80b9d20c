// LogThrottle: at most one log line of a kind per window, the others counted into the next line, so
// that a flood of refused requests (a scanner trying tokens) writes a line a minute, not a line per
// request, and still says how many there were. Private to daemon/ (the API's 401s, api_routes.cpp).
//
// Pure but for its mutex: time is an argument. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

namespace fabu {

class LogThrottle {
 public:
  // REQUIRES: window_ms > 0.
  explicit LogThrottle(std::int64_t window_ms) : window_ms_(window_ms) {}

  // An event at `now_ms`: the number of events left unlogged since the last logged one when this one
  // is to be logged (the first, and then the first once window_ms have passed since the last logged
  // one), nullopt when it is to be left out (and counted).
  std::optional<std::int64_t> admit(std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    if (logged_ms_ && now_ms - *logged_ms_ < window_ms_) {
      ++left_out_;
      return std::nullopt;
    }
    logged_ms_ = now_ms;
    const std::int64_t left_out = left_out_;
    left_out_ = 0;
    return left_out;
  }

 private:
  const std::int64_t window_ms_;
  std::mutex mutex_;
  std::optional<std::int64_t> logged_ms_;  // guarded by mutex_
  std::int64_t left_out_ = 0;              // guarded by mutex_
};

}  // namespace fabu
