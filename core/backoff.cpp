// Exponential backoff with cap and jitter; see backoff.h.
#include "core/backoff.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>

namespace fabu {
namespace {

// The un-jittered delay, computed in floating point so large attempt numbers cannot overflow.
double capped_delay_ms(int attempt, const RetryPolicy& policy) {
  const double base = static_cast<double>(std::max<std::int64_t>(0, policy.base.count()));
  const double cap = static_cast<double>(std::max<std::int64_t>(0, policy.cap.count()));
  const int doublings = std::clamp(attempt, 1, 1024) - 1;
  return std::min(cap, std::ldexp(base, doublings));
}

double clamped_jitter(const RetryPolicy& policy) {
  return std::isnan(policy.jitter) ? 0.0 : std::clamp(policy.jitter, 0.0, 1.0);
}

// "800 ms", "2 s", "1.6 s", "4 min 16 s", "1 h 2 min": short and exact enough for a table.
std::string human(double ms) {
  char buffer[64];
  if (ms < 1000) {
    std::snprintf(buffer, sizeof buffer, "%.0f ms", ms);
  } else if (ms < 60'000) {
    std::snprintf(buffer, sizeof buffer, "%.3g s", ms / 1000);
  } else if (ms < 3'600'000) {
    const long long seconds = std::llround(ms / 1000);
    if (seconds % 60 == 0) {
      std::snprintf(buffer, sizeof buffer, "%lld min", seconds / 60);
    } else {
      std::snprintf(buffer, sizeof buffer, "%lld min %lld s", seconds / 60, seconds % 60);
    }
  } else {
    const long long minutes = std::llround(ms / 60'000);
    std::snprintf(buffer, sizeof buffer, "%lld h %lld min", minutes / 60, minutes % 60);
  }
  return buffer;
}

}  // namespace

std::chrono::milliseconds retry_delay(int attempt, const RetryPolicy& policy, double unit_random) {
  const double jitter = clamped_jitter(policy);
  const double u = std::isnan(unit_random) ? 0.5 : std::clamp(unit_random, 0.0, 1.0);
  const double delay = capped_delay_ms(attempt, policy) * (1.0 + jitter * (2.0 * u - 1.0));
  const double ceiling = static_cast<double>(std::max<std::int64_t>(0, policy.cap.count())) * (1.0 + jitter);
  return std::chrono::milliseconds(std::llround(std::clamp(delay, 0.0, ceiling)));
}

std::string describe_schedule(const RetryPolicy& policy) {
  const double jitter = clamped_jitter(policy);
  std::ostringstream out;
  out << "| after failure | delay | with jitter (±" << std::llround(jitter * 100) << "%) | waited in total |\n"
      << "|---:|---:|---:|---:|\n";
  double total = 0;
  for (int failure = 1; failure < policy.max_attempts; ++failure) {
    const double delay = capped_delay_ms(failure, policy);
    total += delay;
    out << "| " << failure << " | " << human(delay) << " | " << human(delay * (1 - jitter)) << " – "
        << human(delay * (1 + jitter)) << " | " << human(total) << " |\n";
  }
  out << "\nAttempt " << std::max(1, policy.max_attempts)
      << " is the last: if it fails too, the delivery is dead-lettered for a person to look at.\n";
  return out.str();
}

}  // namespace fabu
