// Retry backoff: how long a failed delivery waits before its next attempt.
//
// Exponential backoff with a cap and symmetric jitter. Pure functions of their arguments (the caller
// supplies the random draw), so they are thread-safe and deterministic under test.
#pragma once

#include <chrono>
#include <string>

namespace fabu {

// The daemon builds this from the [retry] section of the config (core does not depend on config/).
struct RetryPolicy {
  int max_attempts = 8;                        // attempts in all, the first one included
  std::chrono::milliseconds base{2000};        // delay after the first failure
  std::chrono::milliseconds cap{std::chrono::minutes(10)};  // longest delay before jitter
  double jitter = 0.2;                         // 0.2 = each delay is scaled by a factor in [0.8, 1.2]
  // A send that may have reached the platform (a timeout or reset after the request went out) is
  // looked for again no sooner than this: Weibo may show an accepted post 1-2 minutes late, and a
  // look before then finds nothing and posts again. 0 = the backoff alone.
  std::chrono::milliseconds in_doubt_wait{std::chrono::minutes(2)};
};

// Delay before the attempt that follows failure number `attempt` (1 = the first failure):
// min(cap, base * 2^(attempt-1)) scaled by (1 + jitter * (2 * unit_random - 1)).
// unit_random is a uniform draw from [0, 1]; values outside are clamped, as are attempt < 1 (to 1) and
// jitter outside [0, 1]. The result is never negative and never above cap * (1 + jitter).
std::chrono::milliseconds retry_delay(int attempt, const RetryPolicy& policy, double unit_random);

// The schedule `policy` produces, as a Markdown table (failure number, delay without jitter, range with
// jitter, total waited so far), for the operator documentation.
std::string describe_schedule(const RetryPolicy& policy);

}  // namespace fabu
