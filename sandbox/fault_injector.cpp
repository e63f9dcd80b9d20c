#include "sandbox/fault_injector.h"

namespace fabu::sandbox {

std::string_view to_string(WriteFault fault) {
  switch (fault) {
    case WriteFault::none: return "none";
    case WriteFault::server_error: return "5xx";
    case WriteFault::rate_limit: return "rate_limit";
    case WriteFault::timeout: return "timeout";
  }
  return "none";
}

FaultInjector::FaultInjector(FaultSettings settings, std::uint64_t seed)
    : settings_(std::move(settings)), random_(seed) {}

WriteFault FaultInjector::draw_write_fault() {
  std::lock_guard lock(mutex_);
  if (settings_.p_5xx <= 0.0 && settings_.p_rate_limit <= 0.0 && settings_.p_timeout <= 0.0) {
    return WriteFault::none;
  }
  // One uniform draw split into consecutive bands keeps the probabilities exact when they add up
  // to at most 1; a probability of 1 always fires.
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
  double band = settings_.p_5xx;
  if (u < band) return WriteFault::server_error;
  band += settings_.p_rate_limit;
  if (u < band) return WriteFault::rate_limit;
  band += settings_.p_timeout;
  if (u < band) return WriteFault::timeout;
  return WriteFault::none;
}

std::chrono::milliseconds FaultInjector::reply_delay(std::string_view access_token, WriteFault fault) const {
  std::lock_guard lock(mutex_);
  long long delay = settings_.latency_ms;
  if (!settings_.slow_tokens.empty()) {
    const auto slow = settings_.slow_tokens.find(access_token);
    if (slow != settings_.slow_tokens.end()) delay += slow->second;
  }
  if (fault == WriteFault::timeout) delay += settings_.timeout_hold_ms;
  return std::chrono::milliseconds(delay);
}

bool FaultInjector::apply_json(const nlohmann::json& changes, std::string& error) {
  if (!changes.is_object()) {
    error = "faults: expected a JSON object";
    return false;
  }
  std::lock_guard lock(mutex_);
  FaultSettings updated = settings_;
  auto read_probability = [&](const char* name, double& into) {
    if (!changes.contains(name)) return true;
    const auto& value = changes.at(name);
    if (!value.is_number() || value.get<double>() < 0.0 || value.get<double>() > 1.0) {
      error = std::string("faults: ") + name + " must be a number between 0 and 1";
      return false;
    }
    into = value.get<double>();
    return true;
  };
  auto read_milliseconds = [&](const nlohmann::json& value, const std::string& name, int& into) {
    if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > 3'600'000) {
      error = "faults: " + name + " must be an integer number of milliseconds (0..3600000)";
      return false;
    }
    into = value.get<int>();
    return true;
  };
  if (!read_probability("p_5xx", updated.p_5xx) || !read_probability("p_timeout", updated.p_timeout) ||
      !read_probability("p_rate_limit", updated.p_rate_limit)) {
    return false;
  }
  if (changes.contains("latency_ms") && !read_milliseconds(changes.at("latency_ms"), "latency_ms", updated.latency_ms)) {
    return false;
  }
  if (changes.contains("timeout_hold_ms") &&
      !read_milliseconds(changes.at("timeout_hold_ms"), "timeout_hold_ms", updated.timeout_hold_ms)) {
    return false;
  }
  if (changes.contains("timeout_hidden_ms") &&
      !read_milliseconds(changes.at("timeout_hidden_ms"), "timeout_hidden_ms", updated.timeout_hidden_ms)) {
    return false;
  }
  if (changes.contains("slow_tokens")) {
    const auto& slow = changes.at("slow_tokens");
    if (!slow.is_object()) {
      error = "faults: slow_tokens must be an object {\"token\": ms}";
      return false;
    }
    for (const auto& [token, value] : slow.items()) {
      int ms = 0;
      if (!read_milliseconds(value, "slow_tokens." + token, ms)) return false;
      if (ms == 0) {
        updated.slow_tokens.erase(token);
      } else {
        updated.slow_tokens[token] = ms;
      }
    }
  }
  settings_ = std::move(updated);
  return true;
}

FaultSettings FaultInjector::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

nlohmann::json FaultInjector::settings_json() const {
  std::lock_guard lock(mutex_);
  nlohmann::json slow = nlohmann::json::object();
  for (const auto& [token, ms] : settings_.slow_tokens) slow[token] = ms;
  return {{"latency_ms", settings_.latency_ms},     {"p_5xx", settings_.p_5xx},
          {"p_timeout", settings_.p_timeout},       {"p_rate_limit", settings_.p_rate_limit},
          {"timeout_hold_ms", settings_.timeout_hold_ms}, {"timeout_hidden_ms", settings_.timeout_hidden_ms},
          {"slow_tokens", slow}};
}

}  // namespace fabu::sandbox
