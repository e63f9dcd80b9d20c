// JSON replies shared by the API's route files (api_routes.cpp, api_lifecycle.cpp, api_dashboard.cpp). Private to daemon/.
#pragma once

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

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

// ?limit=N clamped to 1..10000; `def` when absent or not a number.
inline int limit_of(const HttpServerRequest& request, int def) {
  const std::string value = request.query_param("limit");
  if (value.empty()) return def;
  try {
    return std::clamp(std::stoi(value), 1, 10000);
  } catch (const std::exception&) {
    return def;
  }
}

}  // namespace fabu::api
