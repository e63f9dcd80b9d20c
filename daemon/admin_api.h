// AdminApi: fabud's HTTP API for systems that queue releases and for ops dashboards.
//
//   POST /v1/releases          a release as JSON (or TOML with Content-Type application/toml):
//                              202 {"id","deliveries","intake_entry"} or 422 {"errors":[{"path","reason"}]};
//                              202 {"id","held":true,"screen_digest","matches","intake_entry"} when the
//                              privacy screen will hold it
//   GET  /v1/releases/{id}     its deliveries with state, attempts, post id / URL, last error (404 if unknown)
//   GET  /v1/rejects?limit=N   refused releases with reasons
//   GET  /v1/dead?limit=N      the dead-letter record
//   GET  /v1/held?limit=N      releases held by the privacy screen: masked matches, screen digest
//   GET  /v1/health            {"redis","intake_depth","instance"}; 503 while Redis is unreachable
//   GET  /metrics              Prometheus text format
//
// It validates with the same code as the intake worker, so an accepted release is admitted. It has no
// authentication of its own: bind it to loopback (the default) or put it behind the office's gateway.
// Thread rules: requests arrive on cpprestsdk threads; the Redis connection is used under a mutex.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/error.h"
#include "core/approval.h"
#include "daemon/channel_set.h"
#include "daemon/delivery_log.h"
#include "daemon/snapshot.h"
#include "queue/delivery_ledger.h"

namespace fabu {

class AdminApi {
 public:
  // Starts listening on `listen_url` (e.g. "http://127.0.0.1:8780"). The API stops in the destructor.
  static Result<std::unique_ptr<AdminApi>> start(const std::string& listen_url, std::string instance,
                                                 std::unique_ptr<DeliveryLedger> ledger,
                                                 const Snapshot<ChannelSet>& channels,
                                                 const Snapshot<ApprovalPolicy>& approval, const DeliveryLog& log);
  ~AdminApi();

 private:
  struct Impl;
  explicit AdminApi(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fabu
