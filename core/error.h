// Error: the value every fallible fabu call returns instead of throwing.
//
// An Error says what the caller should do next (its kind) and carries a message written for the
// person who will read it in a log or in `fabuctl`. Errors are plain values: copyable, thread-agnostic.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace fabu {

enum class ErrorKind {
  transient,     // try again later with backoff (5xx, timeout, connection reset, Redis down)
  rate_limited,  // the platform asked us to slow down; retry after retry_after, not a failure
  auth,          // the account's token is expired, revoked or invalid; park the account
  permanent,     // will never succeed as sent (content rejected, too long); dead-letter for a human
  config,        // fabu or the platform app is set up wrongly; dead-letter and alert
  invalid,       // input (a release, a config file, a command) is malformed
};

std::string_view to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::permanent;
  std::string message;
  // Set when the platform said when to come back (Retry-After, rate-limit reply).
  std::optional<std::chrono::milliseconds> retry_after;
  // The platform's own error code (e.g. Weibo's error_code), 0 when there is none.
  int platform_code = 0;
  // The request may have taken effect although no success came back (a timeout after sending):
  // the next attempt must first look for the result before sending again.
  bool may_have_taken_effect = false;

  static Error transient(std::string msg) { return {ErrorKind::transient, std::move(msg), {}, 0}; }
  static Error permanent(std::string msg) { return {ErrorKind::permanent, std::move(msg), {}, 0}; }
  static Error config(std::string msg) { return {ErrorKind::config, std::move(msg), {}, 0}; }
  static Error invalid(std::string msg) { return {ErrorKind::invalid, std::move(msg), {}, 0}; }
  static Error auth(std::string msg) { return {ErrorKind::auth, std::move(msg), {}, 0}; }
};

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for returning an error from a function that yields Result<T>.
inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

}  // namespace fabu
