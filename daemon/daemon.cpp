#include "daemon/daemon.h"

#include <thread>

#include <spdlog/spdlog.h>

#include "config/holiday_files.h"
#include "core/clock.h"
#include "core/deadline.h"
#include "daemon/log_sink.h"
#include "metrics/metrics.h"

namespace fabu {
namespace {

std::unique_ptr<DeliveryLedger> connect_waiting(const RedisConfig& redis, const std::atomic<bool>& stop_requested) {
  int failures = 0;
  while (!stop_requested.load()) {
    auto ledger = DeliveryLedger::connect(redis);
    if (ledger) {
      if (failures > 0) spdlog::info("connected to redis at {}:{}", redis.host, redis.port);
      return std::move(*ledger);
    }
    if (failures == 0) {
      spdlog::warn("waiting for redis at {}:{} ({}); retrying with backoff", redis.host, redis.port,
                   ledger.error().message);
    }
    std::this_thread::sleep_for(redis_retry_delay(++failures));
  }
  return nullptr;
}

// Said at every start and reload, so that a demo setting cannot go unnoticed in production.
void warn_if_unsigned_accepted(const ApprovalPolicy& approval) {
  if (approval.require_signature) return;
  spdlog::warn("approval.require_signature = false: releases WITHOUT an approval signature are published. "
               "This setting is for demonstrations only; set it to true and list reviewer keys in [[approval.keys]]");
}

std::string years_of(const WorkingCalendar& calendar) {
  std::string out;
  for (const int year : calendar.years()) out += (out.empty() ? "" : ", ") + std::to_string(year);
  return out.empty() ? "none" : out;
}

// The working-day calendar for Art. 26 deadlines, or the folder's problems (a half-read calendar would
// misstate deadlines). Missing years are warned about, never guessed: a release whose deadline falls
// into one is admitted without a deadline.
std::expected<std::shared_ptr<const WorkingCalendar>, ConfigErrors> read_calendar(const CalendarConfig& config) {
  auto calendar = load_working_calendar(config.holidays_dir);
  if (!calendar) return std::unexpected(std::move(calendar.error()));
  spdlog::info("calendar: {}: years {}", config.holidays_dir, years_of(*calendar));
  for (const int year : missing_calendar_years(*calendar, china_date(unix_now_ms() / 1000))) {
    spdlog::warn("calendar: {} (in {}); deadlines that reach into {} stay unknown", MissingYear{year}.message(),
                 config.holidays_dir, year);
  }
  return std::make_shared<const WorkingCalendar>(std::move(*calendar));
}

// At start a broken folder leaves fabud without deadlines rather than without intake.
std::shared_ptr<const WorkingCalendar> load_calendar(const CalendarConfig& config) {
  auto calendar = read_calendar(config);
  if (calendar) return *calendar;
  for (const auto& e : calendar.error()) spdlog::warn("calendar: {}", e.to_string());
  return std::make_shared<const WorkingCalendar>();
}

}  // namespace

// Reach polling (reach/reach_poller.h), when [reach] calls_per_hour > 0: a worker with its own Redis
// connection, told of each post a delivery put out.
void Daemon::start_reach(Daemon& daemon, const Config& config) {
  if (config.reach.calls_per_hour <= 0) return;
  ReachOptions options;
  options.followers_every = config.reach.followers_every;
  options.calls_per_hour = config.reach.calls_per_hour;
  daemon.reach_source_ = std::make_unique<ChannelReachSource>(daemon.channels_, config.retry.request_timeout);
  auto poller = std::make_unique<ReachPoller>(
      options, make_redis_reach_book(config.redis, config.daemon.retention_days), *daemon.reach_source_);
  daemon.reach_ = std::make_unique<ReachWorker>(std::move(poller), unix_now_ms, std::chrono::seconds(30));
}

// Only publishes are followed (not retractions or correction notes), on channels that read reach.
ReachNoteMaker Daemon::reach_notes(const Snapshot<ChannelSet>& channels, int retention_days) {
  const std::int64_t retention_ms = std::int64_t{retention_days} * 24 * 3'600'000;
  return [&channels, retention_ms](const ClaimedDelivery& delivery, const DeliveryReceipt& receipt,
                                   std::int64_t now_ms) -> std::optional<ReachNote> {
    if (delivery.operation != Operation::publish || receipt.post_id.empty()) return std::nullopt;
    const Adapter* adapter = channels.get()->find(delivery.channel);
    if (adapter == nullptr || !adapter->reads_reach()) return std::nullopt;
    return ReachNote{{delivery.release_id, delivery.channel, delivery.destination, receipt.post_id, now_ms},
                     retention_ms};
  };
}

std::optional<ReachMetrics> Daemon::reach_metrics() const {
  if (!reach_) return std::nullopt;
  return reach_->metrics();
}

Daemon::Daemon(std::shared_ptr<const Config> config, std::shared_ptr<const ChannelSet> channels,
               const AdapterRegistry& registry, HttpTransportFactory& http)
    : config_(std::move(config)),
      registry_(registry),
      http_(http),
      channels_(std::move(channels)),
      approval_(std::make_shared<const ApprovalPolicy>(config_->approval)),
      calendar_(load_calendar(config_->calendar)) {}

std::expected<std::unique_ptr<Daemon>, ConfigErrors> Daemon::start(std::shared_ptr<const Config> config,
                                                                  const AdapterRegistry& registry,
                                                                  HttpTransportFactory& http,
                                                                  const std::atomic<bool>& stop_requested) {
  AdapterEnv env{&http, config->retry.request_timeout};
  auto channels = ChannelSet::create(*config, registry, env);
  if (!channels) return std::unexpected(channels.error());
  std::unique_ptr<Daemon> daemon(new Daemon(config, *channels, registry, http));
  daemon->env_ = env;

  // The clone shares the default logger's sinks, whose JSON formatter merges this logger's objects.
  auto sink = spdlog::default_logger()->clone(std::string(kEventLoggerName));
  std::unique_ptr<LedgerLog> stream;
  if (config->daemon.log_stream_max > 0) stream = std::make_unique<LedgerLog>(config->redis, config->daemon.log_stream_max);
  daemon->log_ = std::make_unique<DeliveryLog>(sink, std::move(stream));

  const RedisConfig& redis = config->redis;
  auto control = connect_waiting(redis, stop_requested);
  if (!control) return std::unexpected(ConfigErrors{});  // stopped while waiting: nothing to report
  if (auto aof = control->aof_enabled(); aof && !*aof) {
    spdlog::warn(
        "redis at {}:{} has append-only persistence off: a Redis crash can lose admitted releases and "
        "delivery states. Set `appendonly yes` and `appendfsync everysec` (or `always`) in redis.conf.",
        redis.host, redis.port);
  }
  if (auto lanes = control->set_lanes((*channels)->all_lanes()); !lanes) {
    spdlog::warn("could not publish lane limits yet: {}", lanes.error().message);
  }
  if (auto breaker = control->set_breaker({config->retry.breaker_failures, config->retry.breaker_cooloff}); !breaker) {
    spdlog::warn("could not publish the circuit-breaker settings yet: {}", breaker.error().message);
  }
  // Before the first claim, so no delivery goes out with a token an operator already replaced.
  if (auto overrides = control->token_overrides()) apply_token_overrides(**channels, overrides->overrides);

  auto intake_ledger = connect_waiting(redis, stop_requested);
  auto dispatch_ledger = connect_waiting(redis, stop_requested);
  auto wake_ledger = connect_waiting(redis, stop_requested);
  if (!intake_ledger || !dispatch_ledger || !wake_ledger) return std::unexpected(ConfigErrors{});

  const DaemonConfig& d = config->daemon;
  daemon->intake_ = std::make_unique<IntakeWorker>(d.instance, d.intake_reclaim_idle, d.intake_max_claims,
                                                   std::move(intake_ledger), daemon->channels_, daemon->approval_,
                                                   daemon->health_, daemon->workers_, *daemon->log_,
                                                   &daemon->calendar_, &daemon->admitted_);
  start_reach(*daemon, *config);
  DispatcherOptions options;
  if (daemon->reach_) options.reach_note = reach_notes(daemon->channels_, d.retention_days);
  options.owner = d.instance;
  options.max_in_flight = d.max_in_flight;
  options.claim_batch = d.claim_batch;
  options.lease = d.lease;
  options.request_timeout = config->retry.request_timeout;
  options.retry = RetryPolicy{config->retry.max_attempts, config->retry.base, config->retry.cap, config->retry.jitter,
                              config->retry.in_doubt_wait};
  options.breaker_failures = config->retry.breaker_failures;
  options.breaker_cooloff = config->retry.breaker_cooloff;
  options.workers = &daemon->workers_;
  options.expired_tokens = &daemon->expired_tokens_;
  options.admitted = &daemon->admitted_;
  daemon->dispatcher_ = std::make_unique<Dispatcher>(options, std::move(dispatch_ledger), std::move(wake_ledger),
                                                     daemon->channels_, daemon->health_, *daemon->log_);
  // Before the first claim: its first pass has published the lanes whose token expired.
  daemon->accounts_ = std::make_unique<AccountWatch>(std::move(control), daemon->channels_, d.token_warn_days,
                                                    std::chrono::seconds(1), &daemon->workers_,
                                                    &daemon->expired_tokens_);
  daemon->intake_->start();
  daemon->dispatcher_->start();
  auto retention_ledger = connect_waiting(redis, stop_requested);
  if (!retention_ledger) return std::unexpected(ConfigErrors{});
  daemon->retention_ = std::make_unique<RetentionSweeper>(std::move(retention_ledger), d.retention_days,
                                                          std::chrono::minutes(10), &daemon->workers_);
  daemon->heartbeat_ = std::make_unique<InstanceHeartbeat>(redis, d.instance, d.lease);
  if (!config->conference.calendar_file.empty()) {
    auto calendar_ledger = connect_waiting(redis, stop_requested);
    if (!calendar_ledger) return std::unexpected(ConfigErrors{});
    // The channels of the snapshot current at each write: a reload changes links and names at once.
    SeriesLookup lookup = [channels = &daemon->channels_](const Release& notice) {
      return channels->get()->conference_settings(notice);
    };
    daemon->calendar_file_ = std::make_unique<CalendarFileWriter>(std::move(calendar_ledger), std::move(lookup),
                                                                  config->conference.calendar_file);
  }
  if (!config->api.listen.empty()) {
    auto api_ledger = connect_waiting(redis, stop_requested);
    if (!api_ledger) return std::unexpected(ConfigErrors{});
    if (daemon->reach_) {
      daemon->reach_scrape_ = std::make_unique<ReachScrape>(
          *daemon->reach_, *daemon->reach_source_,
          make_redis_reach_book(config->redis, config->daemon.retention_days), config->reach.calls_per_hour);
    }
    // The families that come from elsewhere than the ledger: the lanes this instance owns, and reach's.
    ApiRoutes::MetricsRenderer more_metrics = [heartbeat = daemon->heartbeat_.get(),
                                               scrape = daemon->reach_scrape_.get()](std::string& out) {
      MetricsRegistry registry;
      registry.gauge("fabu_lanes_owned", "Lanes this instance owns (fabuctl lanes, column OWNER).")
          .with({})
          .set(heartbeat->lanes_owned());
      registry.render(out);
      if (scrape != nullptr) scrape->render(out, unix_now_ms());
    };
    // The dashboard's readers (GET /v1/dashboard, /v1/log), on connections of their own.
    DashboardReaders dashboard{nullptr, make_redis_reach_book(config->redis, config->daemon.retention_days),
                               std::make_unique<InstanceRegistry>(config->redis)};
    if (config->daemon.log_stream_max > 0) {
      dashboard.log = std::make_unique<LedgerLog>(config->redis, config->daemon.log_stream_max);
    }
    auto api = AdminApi::start(config->api, d.instance, std::move(api_ledger), daemon->channels_,
                               daemon->approval_, *daemon->log_, &daemon->calendar_, std::move(more_metrics),
                               std::move(dashboard));
    if (!api) return std::unexpected(ConfigErrors{{config->source_path, 0, 0, api.error().message}});
    daemon->api_ = std::move(*api);
  }
  warn_if_unsigned_accepted(config->approval);
  spdlog::info("fabud {} started: {} channel(s), up to {} deliveries in flight, redis {}:{}", d.instance,
               (*channels)->names().size(), d.max_in_flight, redis.host, redis.port);
  return daemon;
}

Daemon::~Daemon() { stop(); }

ConfigErrors Daemon::reload(std::shared_ptr<const Config> config) {
  AdapterEnv env{&http_, config->retry.request_timeout};
  auto channels = ChannelSet::create(*config, registry_, env);
  if (!channels) return channels.error();
  const auto& old = *config_;
  if (old.redis.host != config->redis.host || old.redis.port != config->redis.port ||
      old.redis.prefix != config->redis.prefix || old.redis.db != config->redis.db) {
    spdlog::warn("reload: [redis] changes take effect only after a restart");
  }
  if (old.daemon.max_in_flight != config->daemon.max_in_flight || old.daemon.claim_batch != config->daemon.claim_batch ||
      old.daemon.lease != config->daemon.lease || old.retry.max_attempts != config->retry.max_attempts ||
      old.retry.base != config->retry.base || old.retry.cap != config->retry.cap ||
      old.retry.jitter != config->retry.jitter || old.retry.in_doubt_wait != config->retry.in_doubt_wait) {
    spdlog::warn("reload: [daemon] and [retry] changes take effect only after a restart");
  }
  if (api_ && old.api.tokens != config->api.tokens) {
    api_->set_tokens(config->api);
    spdlog::info("reload: the HTTP API now accepts {} token(s)", config->api.tokens.size());
  }
  ApiConfig api_without_tokens = config->api;
  api_without_tokens.tokens = old.api.tokens;
  if (api_without_tokens != old.api) spdlog::warn("reload: [api] changes other than tokens take effect only after a restart");
  auto control = DeliveryLedger::connect(config_->redis);
  if (control) {
    if (auto lanes = (*control)->set_lanes((*channels)->all_lanes()); !lanes) {
      spdlog::warn("reload: could not publish lane limits: {}", lanes.error().message);
    }
    if (auto overrides = (*control)->token_overrides()) apply_token_overrides(**channels, overrides->overrides);
  }
  channels_.set(*channels);
  approval_.set(std::make_shared<const ApprovalPolicy>(config->approval));
  warn_if_unsigned_accepted(config->approval);
  reload_calendar(config->calendar);
  config_ = std::move(config);
  spdlog::info("reloaded {}: {} channel(s)", config_->source_path, (*channels)->names().size());
  // The reload may carry new tokens: give every parked account one more try with the new channels.
  if (accounts_) accounts_->publish_expired();  // the new tokens' expiry dates, before unparking
  if (control) {
    if (auto lanes = (*control)->lanes()) {
      for (const auto& lane : *lanes) {
        if (lane.parked_reason.empty()) continue;
        if (auto unparked = (*control)->unpark_lane(lane.lane, unix_now_ms()); unparked) {
          spdlog::info("reload: account lane {} unparked; its held deliveries are tried again", lane.lane);
        }
      }
    }
  }
  warn_expiring_tokens();
  return {};
}

void Daemon::reload_calendar(const CalendarConfig& config) {
  auto calendar = read_calendar(config);
  if (!calendar) {
    for (const auto& e : calendar.error()) {
      spdlog::error("reload: calendar refused, keeping the running one (years {}): {}", years_of(*calendar_.get()),
                    e.to_string());
    }
    return;
  }
  calendar_.set(std::move(*calendar));
}

int Daemon::stop() {
  if (stopped_) return 0;
  stopped_ = true;
  spdlog::info("stopping: no new work is taken; finishing what is in flight (deadline {} s)",
               config_->daemon.drain_deadline.count());
  api_.reset();  // no new submissions while draining
  accounts_.reset();
  retention_.reset();
  calendar_file_.reset();
  if (intake_) intake_->stop();
  int left = 0;
  if (dispatcher_) {
    dispatcher_->begin_drain();
    left = dispatcher_->wait_drained(std::chrono::steady_clock::now() + config_->daemon.drain_deadline);
  }
  intake_.reset();
  dispatcher_.reset();
  reach_scrape_.reset();  // the API that read it is gone
  reach_.reset();  // after the dispatcher, which tells it of the last deliveries
  heartbeat_.reset();  // announces the instance stopped, now that nothing of it works on
  if (left > 0) {
    spdlog::warn("{} deliveries were still in flight at the deadline; they were handed back in doubt and are "
                 "looked for on the platform before any resend", left);
  } else {
    spdlog::info("stopped cleanly");
  }
  return left;
}

void Daemon::warn_expiring_tokens() const {
  if (accounts_) accounts_->warn_expiring_tokens();
}

}  // namespace fabu
