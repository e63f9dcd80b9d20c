#include "daemon/admin_api.h"

#include <cpprest/http_listener.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "daemon/intake_worker.h"

namespace fabu {
namespace {

using web::http::http_request;
using web::http::methods;
using web::http::status_code;
using web::http::experimental::listener::http_listener;
using nlohmann::json;

json errors_json(const FieldErrors& errors) {
  json out = json::array();
  for (const auto& e : errors) out.push_back({{"path", e.path}, {"reason", e.reason}});
  return out;
}

json delivery_json(const DeliveryStatus& d) {
  return {{"id", d.id},          {"channel", d.channel}, {"destination", d.destination},
          {"state", to_string(d.state)}, {"attempt", d.attempt}, {"post_id", d.post_id},
          {"url", d.url},        {"note", d.note},       {"last_error", d.last_error},
          {"next_at_ms", d.next_at_ms}, {"updated_at_ms", d.updated_at_ms}};
}

int limit_of(const http_request& request, int def) {
  auto query = web::uri::split_query(request.request_uri().query());
  if (auto it = query.find("limit"); it != query.end()) {
    try {
      return std::clamp(std::stoi(it->second), 1, 10000);
    } catch (const std::exception&) {
    }
  }
  return def;
}

void reply(const http_request& request, status_code code, const std::string& body,
           const std::string& content_type = "application/json; charset=utf-8") {
  request.reply(code, body, content_type).then([](pplx::task<void> t) {
    try {
      t.get();  // already finished: this only surfaces a failed send, which is not worth more
    } catch (const std::exception&) {
    }
  });
}

void reply_json(const http_request& request, status_code code, const json& body) {
  reply(request, code, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

// Masked matches only: a held record never holds the numbers the screen found.
json matches_json(const std::vector<ScreenMatch>& matches) { return json::parse(screen_matches_json(matches)); }

// GET /v1/held?limit=N: releases held by the privacy screen, latest first, with their masked
// matches and the screen digest an override must name. The payload is left out: it is the
// personal data the hold protects.
void serve_held(const http_request& request, DeliveryLedger& ledger, std::mutex& ledger_mu, int limit) {
  Result<std::vector<HeldRecord>> records;
  {
    std::lock_guard lock(ledger_mu);
    records = ledger.held(limit);
  }
  if (!records) return reply_json(request, status_code(503), {{"error", records.error().message}});
  json out = json::array();
  for (const auto& r : *records) {
    out.push_back({{"id", r.release_id}, {"held_at_ms", r.held_at_ms}, {"first_held_at_ms", r.first_held_at_ms},
                   {"submissions", r.submissions}, {"screen_digest", r.screen_digest}, {"reason", r.reason},
                   {"matches", matches_json(r.matches)}});
  }
  reply_json(request, status_code(200), {{"held", out}});
}

}  // namespace

struct AdminApi::Impl {
  std::string instance;
  std::unique_ptr<DeliveryLedger> ledger;
  std::mutex ledger_mu;  // one hiredis connection: one request at a time uses it
  const Snapshot<ChannelSet>& channels;
  const Snapshot<ApprovalPolicy>& approval;
  const DeliveryLog& log;
  std::unique_ptr<http_listener> listener;

  Impl(std::string inst, std::unique_ptr<DeliveryLedger> l, const Snapshot<ChannelSet>& c,
       const Snapshot<ApprovalPolicy>& a, const DeliveryLog& lg)
      : instance(std::move(inst)), ledger(std::move(l)), channels(c), approval(a), log(lg) {}

  void handle(http_request request) {
    try {
      route(request);
    } catch (const std::exception& e) {
      spdlog::error("admin api: {} {} failed: {}", request.method(), request.request_uri().path(), e.what());
      reply_json(request, status_code(500), {{"error", "internal error; see the fabud log"}});
    }
  }

  void route(const http_request& request) {
    const auto path = web::uri::split_path(request.request_uri().path());
    const auto& method = request.method();
    if (method == methods::POST && path == std::vector<std::string>{"v1", "releases"}) return submit(request);
    if (method != methods::GET) {
      return reply_json(request, status_code(405), {{"error", "method not allowed"}});
    }
    if (path.size() == 3 && path[0] == "v1" && path[1] == "releases") return release(request, path[2]);
    if (path == std::vector<std::string>{"v1", "rejects"}) return rejects(request);
    if (path == std::vector<std::string>{"v1", "dead"}) return dead(request);
    if (path == std::vector<std::string>{"v1", "held"}) return serve_held(request, *ledger, ledger_mu, limit_of(request, 50));
    if (path == std::vector<std::string>{"v1", "health"}) return health(request);
    if (path == std::vector<std::string>{"metrics"}) return metrics(request);
    reply_json(request, status_code(404),
               {{"error", "no such endpoint"},
                {"endpoints", {"POST /v1/releases", "GET /v1/releases/{id}", "GET /v1/rejects", "GET /v1/dead",
                               "GET /v1/held", "GET /v1/health", "GET /metrics"}}});
  }

  void submit(const http_request& request) {
    const auto content_type = request.headers().content_type();
    const std::string format = content_type.find("toml") != std::string::npos ? "toml" : "json";
    // The body arrives asynchronously; the continuation never blocks.
    request.extract_vector().then([this, request, format](pplx::task<std::vector<unsigned char>> body_task) {
      try {
        const auto bytes = body_task.get();
        const std::string body(bytes.begin(), bytes.end());
        if (body.size() > ReleaseLimits::document_bytes) {
          return reply_json(request, status_code(413), {{"errors", errors_json({{"", "document is larger than 512 KiB"}})}});
        }
        const auto decision = examine_payload(body, format, *channels.get(), *approval.get());
        if (!decision.request && !decision.held) {
          return reply_json(request, status_code(422), {{"id", decision.release_id}, {"errors", errors_json(decision.errors)}});
        }
        Result<std::string> entry;
        {
          std::lock_guard lock(ledger_mu);
          // A release the screen holds is queued as sent (fabud records it as held, GET /v1/held); an
          // approved one as the document signed (canonical JSON): fabud's intake verifies it again.
          entry = decision.held ? ledger->enqueue(decision.held->payload, decision.held->format)
                                : ledger->enqueue(decision.canonical_document, "json");
        }
        if (!entry) return reply_json(request, status_code(503), {{"error", entry.error().message}});
        if (decision.held) {
          return reply_json(request, status_code(202),
                            {{"id", decision.release_id}, {"held", true}, {"screen_digest", decision.held->screen_digest},
                             {"matches", matches_json(decision.held->matches)}, {"intake_entry", *entry}});
        }
        reply_json(request, status_code(202),
                   {{"id", decision.release_id},
                    {"deliveries", decision.request->deliveries.size()},
                    {"intake_entry", *entry}});
      } catch (const std::exception& e) {
        reply_json(request, status_code(400), {{"error", std::string("could not read the request body: ") + e.what()}});
      }
    });
  }

  void release(const http_request& request, const std::string& id) {
    Result<std::vector<DeliveryStatus>> deliveries;
    {
      std::lock_guard lock(ledger_mu);
      deliveries = ledger->deliveries_of(id);
    }
    if (!deliveries) return reply_json(request, status_code(503), {{"error", deliveries.error().message}});
    if (deliveries->empty()) return reply_json(request, status_code(404), {{"error", "no release '" + id + "' was admitted"}});
    json out = {{"id", id}, {"deliveries", json::array()}};
    for (const auto& d : *deliveries) out["deliveries"].push_back(delivery_json(d));
    reply_json(request, status_code(200), out);
  }

  void rejects(const http_request& request) {
    Result<std::vector<RejectRecord>> records;
    {
      std::lock_guard lock(ledger_mu);
      records = ledger->rejects(limit_of(request, 50));
    }
    if (!records) return reply_json(request, status_code(503), {{"error", records.error().message}});
    json out = json::array();
    for (const auto& r : *records) {
      out.push_back({{"intake_entry_id", r.intake_entry_id}, {"release_id", r.release_id}, {"at_ms", r.at_ms},
                     {"errors", errors_json(r.errors)}, {"payload", r.payload}});
    }
    reply_json(request, status_code(200), {{"rejects", out}});
  }

  void dead(const http_request& request) {
    Result<std::vector<DeliveryStatus>> dead;
    {
      std::lock_guard lock(ledger_mu);
      dead = ledger->dead_letters(limit_of(request, 50));
    }
    if (!dead) return reply_json(request, status_code(503), {{"error", dead.error().message}});
    json out = json::array();
    for (const auto& d : *dead) out.push_back(delivery_json(d));
    reply_json(request, status_code(200), {{"dead", out}});
  }

  void health(const http_request& request) {
    Result<std::int64_t> depth;
    {
      std::lock_guard lock(ledger_mu);
      depth = ledger->intake_depth();
    }
    if (!depth) {
      return reply_json(request, status_code(503), {{"redis", "down"}, {"error", depth.error().message}, {"instance", instance}});
    }
    reply_json(request, status_code(200), {{"redis", "up"}, {"intake_depth", *depth}, {"instance", instance}});
  }

  void metrics(const http_request& request) {
    std::string out;
    out += "# HELP fabu_deliveries_total Delivery results recorded by this instance, by outcome.\n";
    out += "# TYPE fabu_deliveries_total counter\n";
    for (auto outcome : {CompletionOutcome::delivered, CompletionOutcome::retry, CompletionOutcome::rate_limited,
                         CompletionOutcome::needs_auth, CompletionOutcome::dead}) {
      out += "fabu_deliveries_total{outcome=\"" + std::string(to_string(outcome)) + "\"} " +
             std::to_string(log.count(outcome)) + "\n";
    }
    out += "# HELP fabu_releases_total Releases taken from the intake by this instance, by result.\n";
    out += "# TYPE fabu_releases_total counter\n";
    for (const char* event : {"admitted", "rejected", "duplicate", "held"}) {
      out += "fabu_releases_total{result=\"" + std::string(event) + "\"} " + std::to_string(log.intake_count(event)) + "\n";
    }
    Result<std::int64_t> depth;
    Result<std::vector<LaneStatus>> lanes;
    {
      std::lock_guard lock(ledger_mu);
      depth = ledger->intake_depth();
      lanes = ledger->lanes();
    }
    out += "# HELP fabu_redis_up Whether this instance can reach Redis.\n# TYPE fabu_redis_up gauge\n";
    out += std::string("fabu_redis_up ") + (depth ? "1" : "0") + "\n";
    if (depth) {
      out += "# HELP fabu_intake_depth Releases queued and not yet admitted.\n# TYPE fabu_intake_depth gauge\n";
      out += "fabu_intake_depth " + std::to_string(*depth) + "\n";
    }
    if (lanes) {
      int parked = 0, queued = 0, in_flight = 0;
      for (const auto& l : *lanes) {
        parked += l.parked_reason.empty() ? 0 : 1;
        queued += l.queued;
        in_flight += l.in_flight;
      }
      out += "# HELP fabu_accounts_needs_auth Lanes (accounts) parked until their token is replaced.\n";
      out += "# TYPE fabu_accounts_needs_auth gauge\nfabu_accounts_needs_auth " + std::to_string(parked) + "\n";
      out += "# HELP fabu_deliveries_queued Deliveries queued in lanes.\n# TYPE fabu_deliveries_queued gauge\n";
      out += "fabu_deliveries_queued " + std::to_string(queued) + "\n";
      out += "# HELP fabu_deliveries_in_flight Deliveries being sent by all instances.\n";
      out += "# TYPE fabu_deliveries_in_flight gauge\nfabu_deliveries_in_flight " + std::to_string(in_flight) + "\n";
    }
    reply(request, status_code(200), out, "text/plain; version=0.0.4; charset=utf-8");
  }
};

AdminApi::AdminApi(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AdminApi::~AdminApi() {
  if (impl_ && impl_->listener) {
    try {
      impl_->listener->close().wait();
    } catch (const std::exception& e) {
      spdlog::warn("admin api: closing the listener: {}", e.what());
    }
  }
}

Result<std::unique_ptr<AdminApi>> AdminApi::start(const std::string& listen_url, std::string instance,
                                                  std::unique_ptr<DeliveryLedger> ledger,
                                                  const Snapshot<ChannelSet>& channels,
                                                  const Snapshot<ApprovalPolicy>& approval, const DeliveryLog& log) {
  auto impl = std::make_unique<Impl>(std::move(instance), std::move(ledger), channels, approval, log);
  try {
    impl->listener = std::make_unique<http_listener>(listen_url);
    Impl* raw = impl.get();
    impl->listener->support([raw](http_request request) { raw->handle(std::move(request)); });
    impl->listener->open().wait();
  } catch (const std::exception& e) {
    return fail(Error::config("cannot listen on " + listen_url + " (daemon.api_listen): " + e.what()));
  }
  spdlog::info("HTTP API listening on {}", listen_url);
  return std::unique_ptr<AdminApi>(new AdminApi(std::move(impl)));
}

}  // namespace fabu
