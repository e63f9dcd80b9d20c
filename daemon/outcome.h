// What a delivery's result means for its next state: the retry policy in one pure function.
#pragma once

#include <cstdint>

#include "adapters/adapter.h"
#include "core/backoff.h"
#include "queue/delivery_ledger.h"

namespace fabu {

// Rate-limit replies without a stated wait come back after this long.
inline constexpr std::chrono::milliseconds kDefaultRateLimitWait{60000};
// A platform's stated wait (Retry-After) is honoured up to this; a bogus header must not park an
// account for days. Weibo's own windows are hourly.
inline constexpr std::chrono::milliseconds kLongestPlatformWait{std::chrono::hours(1)};

// `unit_random` in [0, 1) draws the jitter. Transient failures retry on the backoff schedule until
// max_attempts, then die; rate limits wait without spending an attempt; auth parks the account;
// permanent, config and invalid errors die at once.
Completion decide_completion(const ClaimedDelivery& delivery, const Result<DeliveryReceipt>& result,
                             const RetryPolicy& policy, std::int64_t now_ms, double unit_random);

}  // namespace fabu
