#include "adapters/weibo/weibo_errors.h"

#include <charconv>
#include <string>

namespace fabu::weibo {

namespace {

// Conservative pauses when the platform says "too fast" without saying for how long: the per-IP and
// per-user limits (10022-10024) reset within the hour window's next slice; 20016 ("posting too fast")
// is the anti-spam brake and wants a longer rest.
constexpr int kPostingTooFastFactor = 5;

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view header) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  long long seconds = 0;
  const auto* end = header.data() + header.size();
  const auto [ptr, ec] = std::from_chars(header.data(), end, seconds);
  // An HTTP-date form is rare on APIs; the default pause covers it.
  if (header.empty() || ec != std::errc() || ptr != end || seconds < 0) return std::nullopt;
  return std::chrono::milliseconds(seconds * 1000);
}

std::string describe(const ReplyFacts& reply) {
  std::string text = "weibo error ";
  if (reply.error_code != 0) {
    text += std::to_string(reply.error_code);
  } else {
    text += "HTTP " + std::to_string(reply.http_status);
  }
  if (!reply.error_text.empty()) text += " " + std::string(reply.error_text);
  text += " for account " + std::string(reply.account);
  return text;
}

}  // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::success: return "success";
    case Outcome::duplicate: return "duplicate";
    case Outcome::rate_limited: return "rate_limited";
    case Outcome::auth: return "auth";
    case Outcome::permanent: return "permanent";
    case Outcome::config: return "config";
    case Outcome::transient: return "transient";
  }
  return "unknown";
}

Outcome classify(int http_status, int error_code) {
  switch (error_code) {
    case 20032: return Outcome::success;
    case 20017: case 20019: case 20111: return Outcome::duplicate;
    case 10022: case 10023: case 10024: case 20016: return Outcome::rate_limited;
    case 21327: case 21315: case 21319: case 21332: case 21301: return Outcome::auth;
    case 20012: case 20018: case 20020: case 20021: case 21602: return Outcome::permanent;
    case 10017: case 10014: return Outcome::config;
    default: break;
  }
  if (http_status >= 500) return Outcome::transient;
  if (error_code == 0 && http_status >= 200 && http_status < 300) return Outcome::success;
  if (error_code == 0 && (http_status == 429 || http_status == 408)) {
    return http_status == 429 ? Outcome::rate_limited : Outcome::transient;
  }
  return Outcome::permanent;
}

Error to_error(const ReplyFacts& reply) {
  const std::string what = describe(reply);
  Error error;
  error.platform_code = reply.error_code;
  switch (classify(reply.http_status, reply.error_code)) {
    case Outcome::rate_limited: {
      error.kind = ErrorKind::rate_limited;
      const auto pause = reply.error_code == 20016 ? reply.rate_limit_wait * kPostingTooFastFactor
                                                   : reply.rate_limit_wait;
      error.retry_after = parse_retry_after(reply.retry_after).value_or(pause);
      error.message = what + ": rate limited, retrying after " +
                      std::to_string(error.retry_after->count() / 1000) + " s";
      break;
    }
    case Outcome::auth:
      error.kind = ErrorKind::auth;
      error.message = what + ": re-authorise the account (its access token is expired, revoked or invalid)";
      break;
    case Outcome::config:
      error.kind = ErrorKind::config;
      error.message = reply.error_code == 10014
                          ? what + ": the API is retired or the app lacks permission: check the app's API access"
                          : what + ": the post needs a link on the app's safe domain: check safe_domain and the "
                                   "release link";
      break;
    case Outcome::transient:
      error.kind = ErrorKind::transient;
      error.message = what + ": platform failure, will retry";
      break;
    case Outcome::permanent:
      error.kind = ErrorKind::permanent;
      if (reply.error_code == 20012) {
        error.message = what + ": text too long (a formatter bug): report it";
      } else if (reply.error_code == 20018 || reply.error_code == 20020 || reply.error_code == 20021 ||
                 reply.error_code == 21602) {
        error.message = what + ": content rejected by the platform: review and edit the release";
      } else {
        error.message = what + ": request rejected: review the delivery";
      }
      break;
    case Outcome::success:
    case Outcome::duplicate:
      // Not failures; a caller asking anyway gets a transient error rather than a silent success.
      error.kind = ErrorKind::transient;
      error.message = what + ": unexpected reply";
      break;
  }
  return error;
}

}  // namespace fabu::weibo
