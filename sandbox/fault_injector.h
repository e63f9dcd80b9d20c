// FaultInjector: decides, per request, which failure the sandbox plays (a 5xx, a rate limit, a
// reply held past the client's timeout) and how long a reply is delayed.
//
// Settings change at run time (POST /_sandbox/faults). Draws come from one seeded generator, so a
// run with the same --seed and the same request order plays the same faults.
// Thread-safe: every method takes the injector's own mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fabu::sandbox {

struct FaultSettings {
  int latency_ms = 0;           // added to every reply
  double p_5xx = 0.0;           // write endpoints: 503, nothing created
  double p_timeout = 0.0;       // write endpoints: created, reply held for timeout_hold_ms
  double p_rate_limit = 0.0;    // write endpoints: 403 error_code 10023, nothing created
  int timeout_hold_ms = 60000;
  // A status a timeout fault creates stays off the account's timeline this long, as Weibo shows some
  // accepted posts 1-2 minutes late (20032, review queues). It exists meanwhile: a repeat is refused.
  int timeout_hidden_ms = 0;
  std::map<std::string, int, std::less<>> slow_tokens;  // access_token -> extra delay (ms)
};

// What to do with one write request.
enum class WriteFault { none, server_error, rate_limit, timeout };

std::string_view to_string(WriteFault fault);

class FaultInjector {
 public:
  FaultInjector(FaultSettings settings, std::uint64_t seed);

  // One draw for a write request (share, repost, destroy).
  WriteFault draw_write_fault();

  // How long the reply to a request made with `access_token` waits: latency_ms plus the token's
  // slow delay; for a timeout fault, timeout_hold_ms on top.
  std::chrono::milliseconds reply_delay(std::string_view access_token, WriteFault fault) const;

  // Applies the fields present in a POST /_sandbox/faults body. A slow token with 0 ms is removed.
  // Returns false (and changes nothing) when a field has the wrong type or is out of range.
  bool apply_json(const nlohmann::json& changes, std::string& error);

  FaultSettings settings() const;
  nlohmann::json settings_json() const;

 private:
  mutable std::mutex mutex_;
  FaultSettings settings_;
  std::mt19937_64 random_;
};

}  // namespace fabu::sandbox
