// ApiRoutes: the API's routes and their token checks; the handlers moved here from the listener.
#include "daemon/api_routes.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/bounded_text.h"
#include "core/clock.h"
#include "daemon/account_watch.h"
#include "dashboard/dashboard_assets.h"
#include "core/deadline.h"
#include "daemon/api_replies.h"
#include "daemon/readiness.h"
#include "daemon/scrape_metrics.h"
#include "daemon/intake_worker.h"

namespace fabu {
namespace {

using nlohmann::json;

using api::delivery_json;
using api::errors_json;
using api::json_response;
using api::limit_of;
using api::log_refused_submission;

// Path segments with %XX decoded; empty segments dropped ("/v1//dead/" is /v1/dead).
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::string segment;
  const auto flush = [&] {
    if (!segment.empty()) out.push_back(std::move(segment));
    segment.clear();
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '/') {
      flush();
    } else if (c == '%' && i + 2 < path.size() && std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
      segment += static_cast<char>(std::stoi(std::string(path.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      segment += c;
    }
  }
  flush();
  return out;
}

HttpServerResponse dashboard_asset(const DashboardAsset& asset) {
  HttpServerResponse r;
  r.content_type = std::string(asset.content_type);
  r.body = std::string(asset.body);
  // The page runs no script but its own and talks to this origin only.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

// Masked matches only: a held record never holds the numbers the screen found.
json matches_json(const std::vector<ScreenMatch>& matches) { return json::parse(screen_matches_json(matches)); }

// Every route as its method and path, `{id}` standing for any one segment: the 404 lists them and a
// 405's Allow header is read from them, so route() below must take exactly these shapes.
struct Endpoint {
  std::string_view method;
  std::string_view path;
};
constexpr Endpoint kEndpoints[] = {
    {"POST", "/v1/releases"},
    {"GET", "/v1/releases/{id}"},
    {"POST", "/v1/releases/{id}/retract"},
    {"POST", "/v1/releases/{id}/corrections"},
    {"POST", "/v1/releases/{id}/reschedule"},
    {"POST", "/v1/releases/{id}/schedule/cancel"},
    {"GET", "/v1/schedules"},
    {"GET", "/v1/conferences.ics"},
    {"POST", "/v1/conferences/{id}/cancel"},
    {"POST", "/v1/conferences/{id}/record"},
    {"GET", "/v1/rejects"},
    {"GET", "/v1/dead"},
    {"GET", "/v1/held"},
    {"POST", "/v1/dead/{id}/retry"},
    {"POST", "/v1/dead/{id}/drop"},
    {"GET", "/v1/dashboard"},
    {"GET", "/v1/log"},
    {"GET", "/v1/instances"},
    {"GET", "/v1/health"},
    {"GET", "/metrics"},
    {"GET", "/"},
};

bool endpoint_matches(std::string_view pattern, const std::vector<std::string>& path) {
  const auto segments = split_path(pattern);
  if (segments.size() != path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (segments[i] != "{id}" && segments[i] != path[i]) return false;
  }
  return true;
}

// The methods the resource at `path` takes ("GET", "POST"); none when no route has that path (a 404,
// not a 405). The dashboard's assets take GET.
std::vector<std::string_view> allowed_methods(std::string_view raw_path, const std::vector<std::string>& path) {
  std::vector<std::string_view> out;
  if (find_dashboard_asset(raw_path)) out.push_back("GET");
  for (const auto& e : kEndpoints) {
    if (endpoint_matches(e.path, path) && std::find(out.begin(), out.end(), e.method) == out.end()) {
      out.push_back(e.method);
    }
  }
  return out;
}

// RFC 9110 15.5.6: a 405 names the methods the resource does take.
HttpServerResponse method_not_allowed(const std::vector<std::string_view>& allowed) {
  std::string list;
  for (const auto method : allowed) list += (list.empty() ? "" : ", ") + std::string(method);
  auto r = json_response(405, {{"error", "method not allowed: this resource takes " + list}});
  r.headers.emplace_back("Allow", list);
  return r;
}

HttpServerResponse no_such_endpoint() {
  json endpoints = json::array();
  for (const auto& e : kEndpoints) endpoints.push_back(std::string(e.method) + " " + std::string(e.path));
  return json_response(404, {{"error", "no such endpoint"}, {"endpoints", std::move(endpoints)}});
}

std::int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ApiRoutes::ApiRoutes(std::string instance, std::unique_ptr<DeliveryLedger> ledger,
                     const Snapshot<ChannelSet>& channels, const Snapshot<ApprovalPolicy>& approval,
                     DeliveryLog& log, BearerTokens tokens, const Snapshot<WorkingCalendar>* calendar,
                     MetricsRenderer more_metrics, DashboardReaders dashboard)
    : instance_(std::move(instance)), ledger_(std::move(ledger)), channels_(channels), approval_(approval), log_(log),
      tokens_(std::make_shared<const BearerTokens>(std::move(tokens))), calendar_(calendar),
      more_metrics_(std::move(more_metrics)), dashboard_(std::move(dashboard)) {}

void ApiRoutes::set_tokens(BearerTokens tokens) { tokens_.set(std::make_shared<const BearerTokens>(std::move(tokens))); }

HttpServerResponse ApiRoutes::handle(const HttpServerRequest& request) {
  try {
    return route(request);
  } catch (const std::exception& e) {
    spdlog::error("admin api: {} {} failed: {}", request.method, request.path(), e.what());
    return json_response(500, {{"error", "internal error; see the fabud log"}});
  }
}

HttpServerResponse ApiRoutes::route(const HttpServerRequest& request) {
  const auto path = split_path(request.path());
  const bool post = request.method == "POST";
  // Before the token check: which methods a route takes is no secret (README), and no token changes it.
  const auto allowed = allowed_methods(request.path(), path);
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), request.method) == allowed.end()) {
    return method_not_allowed(allowed);
  }
  if (!post && path == std::vector<std::string>{"v1", "health"}) return health();  // readiness probes need no token
  if (!post) {
    if (auto asset = find_dashboard_asset(request.path())) return dashboard_asset(*asset);  // holds no data
  }

  // Lifecycle changes (retract, cancel, reschedule, a conference's cancel and record) and a dead letter's
  // retry or drop need `operate`; queueing a release or a correction
  // `submit`; reading `read` or `operate`.
  const bool dead_action = post && path.size() == 4 && path[0] == "v1" && path[1] == "dead";
  const bool conference_action = post && path.size() == 4 && path[0] == "v1" && path[1] == "conferences";
  const bool operates = dead_action || conference_action ||
                        (post && path.size() >= 4 && path[0] == "v1" && path[1] == "releases" &&
                         (path[3] == "retract" || path[3] == "schedule" || path[3] == "reschedule"));
  const auto tokens = tokens_.get();
  std::string caller = "(no tokens configured)";  // who an operator event names
  if (!tokens->empty()) {
    const auto check = operates ? tokens->check(request.header("authorization"), {"operate"})
                       : post   ? tokens->check(request.header("authorization"), {"submit"})
                                : tokens->check(request.header("authorization"), {"read", "operate"});
    if (check.verdict == BearerTokens::Verdict::unauthenticated) {
      // Anyone can send these, as fast as they like: a line a minute, counting the others.
      if (const auto left_out = unauthorized_log_.admit(steady_now_ms())) {
        spdlog::warn("admin api: {} {} from {} refused (401): {}{}", bounded(request.method, 16),
                     bounded(request.path(), quoted_value_bytes),
                     request.remote_address.empty() ? "an unknown address" : request.remote_address,
                     request.header("authorization").empty() ? "no Authorization header" : "not a valid bearer token",
                     *left_out == 0 ? std::string()
                                    : "; " + std::to_string(*left_out) + " more refused since the last such line");
      }
      auto r = json_response(401, {{"error", "a valid bearer token is required (Authorization: Bearer <token>)"}});
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"fabu\"");
      return r;
    }
    if (check.verdict == BearerTokens::Verdict::forbidden) {
      const char* role = operates ? "operate" : post ? "submit" : "read";
      spdlog::warn("admin api: token '{}' lacks the role {} for {} {}", check.token_name, role, request.method,
                   request.path().substr(0, 64));
      return json_response(403, {{"error", "token '" + check.token_name + "' lacks the role '" + role + "'"}});
    }
    caller = check.token_name;
  }

  if (post && path == std::vector<std::string>{"v1", "releases"}) return submit(request, caller);
  if (post && path.size() >= 4 && path[0] == "v1" && path[1] == "releases") return lifecycle(request, path, caller);
  if (dead_action) return dead_letter_action(path, caller);
  if (conference_action) return conference(request, path, caller);
  if (request.method != "GET") return no_such_endpoint();  // a route of another method is a 405 above
  if (path == std::vector<std::string>{"v1", "dashboard"}) {
    return dashboard(tokens->empty() ||
                     tokens->check(request.header("authorization"), {"operate"}).verdict ==
                         BearerTokens::Verdict::allowed);
  }
  if (path == std::vector<std::string>{"v1", "log"}) return log_entries(request);
  if (path == std::vector<std::string>{"v1", "instances"}) return instances();
  if (path == std::vector<std::string>{"v1", "schedules"}) return schedules(request);
  if (path == std::vector<std::string>{"v1", "conferences.ics"}) return conference_calendar();
  if (path.size() == 3 && path[0] == "v1" && path[1] == "releases") return release(path[2]);
  if (path == std::vector<std::string>{"v1", "rejects"}) return rejects(request);
  if (path == std::vector<std::string>{"v1", "dead"}) return dead(request);
  if (path == std::vector<std::string>{"v1", "held"}) return held(request);
  if (path == std::vector<std::string>{"metrics"}) return metrics();
  return no_such_endpoint();
}

HttpServerResponse ApiRoutes::submit(const HttpServerRequest& request, const std::string& caller) {
  const std::string format = request.header("content-type").find("toml") != std::string::npos ? "toml" : "json";
  if (request.body.size() > ReleaseLimits::document_bytes) {
    const FieldErrors errors = {{"", "document is larger than 512 KiB"}};
    log_refused_submission(413, caller, "", errors);
    return json_response(413, {{"errors", errors_json(errors)}});
  }
  const auto decision = examine_payload(request.body, format, *channels_.get(), *approval_.get());
  if (!decision.request && !decision.held) {
    log_refused_submission(422, caller, decision.release_id, decision.errors);
    return json_response(422, {{"id", decision.release_id}, {"errors", errors_json(decision.errors)}});
  }
  Result<std::string> entry;
  {
    std::lock_guard lock(ledger_mu_);
    // A release the screen holds is queued as sent (fabud records it as held, GET /v1/held); an
    // approved one as the document signed (canonical JSON): fabud's intake verifies it again.
    entry = decision.held ? ledger_->enqueue(decision.held->payload, decision.held->format)
                          : ledger_->enqueue(decision.canonical_document, "json");
  }
  if (!entry) return json_response(503, {{"error", entry.error().message}});
  if (decision.held) {
    return json_response(202, {{"id", decision.release_id}, {"held", true},
                               {"screen_digest", decision.held->screen_digest},
                               {"matches", matches_json(decision.held->matches)}, {"intake_entry", *entry}});
  }
  json reply = {{"id", decision.release_id},
                {"deliveries", decision.request->deliveries.size()},
                {"intake_entry", *entry}};
  if (calendar_ && decision.request->revision == 1) {
    const auto today = china_date(unix_now_ms() / 1000);
    if (auto warning = deadline_warning(*calendar_->get(), decision.release_id, decision.formed_at, today)) {
      reply["deadline_warning"] = *warning;
    }
  }
  return json_response(202, reply);
}

HttpServerResponse ApiRoutes::release(const std::string& id) {
  Result<std::vector<DeliveryStatus>> deliveries;
  {
    std::lock_guard lock(ledger_mu_);
    deliveries = ledger_->deliveries_of(id);
  }
  if (!deliveries) return json_response(503, {{"error", deliveries.error().message}});
  if (deliveries->empty()) return json_response(404, {{"error", "no release '" + id + "' was admitted"}});
  json out = {{"id", id}, {"deliveries", json::array()}};
  for (const auto& d : *deliveries) out["deliveries"].push_back(delivery_json(d));
  return json_response(200, out);
}

HttpServerResponse ApiRoutes::rejects(const HttpServerRequest& request) {
  const auto limit = limit_of(request, 50);
  if (!limit) return limit.error();
  Result<std::vector<RejectRecord>> records;
  {
    std::lock_guard lock(ledger_mu_);
    records = ledger_->rejects(*limit);
  }
  if (!records) return json_response(503, {{"error", records.error().message}});
  json out = json::array();
  for (const auto& r : *records) {
    out.push_back({{"intake_entry_id", r.intake_entry_id}, {"release_id", r.release_id}, {"at_ms", r.at_ms},
                   {"errors", errors_json(r.errors)}, {"payload", r.payload}});
    if (!r.payload_base64.empty()) out.back()["payload_base64"] = r.payload_base64;
  }
  return json_response(200, {{"rejects", out}});
}

// Releases held by the privacy screen, latest first, with their masked matches and the digest an
// override must name. The payload is left out: it is the personal data the hold protects.
HttpServerResponse ApiRoutes::held(const HttpServerRequest& request) {
  const auto limit = limit_of(request, 50);
  if (!limit) return limit.error();
  Result<std::vector<HeldRecord>> records;
  {
    std::lock_guard lock(ledger_mu_);
    records = ledger_->held(*limit);
  }
  if (!records) return json_response(503, {{"error", records.error().message}});
  json out = json::array();
  for (const auto& r : *records) {
    out.push_back({{"id", r.release_id}, {"held_at_ms", r.held_at_ms}, {"first_held_at_ms", r.first_held_at_ms},
                   {"submissions", r.submissions}, {"screen_digest", r.screen_digest}, {"reason", r.reason},
                   {"matches", matches_json(r.matches)}});
  }
  return json_response(200, {{"held", out}});
}

HttpServerResponse ApiRoutes::dead(const HttpServerRequest& request) {
  const auto limit = limit_of(request, 50);
  if (!limit) return limit.error();
  Result<std::vector<DeliveryStatus>> dead;
  {
    std::lock_guard lock(ledger_mu_);
    dead = ledger_->dead_letters(*limit);
  }
  if (!dead) return json_response(503, {{"error", dead.error().message}});
  json out = json::array();
  for (const auto& d : *dead) out.push_back(delivery_json(d));
  return json_response(200, {{"dead", out}});
}

HttpServerResponse ApiRoutes::health() {
  Result<std::int64_t> depth;
  {
    std::lock_guard lock(ledger_mu_);
    depth = ledger_->intake_depth();
  }
  if (!depth) {
    return json_response(503, {{"redis", "down"}, {"error", depth.error().message}, {"instance", instance_}});
  }
  return json_response(200, {{"redis", "up"}, {"intake_depth", *depth}, {"instance", instance_}});
}

HttpServerResponse ApiRoutes::metrics() {
  std::string out;
  log_.metrics().render(out);
  {
    std::lock_guard lock(ledger_mu_);
    const auto channels = channels_.get();
    const std::int64_t now = unix_now_ms();
    const Date today = today_local();
    render_queue_metrics(out, *ledger_, *channels, now, today);
    if (auto findings = inspection_findings(*ledger_, *channels, now, today)) render_inspection_metrics(out, *findings);
  }
  if (more_metrics_) more_metrics_(out);
  HttpServerResponse r;
  r.body = std::move(out);
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return r;
}

}  // namespace fabu
