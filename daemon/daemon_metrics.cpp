#include "daemon/daemon_metrics.h"

#include <iterator>

#include "core/version.h"

namespace fabu {

std::string_view to_string(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::delivered: return "delivered";
    case DeliveryOutcome::retrying: return "retrying";
    case DeliveryOutcome::rate_limited: return "rate_limited";
    case DeliveryOutcome::breaker_hold: return "breaker_hold";
    case DeliveryOutcome::needs_auth: return "needs_auth";
    case DeliveryOutcome::dead: return "dead";
    case DeliveryOutcome::stale: return "stale";
  }
  return "unknown";
}

std::string_view to_string(RejectReason reason) {
  switch (reason) {
    case RejectReason::format: return "format";
    case RejectReason::invalid: return "invalid";
    case RejectReason::approval: return "approval";
    case RejectReason::unplannable: return "unplannable";
    case RejectReason::unexaminable: return "unexaminable";
    case RejectReason::poison: return "poison";
    case RejectReason::no_release: return "no_release";
    case RejectReason::conflict: return "conflict";
    case RejectReason::stale: return "stale";
    case RejectReason::refused: return "refused";
  }
  return "unknown";
}

DaemonMetrics::DaemonMetrics()
    : deliveries_(registry_.counter("fabu_deliveries_total",
                                    "Delivery results recorded by this instance, by channel and outcome.",
                                    {"channel", "outcome"})),
      duration_(registry_.histogram("fabu_delivery_duration_seconds",
                                    "How long a channel's platform took to answer a delivery attempt.",
                                    {std::begin(kDeliveryDurationBounds), std::end(kDeliveryDurationBounds)},
                                    {"channel"})),
      releases_(registry_.counter("fabu_releases_total", "Releases taken from the intake by this instance, by result.",
                                  {"result"})),
      rejects_(registry_.counter("fabu_releases_rejected_total",
                                 "Releases the intake refused, by reason class (the reasons are in fabuctl rejects).",
                                 {"reason"})) {
  registry_
      .gauge("fabu_build_info", "The fabu version this instance runs (always 1).", {"version", "revision"})
      .with({version(), revision()})
      .set(1);
  for (const char* result : {"admitted", "rejected", "duplicate", "held"}) releases_.with({result});
  for (int r = 0; r <= static_cast<int>(RejectReason::refused); ++r) rejects_.with({to_string(static_cast<RejectReason>(r))});
}

void DaemonMetrics::delivery(std::string_view channel, DeliveryOutcome outcome, std::optional<double> seconds) {
  deliveries_.with({channel, to_string(outcome)}).inc();
  if (seconds) duration_.with({channel}).observe(*seconds);
}

void DaemonMetrics::intake(std::string_view result) { releases_.with({result}).inc(); }

void DaemonMetrics::rejected(RejectReason reason) {
  rejects_.with({to_string(reason)}).inc();
  releases_.with({"rejected"}).inc();
}

}  // namespace fabu
