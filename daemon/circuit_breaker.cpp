#include "daemon/circuit_breaker.h"

#include <algorithm>

namespace fabu {

CircuitBreaker::CircuitBreaker(int threshold, std::chrono::milliseconds cooloff, std::chrono::milliseconds probe_wait)
    : threshold_(std::max(threshold, 0)),
      cooloff_ms_(std::max<std::int64_t>(cooloff.count(), 1)),
      probe_wait_ms_(std::clamp<std::int64_t>(probe_wait.count(), 1, cooloff_ms_)) {}

CircuitBreaker::State CircuitBreaker::state(std::int64_t now_ms) const {
  if (!open_) return State::closed;
  return now_ms < open_until_ms_ ? State::open : State::half_open;
}

CircuitBreaker::Admission CircuitBreaker::admit(std::int64_t now_ms) {
  switch (state(now_ms)) {
    case State::closed:
      return {};
    case State::open:
      return {false, false, open_until_ms_};
    case State::half_open:
      if (probe_out_) return {false, false, now_ms + probe_wait_ms_};
      probe_out_ = true;
      return {true, true, 0};
  }
  return {};
}

CircuitBreaker::Change CircuitBreaker::record_success() {
  failures_ = 0;
  probe_out_ = false;
  if (!open_) return Change::none;
  open_ = false;
  open_until_ms_ = 0;
  return Change::closed;
}

CircuitBreaker::Change CircuitBreaker::record_failure(std::int64_t now_ms) {
  ++failures_;
  if (threshold_ == 0) return Change::none;
  if (open_ && now_ms < open_until_ms_) return Change::none;  // sent before it opened: already counted in
  if (!open_ && failures_ < threshold_) return Change::none;
  // Reaching the threshold, or a failure once the cool-off is over (the probe's): (re)open.
  const bool was_open = open_;
  open_ = true;
  open_until_ms_ = now_ms + cooloff_ms_;
  probe_out_ = false;
  return was_open ? Change::reopened : Change::opened;
}

}  // namespace fabu
