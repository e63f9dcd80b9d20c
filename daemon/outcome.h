// Every Completion the dispatcher records is built here: what a delivery's result means for its next
// state (the retry policy), a circuit breaker's hold, and a delivery handed back unfinished at
// shutdown. Pure functions: time comes in as an argument.
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

// Not sent because the channel's circuit breaker is open until `retry_at_ms`: recorded like a rate
// limit (the attempt is given back and the lane waits until the breaker lets the next request through).
Completion breaker_hold(const ClaimedDelivery& delivery, std::int64_t retry_at_ms, std::int64_t now_ms);

// Still with its adapter when instance `owner` stopped: it may or may not have reached the platform,
// so it goes back in doubt, due after `in_doubt_wait` (RetryPolicy: the platform may show the post
// late), and the next attempt reconciles first. Kind `returned`: not a platform failure, so no
// backoff and no circuit-breaker count.
Completion returned_unfinished(const ClaimedDelivery& delivery, const std::string& owner, std::int64_t now_ms,
                               std::chrono::milliseconds in_doubt_wait);

}  // namespace fabu
