// Daemon: one running fabud instance — intake, dispatcher and their Redis connections — for one
// config. It starts in start() and stops in stop() or its destructor (userver-style).
//
// Thread rules: call start(), reload() and stop() from one controlling thread (main's signal loop).
#pragma once

#include <memory>
#include <string>

#include "adapters/adapter.h"
#include "adapters/http_transport.h"
#include "config/config.h"
#include "core/working_days.h"
#include "daemon/account_watch.h"
#include "conference/calendar_file.h"
#include "daemon/retention.h"
#include "daemon/reach_metrics.h"
#include "daemon/reach_source.h"
#include "daemon/channel_set.h"
#include "daemon/delivery_log.h"
#include "daemon/admin_api.h"
#include "daemon/dispatcher.h"
#include "daemon/instance_heartbeat.h"
#include "daemon/intake_worker.h"
#include "daemon/redis_health.h"
#include "daemon/snapshot.h"
#include "daemon/worker_health.h"

namespace fabu {

class Daemon {
 public:
  // Builds the channels (config errors come back as the error), connects to Redis — waiting, with
  // backoff and one log line, while Redis is down, unless `stop_requested` turns true — and starts.
  static std::expected<std::unique_ptr<Daemon>, ConfigErrors> start(std::shared_ptr<const Config> config,
                                                                   const AdapterRegistry& registry,
                                                                   HttpTransportFactory& http,
                                                                   const std::atomic<bool>& stop_requested);
  ~Daemon();

  // Swaps in a new config's channels atomically; on any error the running config stays. Then reads the
  // holiday folder again: a broken one keeps the running calendar (logged), like a refused config.
  // Settings that need a restart (redis, daemon, retry, [api] but its tokens) are reported in the log
  // when they differ; new [[api.tokens]] take effect at once.
  // Token replacements stored in Redis are applied to the new channels before they are installed;
  // then every parked account is unparked (a token still bad parks it again after one attempt).
  ConfigErrors reload(std::shared_ptr<const Config> config);

  // Stops taking work, lets in-flight deliveries finish until the drain deadline, records them.
  // Returns how many were left unfinished (they are reconciled after their lease expires).
  int stop();

  // Logs accounts whose token expires within token_warn_days.
  void warn_expiring_tokens() const;

  // Whether every worker thread is alive. Once one died, the process should exit with
  // exit_code_worker_died (main's loop does) and readiness should fail (the HTTP health check).
  const WorkerHealth& workers() const { return workers_; }

  // The reach poller's counters and the app's reach budget use (nullopt when reach is off).
  std::optional<ReachMetrics> reach_metrics() const;

 private:
  Daemon(std::shared_ptr<const Config> config, std::shared_ptr<const ChannelSet> channels,
         const AdapterRegistry& registry, HttpTransportFactory& http);
  // Reads the holiday folder again; a broken one is logged and the running calendar stays.
  void reload_calendar(const CalendarConfig& config);
  static void start_reach(Daemon& daemon, const Config& config);
  static ReachNoteMaker reach_notes(const Snapshot<ChannelSet>& channels, int retention_days);

  std::shared_ptr<const Config> config_;
  const AdapterRegistry& registry_;
  HttpTransportFactory& http_;
  AdapterEnv env_;
  Snapshot<ChannelSet> channels_;
  Snapshot<ApprovalPolicy> approval_;
  Snapshot<WorkingCalendar> calendar_;  // swapped on reload; the intake and the API read it
  RedisHealth health_;
  WorkerHealth workers_;
  std::unique_ptr<DeliveryLog> log_;
  ExpiredTokens expired_tokens_;  // AccountWatch writes, the dispatcher reads
  AdmittedReleases admitted_;     // the intake writes, the dispatcher reads
  std::unique_ptr<IntakeWorker> intake_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<AccountWatch> accounts_;
  std::unique_ptr<RetentionSweeper> retention_;
  std::unique_ptr<InstanceHeartbeat> heartbeat_;  // the last to go: it says the instance stopped
  std::unique_ptr<CalendarFileWriter> calendar_file_;  // [conference] calendar_file, when set
  std::unique_ptr<ChannelReachSource> reach_source_;
  std::unique_ptr<ReachWorker> reach_;  // null when [reach] calls_per_hour = 0; outlives the dispatcher
  std::unique_ptr<ReachScrape> reach_scrape_;  // reach's /metrics families; outlives the API (declared before api_)
  std::unique_ptr<AdminApi> api_;
  bool stopped_ = false;
};

}  // namespace fabu
