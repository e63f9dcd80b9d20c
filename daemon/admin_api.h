// AdminApi: fabud's HTTP API for systems that queue releases and for ops dashboards — the routes of
// daemon/api_routes.h served by the Boost.Beast HttpServer (http_server/) with the limits of [api].
//
// Thread rules: requests are handled on the server's own threads; start and destroy it from the
// daemon's controlling thread.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "core/error.h"
#include "core/approval.h"
#include "daemon/api_routes.h"
#include "http_server/http_server.h"

namespace fabu {

class AdminApi {
 public:
  // Starts listening as [api] says. Fails with a config error when the address cannot be bound or
  // the TLS certificate or key cannot be loaded. The API stops in the destructor.
  static Result<std::unique_ptr<AdminApi>> start(const ApiConfig& config, std::string instance,
                                                 std::unique_ptr<DeliveryLedger> ledger,
                                                 const Snapshot<ChannelSet>& channels,
                                                 const Snapshot<ApprovalPolicy>& approval, DeliveryLog& log,
                                                 const Snapshot<WorkingCalendar>* calendar = nullptr,
                                                 ApiRoutes::MetricsRenderer more_metrics = {},
                                                 DashboardReaders dashboard = {});
  ~AdminApi();

  // Takes the tokens of a reloaded [api]; every other [api] setting needs a restart.
  void set_tokens(const ApiConfig& config);

 private:
  AdminApi() = default;
  std::unique_ptr<ApiRoutes> routes_;
  std::unique_ptr<HttpServer> server_;  // destroyed first: no request reaches the routes after it
};

// The server options [api] asks for.
HttpServerOptions http_server_options(const ApiConfig& config);

}  // namespace fabu
