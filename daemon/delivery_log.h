// Delivery log: one JSON line per delivery state change, for ops to grep, ship and alert on.
//
// Fields: event ("delivery"), release, channel, destination, outcome, attempt, latency_ms, and where
// known in_doubt, post_id, url, note, error, error_kind, next_at_ms; the log sink adds time and level
// (daemon/log_sink.h). Intake events: event (admitted, duplicate, held, rejected, conflict, corrected,
// stale), release, detail. Operator events: event "operator", action (retract, schedule_cancel,
// reschedule, conference_cancel, conference_record, dlq_retry, dlq_drop, set_token), by (the API token's name or the OS user), via (api or
// fabuctl), and the action's own fields (release, ids, reason, result, ...). A line is written once the ledger has applied
// the result; a result the ledger refused (fencing: the attempt was no longer current) is logged with
// outcome "stale" and the outcome it reported in `reported`. Access tokens never appear: adapters keep
// them out of error messages and nothing else here sees one.
//
// With a LedgerLog, every event also goes to the Redis stream `log` (with time and level in the
// object): events are kept until flush() sends them in one pipelined round trip (the dispatcher
// flushes once per batch of completions, the intake worker once per batch of entries).
// Every result and intake decision is also counted in metrics() (daemon/daemon_metrics.h).
// Thread-safe: spdlog is; the pending events and the stream's connection are guarded by one mutex.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <spdlog/logger.h>

#include "daemon/daemon_metrics.h"
#include "queue/delivery_ledger.h"
#include "queue/ledger_log.h"

namespace fabu {

// An operator's action as a log event: {"event":"operator","action","by","via"} and `fields`.
nlohmann::json operator_event(std::string_view action, std::string_view by, std::string_view via,
                              const nlohmann::json& fields);
// An event as the Redis stream keeps it: the object with its `time` (now) and `level` added in front,
// as in the log file's line.
std::string stream_line(const nlohmann::json& event, spdlog::level::level_enum level);
// The same for an event already written as a JSON object ("{...}").
std::string stream_line(std::string_view event_object, spdlog::level::level_enum level);

class DeliveryLog {
 public:
  // `stream` may be null: no Redis copy.
  explicit DeliveryLog(std::shared_ptr<spdlog::logger> sink, std::unique_ptr<LedgerLog> stream = nullptr);
  ~DeliveryLog();
  // A result the ledger applied. `breaker_hold`: not sent, held by the channel's circuit breaker.
  void record(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms,
              bool breaker_hold = false);
  // A result the ledger refused as stale: another attempt (or none) holds the delivery now.
  void stale(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms);
  // A release the intake refused, held or admitted, as one JSON line too. `detail` names screen
  // matches only in their masked form.
  void intake(std::string_view event, const std::string& release_id, const std::string& detail);
  // A release the intake refused before admission ("rejected", with its reason class in the line).
  void rejected(RejectReason reason, const std::string& release_id, const std::string& detail);
  // What an operator did through the API, as an "operator" event (operator_event()), sent at once.
  void operator_action(const nlohmann::json& event);
  // Flushes the log file's lines (this log does not flush line by line: its callers flush once per
  // batch) and sends the events recorded since the last flush to the Redis stream (one round trip; none
  // when there are none or there is no stream). A failure is logged as a warning and those events are
  // dropped from the stream only.
  void flush();

  // Deliveries recorded by this process since it started, by outcome (for /metrics).
  std::int64_t count(CompletionOutcome outcome) const { return counts_[static_cast<std::size_t>(outcome)].load(); }
  std::int64_t stale_count() const { return stale_.load(); }
  std::int64_t intake_count(std::string_view event) const;
  const DaemonMetrics& metrics() const { return metrics_; }

 private:
  // `event_object` is one JSON object, "{...}".
  void write(spdlog::level::level_enum level, std::string_view event_object);

  std::shared_ptr<spdlog::logger> sink_;
  std::mutex stream_mutex_;
  std::unique_ptr<LedgerLog> stream_;  // guarded by stream_mutex_
  std::vector<std::string> pending_;   // guarded by stream_mutex_
  bool stream_failing_ = false;        // guarded by stream_mutex_: warn once per outage
  std::array<std::atomic<std::int64_t>, 5> counts_{};
  std::atomic<std::int64_t> stale_{0};
  std::atomic<std::int64_t> admitted_{0}, rejected_{0}, duplicates_{0}, held_{0};
  DaemonMetrics metrics_;
};

}  // namespace fabu
