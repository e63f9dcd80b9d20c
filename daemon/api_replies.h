// JSON replies shared by the API's route files (api_routes.cpp, api_lifecycle.cpp, api_dashboard.cpp), and
// what they log of a refused submission. Private to daemon/.
#pragma once

#include <charconv>
#include <expected>
#include <string>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/bounded_text.h"
#include "core/release.h"
#include "queue/delivery_ledger.h"
#include "http_server/http_server.h"

namespace fabu::api {

inline nlohmann::json errors_json(const FieldErrors& errors) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : errors) out.push_back({{"path", e.path}, {"reason", e.reason}});
  return out;
}

// A delivery as GET /v1/releases/{id} and GET /v1/dead show it.
inline nlohmann::json delivery_json(const DeliveryStatus& d) {
  return {{"id", d.id},          {"channel", d.channel}, {"destination", d.destination},
          {"operation", to_string(d.operation)}, {"revision", d.revision},
          {"state", to_string(d.state)}, {"attempt", d.attempt}, {"post_id", d.post_id},
          {"url", d.url},        {"note", d.note},       {"last_error", d.last_error},
          {"next_at_ms", d.next_at_ms}, {"updated_at_ms", d.updated_at_ms}};
}

inline HttpServerResponse json_response(int status, const nlohmann::json& body) {
  HttpServerResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

// The most entries a list route (?limit=N) answers with at once.
inline constexpr int kMaxLimit = 10000;

// ?limit=N, a whole number from 1 to kMaxLimit; `def` when there is no `limit`. Anything else (empty,
// signed, a fraction, beyond the range) is the 422 to answer instead: a limit silently clamped or
// ignored hides the caller's mistake.
inline std::expected<int, HttpServerResponse> limit_of(const HttpServerRequest& request, int def) {
  const auto value = request.query_param("limit");
  if (!value) return def;
  int limit = 0;
  const char* end = value->data() + value->size();
  const auto [stop, error] = std::from_chars(value->data(), end, limit);
  if (value->empty() || error != std::errc() || stop != end || limit < 1 || limit > kMaxLimit) {
    return std::unexpected(json_response(
        422, {{"error", "limit: expected a whole number from 1 to " + std::to_string(kMaxLimit)}}));
  }
  return limit;
}

// A submission refused (`status` 413 or 422) as one warning for ops: the token's name, the release id
// as far as it could be read, and the first errors, each bounded; never the payload.
inline void log_refused_submission(int status, std::string_view caller, std::string_view release_id,
                                   const FieldErrors& errors) {
  constexpr std::size_t kLoggedErrors = 3;
  std::string reasons;
  for (std::size_t i = 0; i < errors.size() && i < kLoggedErrors; ++i) {
    if (i > 0) reasons += "; ";
    if (!errors[i].path.empty()) reasons += bounded(errors[i].path, quoted_value_bytes) + ": ";
    reasons += bounded(errors[i].reason, 256);
  }
  if (errors.size() > kLoggedErrors) reasons += "; and " + std::to_string(errors.size() - kLoggedErrors) + " more";
  spdlog::warn("admin api: refused a release from token '{}' ({}), id '{}': {}", caller, status,
               bounded(release_id, quoted_value_bytes), reasons);
}

}  // namespace fabu::api
