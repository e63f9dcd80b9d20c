// DaemonMetrics: what one fabud process counts as it works, for GET /metrics. Counters only grow
// while the process lives (Prometheus' rate() handles restarts); the queue's state is read from Redis
// at each scrape instead (daemon/scrape_metrics.h).
//
// Families: fabu_build_info, fabu_deliveries_total{channel,outcome}, fabu_delivery_duration_seconds
// {channel}, fabu_releases_total{result}, fabu_releases_rejected_total{reason}. Label values come from
// bounded sets (the enums below, configured channel names), never from free text.
//
// Thread rules: thread-safe; delivery() is on the dispatcher's hot path and allocates nothing once a
// (channel, outcome) pair has been seen.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "metrics/metrics.h"

namespace fabu {

// What became of one delivery result, as the metrics name it: the ledger's completion outcomes, a
// circuit breaker's hold (not sent; recorded as a rate limit, counted apart), and a result the ledger
// refused as stale.
enum class DeliveryOutcome { delivered, retrying, rate_limited, breaker_hold, needs_auth, dead, stale };
std::string_view to_string(DeliveryOutcome outcome);

// Why the intake refused a release: a bounded set of classes for the metrics and the log line (the
// reasons themselves are in the rejects record).
enum class RejectReason {
  format,        // unknown payload format
  invalid,       // does not parse or does not validate as a release
  approval,      // approval signature missing or not verifying
  unplannable,   // names channels or targets the config does not have
  unexaminable,  // examining it threw
  poison,        // handed out too often without being decided
  no_release,    // a stream entry without a `release` field
  conflict,      // same id and revision, other content (or the release was retracted)
  stale,         // an older revision than the one admitted
  refused,       // Redis' admit script refused it
};
std::string_view to_string(RejectReason reason);

// Bucket bounds of fabu_delivery_duration_seconds: a platform call takes tens of milliseconds to the
// request timeout (15 s by default).
inline constexpr double kDeliveryDurationBounds[] = {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60};

class DaemonMetrics {
 public:
  DaemonMetrics();

  // One delivery result the ledger applied (or refused as stale). `seconds`: how long the adapter
  // took; nullopt when nothing was sent (a breaker hold).
  void delivery(std::string_view channel, DeliveryOutcome outcome, std::optional<double> seconds);
  // A release the intake decided: result admitted, duplicate, held or rejected.
  void intake(std::string_view result);
  void rejected(RejectReason reason);

  void render(std::string& out) const { registry_.render(out); }

 private:
  MetricsRegistry registry_;
  CounterFamily& deliveries_;
  HistogramFamily& duration_;
  CounterFamily& releases_;
  CounterFamily& rejects_;
};

}  // namespace fabu
