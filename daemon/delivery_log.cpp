#include "daemon/delivery_log.h"

#include <chrono>

#include <nlohmann/json.hpp>

namespace fabu {
namespace {

std::string now_iso() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

nlohmann::json delivery_line(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms) {
  nlohmann::json line = {
      {"ts", now_iso()},
      {"event", "delivery"},
      {"release", delivery.release_id},
      {"channel", delivery.channel},
      {"destination", delivery.destination},
      {"outcome", to_string(completion.outcome)},
      {"attempt", delivery.attempt},
      {"latency_ms", latency_ms},
  };
  if (delivery.in_doubt) line["in_doubt"] = true;
  if (!completion.receipt.post_id.empty()) line["post_id"] = completion.receipt.post_id;
  if (!completion.receipt.url.empty()) line["url"] = completion.receipt.url;
  if (!completion.receipt.note.empty()) line["note"] = completion.receipt.note;
  if (!completion.error.empty()) {
    line["error"] = completion.error;
    line["error_kind"] = to_string(completion.error_kind);
  }
  if (completion.next_at_ms != 0) line["next_at_ms"] = completion.next_at_ms;
  return line;
}

std::string dump(const nlohmann::json& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void DeliveryLog::record(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms) {
  const nlohmann::json line = delivery_line(delivery, completion, latency_ms);
  counts_[static_cast<std::size_t>(completion.outcome)].fetch_add(1, std::memory_order_relaxed);
  const auto level = completion.outcome == CompletionOutcome::delivered ? spdlog::level::info : spdlog::level::warn;
  if (sink_) sink_->log(level, "{}", dump(line));
}

void DeliveryLog::stale(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms) {
  nlohmann::json line = delivery_line(delivery, completion, latency_ms);
  line["outcome"] = "stale";
  line["reported"] = to_string(completion.outcome);
  stale_.fetch_add(1, std::memory_order_relaxed);
  if (sink_) sink_->log(spdlog::level::warn, "{}", dump(line));
}

void DeliveryLog::intake(std::string_view event, const std::string& release_id, const std::string& detail) {
  if (event == "admitted") admitted_.fetch_add(1, std::memory_order_relaxed);
  if (event == "rejected" || event == "conflict") rejected_.fetch_add(1, std::memory_order_relaxed);
  if (event == "duplicate") duplicates_.fetch_add(1, std::memory_order_relaxed);
  if (event == "held") held_.fetch_add(1, std::memory_order_relaxed);
  nlohmann::json line = {{"ts", now_iso()}, {"event", event}, {"release", release_id}};
  if (!detail.empty()) line["detail"] = detail;
  const auto level = event == "admitted" || event == "duplicate" ? spdlog::level::info : spdlog::level::warn;
  if (sink_) sink_->log(level, "{}", dump(line));
}

std::int64_t DeliveryLog::intake_count(std::string_view event) const {
  if (event == "admitted") return admitted_.load();
  if (event == "rejected") return rejected_.load();
  if (event == "duplicate") return duplicates_.load();
  if (event == "held") return held_.load();
  return 0;
}

}  // namespace fabu
