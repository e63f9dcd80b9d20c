#include "daemon/admin_api.h"

#include <spdlog/spdlog.h>

namespace fabu {

HttpServerOptions http_server_options(const ApiConfig& config) {
  HttpServerOptions o;
  o.host = config.host;
  o.port = static_cast<std::uint16_t>(config.port);
  o.threads = config.threads;
  o.max_connections = config.max_connections;
  o.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  o.max_header_bytes = static_cast<std::size_t>(config.max_header_bytes);
  o.max_headers = config.max_headers;
  o.read_timeout = config.read_timeout;
  o.tls_cert_file = config.tls_cert_file;
  o.tls_key_file = config.tls_key_file;
  return o;
}

namespace {

BearerTokens bearer_tokens(const ApiConfig& config) {
  std::vector<BearerTokenEntry> tokens;
  for (const auto& t : config.tokens) tokens.push_back({t.name, t.roles, t.sha256});
  return BearerTokens(tokens);
}

}  // namespace

AdminApi::~AdminApi() { server_.reset(); }

void AdminApi::set_tokens(const ApiConfig& config) { routes_->set_tokens(bearer_tokens(config)); }

Result<std::unique_ptr<AdminApi>> AdminApi::start(const ApiConfig& config, std::string instance,
                                                  std::unique_ptr<DeliveryLedger> ledger,
                                                  const Snapshot<ChannelSet>& channels,
                                                  const Snapshot<ApprovalPolicy>& approval, DeliveryLog& log,
                                                  const Snapshot<WorkingCalendar>* calendar,
                                                  ApiRoutes::MetricsRenderer more_metrics,
                                                  DashboardReaders dashboard) {
  std::unique_ptr<AdminApi> api(new AdminApi());
  api->routes_ = std::make_unique<ApiRoutes>(std::move(instance), std::move(ledger), channels, approval,
                                             log, bearer_tokens(config), calendar, std::move(more_metrics),
                                             std::move(dashboard));
  ApiRoutes* routes = api->routes_.get();
  auto server = start_beast_http_server(http_server_options(config),
                                        [routes](const HttpServerRequest& request) { return routes->handle(request); });
  if (!server) return fail(Error::config("HTTP API (api.listen " + config.listen + "): " + server.error().message));
  api->server_ = std::move(*server);
  if (config.tokens.empty()) {
    spdlog::warn("HTTP API on {} has no [[api.tokens]]: anyone who can reach loopback may submit releases. "
                 "Add tokens with `fabuctl api-token`.",
                 config.listen);
  }
  spdlog::info("HTTP API listening on {}:{}{} ({} token(s))", config.host, config.port,
               api->server_->tls() ? " with TLS" : "", config.tokens.size());
  return api;
}

}  // namespace fabu
