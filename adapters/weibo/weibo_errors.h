// What a Weibo API reply means for the sender, and the fabu::Error to report when it is a failure.
//
// The table comes from docs/DOMAIN (Weibo's published error codes plus what each means for a sender).
// Pure functions, thread-safe.
#pragma once

#include <chrono>
#include <string_view>

#include "core/error.h"

namespace fabu::weibo {

// Pause after a rate-limit reply (10022-10024) that says nothing about how long to wait, unless the
// channel sets rate_limit_wait_seconds. 20016 ("posting too fast", the anti-spam brake) rests five
// times as long.
inline constexpr std::chrono::seconds kDefaultRateLimitWait{60};

enum class Outcome {
  success,       // 2xx without an error code, or 20032 (published, shown after a delay)
  duplicate,     // 20017, 20019, 20111: the same post probably exists already: reconcile, never repost
  rate_limited,  // 10022, 10023, 10024, 20016
  auth,          // 21327, 21315, 21319, 21332, 21301
  permanent,     // 20012, 20018, 20020, 20021, 21602 and unknown codes with a 4xx status
  config,        // 10017, 10014
  transient,     // 5xx (known codes aside), no response at all
};

std::string_view to_string(Outcome outcome);

// `error_code` is the reply's "error_code" (0 when the body carries none).
Outcome classify(int http_status, int error_code);

struct ReplyFacts {
  int http_status = 0;
  int error_code = 0;
  std::string_view error_text;   // the reply's "error" field, e.g. "expired_token"
  std::string_view account;      // account id, for the message
  std::string_view retry_after;  // the Retry-After header, "" when absent
  std::chrono::seconds rate_limit_wait = kDefaultRateLimitWait;  // when there is no Retry-After
};

// The Error for a failed reply (REQUIRES: classify() gave neither success nor duplicate). The message
// says what went wrong, for which account, and what a person should do; it never holds a token.
Error to_error(const ReplyFacts& reply);

}  // namespace fabu::weibo
