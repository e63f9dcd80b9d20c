// Delivery log: one JSON line per delivery state change, for ops to grep, ship and alert on.
//
// Fields: ts, event ("delivery"), release, channel, destination, outcome, attempt, latency_ms, and where
// known post_id, url, note, error, error_kind, next_at. A line is written once the ledger has applied
// the result; a result the ledger refused (fencing: the attempt was no longer current) is logged with
// outcome "stale" and the outcome it reported in `reported`. Access tokens never appear: adapters keep
// them out of error messages and nothing else here sees one. Thread-safe (spdlog).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "queue/delivery_ledger.h"

namespace fabu {

class DeliveryLog {
 public:
  explicit DeliveryLog(std::shared_ptr<spdlog::logger> sink) : sink_(std::move(sink)) {}
  // A result the ledger applied.
  void record(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms);
  // A result the ledger refused as stale: another attempt (or none) holds the delivery now.
  void stale(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms);
  // A release the intake refused, held or admitted, as one JSON line too. `detail` names screen
  // matches only in their masked form.
  void intake(std::string_view event, const std::string& release_id, const std::string& detail);

  // Deliveries recorded by this process since it started, by outcome (for /metrics).
  std::int64_t count(CompletionOutcome outcome) const { return counts_[static_cast<std::size_t>(outcome)].load(); }
  std::int64_t stale_count() const { return stale_.load(); }
  std::int64_t intake_count(std::string_view event) const;

 private:
  std::shared_ptr<spdlog::logger> sink_;
  std::array<std::atomic<std::int64_t>, 5> counts_{};
  std::atomic<std::int64_t> stale_{0};
  std::atomic<std::int64_t> admitted_{0}, rejected_{0}, duplicates_{0}, held_{0};
};

}  // namespace fabu
