#include "daemon/outcome.h"

#include <algorithm>
#include <string>

namespace fabu {

namespace {

// Fenced on the claimed attempt: a result for an attempt that is no longer current changes nothing.
Completion completion_of(const ClaimedDelivery& delivery, CompletionOutcome outcome) {
  Completion c;
  c.id = delivery.id;
  c.attempt = delivery.attempt;
  c.outcome = outcome;
  return c;
}

}  // namespace

Completion decide_completion(const ClaimedDelivery& delivery, const Result<DeliveryReceipt>& result,
                             const RetryPolicy& policy, std::int64_t now_ms, double unit_random) {
  Completion c = completion_of(delivery, CompletionOutcome::delivered);
  if (result) {
    c.receipt = *result;
    return c;
  }
  const Error& e = result.error();
  c.error = e.message;
  c.error_kind = failure_kind(e.kind);
  c.maybe_sent = e.may_have_taken_effect;
  switch (e.kind) {
    case ErrorKind::rate_limited:
      c.outcome = CompletionOutcome::rate_limited;
      c.next_at_ms = now_ms + std::min(e.retry_after.value_or(kDefaultRateLimitWait), kLongestPlatformWait).count();
      return c;
    case ErrorKind::auth:
      c.outcome = CompletionOutcome::needs_auth;
      return c;
    case ErrorKind::transient:
      if (delivery.attempt >= policy.max_attempts) {
        c.outcome = CompletionOutcome::dead;
        c.error = "gave up after " + std::to_string(delivery.attempt) + " attempts; last error: " + e.message;
        return c;
      }
      c.outcome = CompletionOutcome::retry;
      c.next_at_ms = now_ms + std::max({retry_delay(delivery.attempt, policy, unit_random),
                                        std::min(e.retry_after.value_or(std::chrono::milliseconds(0)), kLongestPlatformWait),
                                        e.may_have_taken_effect ? policy.in_doubt_wait : std::chrono::milliseconds(0)})
                                  .count();
      return c;
    case ErrorKind::permanent:
    case ErrorKind::config:
    case ErrorKind::invalid:
      c.outcome = CompletionOutcome::dead;
      return c;
  }
  c.outcome = CompletionOutcome::dead;
  return c;
}

Completion breaker_hold(const ClaimedDelivery& delivery, std::int64_t retry_at_ms, std::int64_t now_ms) {
  Completion c = completion_of(delivery, CompletionOutcome::rate_limited);
  c.error_kind = FailureKind::rate_limited;
  c.error = "not sent: the circuit breaker of channel " + delivery.channel +
            " is open after repeated transient failures of its platform; next try in " +
            std::to_string((retry_at_ms - now_ms + 999) / 1000) + " s";
  c.next_at_ms = retry_at_ms;
  return c;
}

Completion returned_unfinished(const ClaimedDelivery& delivery, const std::string& owner, std::int64_t now_ms,
                               std::chrono::milliseconds in_doubt_wait) {
  Completion c = completion_of(delivery, CompletionOutcome::retry);
  c.error = "handed back unfinished when fabud " + owner + " stopped; it may have been sent";
  c.error_kind = FailureKind::returned;
  c.next_at_ms = now_ms + std::max<std::int64_t>(in_doubt_wait.count(), 0);
  c.maybe_sent = true;
  return c;
}

}  // namespace fabu
