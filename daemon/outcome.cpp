#include "daemon/outcome.h"

#include <string>

namespace fabu {

Completion decide_completion(const ClaimedDelivery& delivery, const Result<DeliveryReceipt>& result,
                             const RetryPolicy& policy, std::int64_t now_ms, double unit_random) {
  Completion c;
  c.id = delivery.id;
  c.attempt = delivery.attempt;
  if (result) {
    c.outcome = CompletionOutcome::delivered;
    c.receipt = *result;
    return c;
  }
  const Error& e = result.error();
  c.error = e.message;
  c.error_kind = std::string(to_string(e.kind));
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
      c.next_at_ms = now_ms + std::max(retry_delay(delivery.attempt, policy, unit_random),
                                       std::min(e.retry_after.value_or(std::chrono::milliseconds(0)), kLongestPlatformWait))
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

}  // namespace fabu
