// ApiRoutes: what fabud's HTTP API answers, apart from the server that carries it (http_server/).
//
//   POST /v1/releases          role submit: a release as JSON (or TOML with Content-Type application/toml):
//                              202 {"id","deliveries","intake_entry"} or 422 {"errors":[{"path","reason"}]};
//                              202 {"id","held":true,"screen_digest","matches","intake_entry"} when the
//                              privacy screen will hold it
//   GET  /v1/releases/{id}     role read: its deliveries with state, attempts, post id / URL, last error
//                              (404 if unknown)
//   POST /v1/releases/{id}/retract            role operate: {"reason"} -> 202 {"id","cancelled","retractions",
//                                             "waiting"}; 200 when retracted already; 404 unknown; 422 no reason
//   POST /v1/releases/{id}/corrections        role submit: the corrected release (revision >= 2, same id), as
//                                             POST /v1/releases; 422 when the id or revision does not fit
//   POST /v1/releases/{id}/reschedule         role operate: {"publish_at": ISO 8601 with offset} -> 200
//   POST /v1/releases/{id}/schedule/cancel    role operate: -> 200; both 409 once a delivery started (retract
//                                             instead) or the release is closed, 404 unknown
//   GET  /v1/schedules?limit=N role read: releases due later, soonest first, times in +08:00
//   GET  /v1/conferences.ics   role read: the press conferences as iCalendar (conference/calendar.h)
//   POST /v1/conferences/{id}/cancel         role operate: {"reason"} -> unsent steps cancelled, the
//                                             cancellation notice queued when anything went out
//                                             (daemon/conference_actions.h): 202 {"id","cancelled",
//                                             "notice","deliveries"} when one was queued now, else 200;
//                                             409 closed already; 404 unknown; 422 no reason or refused
//                                             by the privacy screen {"errors":[{"path","reason"}]}
//   POST /v1/conferences/{id}/record         role operate: {"markdown"} -> the record (实录) queued as
//                                             <id>.record (a changed one corrects it): 202 {"id","record",
//                                             "revision","deliveries"}, 200 when queued before; 404, 409, 422
//                                             as cancel
//   GET  /v1/rejects?limit=N   role read: refused releases with reasons
//   GET  /v1/dead?limit=N      role read: the dead-letter record
//   GET  /v1/held?limit=N      role read: releases held by the privacy screen (masked matches, digest)
//   POST /v1/dead/{delivery id}/retry        role operate: requeues a dead letter -> 200 {"id","retried":true};
//                                             404 when it is not a dead letter
//   POST /v1/dead/{delivery id}/drop         role operate: drops it from the dead letters for good -> 200
//                                             {"id","dropped":true}; 404 when it is not a dead letter
//   GET  /v1/dashboard         role read: every panel of the dashboard in one reply (api_dashboard.cpp)
//   GET  /v1/log?after=ID&limit=N             role read: the delivery log stream's entries after ID (the
//                                             newest N without `after`), oldest first; 422 when ID is not
//                                             "<ms>-<seq>" of two unsigned 64-bit numbers
//   GET  /v1/instances         role read: the fabud instances on this Redis (queue/instance_registry.h)
//   GET  /, /dashboard/...     no token: the dashboard's page and assets (dashboard/), which hold no data
//   GET  /v1/health            no token: {"redis","intake_depth","instance"}; 503 while Redis is unreachable
//   GET  /metrics              role read: Prometheus text format
//
// Every route but /v1/health needs `Authorization: Bearer <token>` of a token holding the route's role
// (`operate` implies `read`): 401 with `WWW-Authenticate: Bearer` when the token is missing or unknown,
// 403 when it lacks the role. With no tokens configured (allowed on loopback only) nothing is checked.
// A method a route does not take is 405 with `Allow`, before any token check. `?limit=N` is a whole
// number from 1 to 10000 (422 otherwise). 401s are logged with the client's address, at most one line
// a minute (counting the rest); 403s and refused submissions (413, 422) one line each, naming the token.
// It validates with the same code as the intake worker, so an accepted release is admitted.
// Thread rules: handle() and set_tokens() may be called from several threads; the one Redis connection
// is used under a mutex.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/working_days.h"
#include "core/approval.h"
#include "daemon/api_log_throttle.h"
#include "daemon/channel_set.h"
#include "daemon/delivery_log.h"
#include "daemon/snapshot.h"
#include "http_server/bearer_tokens.h"
#include "http_server/http_server.h"
#include "queue/delivery_ledger.h"
#include "queue/instance_registry.h"
#include "queue/ledger_log.h"
#include "queue/reach_book.h"

namespace fabu {

// What the dashboard's routes read besides the ledger, each on a connection of its own; any may be
// null (its panel is then empty).
struct DashboardReaders {
  std::unique_ptr<LedgerLog> log;
  std::unique_ptr<ReachBook> reach;
  std::unique_ptr<InstanceRegistry> instances;  // the Instances panel (fabuctl instances)
};

class ApiRoutes {
 public:
  // Appends more families to GET /metrics (e.g. reach); called from any request thread.
  using MetricsRenderer = std::function<void(std::string& out)>;

  // `calendar` (may be null) lets a submit reply warn about a late or nearly late release.
  ApiRoutes(std::string instance, std::unique_ptr<DeliveryLedger> ledger, const Snapshot<ChannelSet>& channels,
            const Snapshot<ApprovalPolicy>& approval, DeliveryLog& log, BearerTokens tokens,
            const Snapshot<WorkingCalendar>* calendar = nullptr, MetricsRenderer more_metrics = {},
            DashboardReaders dashboard = {});

  // Never throws.
  HttpServerResponse handle(const HttpServerRequest& request);

  // Replaces the tokens (on reload); requests already being checked finish with the old ones.
  void set_tokens(BearerTokens tokens);

 private:
  HttpServerResponse route(const HttpServerRequest& request);
  // POST /v1/releases, and a correction once its path was checked. `caller`: the token's name.
  HttpServerResponse submit(const HttpServerRequest& request, const std::string& caller);
  // api_lifecycle.cpp: POST /v1/releases/{id}/..., GET /v1/schedules.
  // `caller`: the token's name, for the operator events in the log.
  HttpServerResponse lifecycle(const HttpServerRequest& request, const std::vector<std::string>& path,
                               const std::string& caller);
  HttpServerResponse schedules(const HttpServerRequest& request);
  HttpServerResponse conference_calendar();  // GET /v1/conferences.ics (api_lifecycle.cpp)
  // POST /v1/conferences/{id}/cancel and /record (api_lifecycle.cpp).
  HttpServerResponse conference(const HttpServerRequest& request, const std::vector<std::string>& path,
                                const std::string& caller);
  HttpServerResponse release(const std::string& id);
  HttpServerResponse rejects(const HttpServerRequest& request);
  HttpServerResponse dead(const HttpServerRequest& request);
  HttpServerResponse held(const HttpServerRequest& request);
  HttpServerResponse health();
  HttpServerResponse metrics();
  // api_dashboard.cpp: the dashboard's JSON and the dead-letter retry and drop. `can_operate`: whether the
  // caller's token may retry and retract (the page says why its buttons are disabled otherwise).
  HttpServerResponse dashboard(bool can_operate);
  HttpServerResponse log_entries(const HttpServerRequest& request);
  // GET /v1/instances: the instance registry's entries with their state now (as the dashboard's panel).
  HttpServerResponse instances();
  HttpServerResponse dead_letter_action(const std::vector<std::string>& path, const std::string& caller);

  std::string instance_;
  std::unique_ptr<DeliveryLedger> ledger_;
  std::mutex ledger_mu_;  // one hiredis connection: one request at a time uses it
  const Snapshot<ChannelSet>& channels_;
  const Snapshot<ApprovalPolicy>& approval_;
  DeliveryLog& log_;
  Snapshot<BearerTokens> tokens_;
  LogThrottle unauthorized_log_{60'000};  // 401s: a flood of them writes a line a minute
  const Snapshot<WorkingCalendar>* calendar_;  // swapped on reload; null = no deadline warnings
  MetricsRenderer more_metrics_;
  std::mutex dashboard_mu_;  // the readers' connections: one request at a time uses them
  DashboardReaders dashboard_;
};

}  // namespace fabu
