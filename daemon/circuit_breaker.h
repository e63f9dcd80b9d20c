// CircuitBreaker: stops sending to a destination that keeps failing, as Mastodon does per inbox.
//
// Closed, it counts consecutive transient failures; at `threshold` it opens for `cooloff` and nothing
// is sent. After the cool-off it is half-open: the first request is a probe and the others wait while
// the probe is out; the probe's success closes the breaker, its failure opens it again. Replies that
// show the destination is up (a success, a rejection, a token error) close it and reset the count.
//
// Thread rules: a plain value, not thread-safe; the dispatcher thread owns its breakers. Times are
// passed in (unix ms), so the state machine is pure and tests move the clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace fabu {

class CircuitBreaker {
 public:
  enum class State { closed, open, half_open };
  enum class Change { none, opened, reopened, closed };  // reopened: the probe failed

  struct Admission {
    bool allowed = true;
    bool probe = false;             // this request is the half-open probe
    std::int64_t retry_at_ms = 0;   // when not allowed: when to ask again
  };

  // `threshold` 0 turns the breaker off (everything is allowed). `probe_wait` is how long requests
  // wait while a probe is out.
  CircuitBreaker(int threshold, std::chrono::milliseconds cooloff,
                 std::chrono::milliseconds probe_wait = std::chrono::seconds(1));

  // Asks to send one request now. A half-open breaker admits exactly one probe until a result comes.
  Admission admit(std::int64_t now_ms);
  // A reply that shows the destination works (success or a non-transient error).
  Change record_success();
  // A transient failure (5xx, timeout, reset).
  Change record_failure(std::int64_t now_ms);
  // A result that says nothing about the destination (fabu's own configuration): changes nothing but
  // frees the probe slot, so a probe that ends this way is followed by another.
  void record_other() { probe_out_ = false; }

  State state(std::int64_t now_ms) const;
  int consecutive_failures() const { return failures_; }
  std::int64_t open_until_ms() const { return open_until_ms_; }

 private:
  int threshold_;
  std::int64_t cooloff_ms_;
  std::int64_t probe_wait_ms_;
  int failures_ = 0;
  bool open_ = false;             // opened and not closed since (open or half-open)
  std::int64_t open_until_ms_ = 0;
  bool probe_out_ = false;
};

}  // namespace fabu
