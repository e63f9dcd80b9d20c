#include "daemon/delivery_log.h"

#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "daemon/log_sink.h"

namespace fabu {
namespace {

nlohmann::json delivery_line(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms) {
  nlohmann::json line = {
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

nlohmann::json operator_event(std::string_view action, std::string_view by, std::string_view via,
                              const nlohmann::json& fields) {
  nlohmann::json event = fields.is_object() ? fields : nlohmann::json::object();
  event["event"] = "operator";
  event["action"] = action;
  event["by"] = by;
  event["via"] = via;
  return event;
}

std::string stream_line(const nlohmann::json& event, spdlog::level::level_enum level) {
  nlohmann::json line = event;
  line["time"] = iso_time_with_offset(std::chrono::system_clock::now());
  const auto level_name = spdlog::level::to_string_view(level);
  line["level"] = std::string(level_name.data(), level_name.size());
  return dump(line);
}

DeliveryLog::DeliveryLog(std::shared_ptr<spdlog::logger> sink, std::unique_ptr<LedgerLog> stream)
    : sink_(std::move(sink)), stream_(std::move(stream)) {}

DeliveryLog::~DeliveryLog() { flush(); }

void DeliveryLog::write(spdlog::level::level_enum level, const nlohmann::json& line) {
  if (sink_) sink_->log(level, "{}", dump(line));
  {
    std::lock_guard<std::mutex> lock(stream_mutex_);
    if (!stream_) return;
    pending_.push_back(stream_line(line, level));
  }
}

void DeliveryLog::operator_action(const nlohmann::json& event) {
  write(spdlog::level::info, event);
  flush();
}

void DeliveryLog::flush() {
  std::vector<std::string> lines;
  std::lock_guard<std::mutex> lock(stream_mutex_);
  if (!stream_ || pending_.empty()) return;
  lines.swap(pending_);
  auto sent = stream_->append(lines);
  if (!sent && !stream_failing_) {
    spdlog::warn("could not write {} event(s) to the redis log stream (the log file has them): {}", lines.size(),
                 sent.error().message);
  }
  if (sent && stream_failing_) spdlog::info("the redis log stream is written again");
  stream_failing_ = !sent;
}

namespace {

DeliveryOutcome metrics_outcome(CompletionOutcome outcome) {
  switch (outcome) {
    case CompletionOutcome::delivered: return DeliveryOutcome::delivered;
    case CompletionOutcome::retry: return DeliveryOutcome::retrying;
    case CompletionOutcome::rate_limited: return DeliveryOutcome::rate_limited;
    case CompletionOutcome::needs_auth: return DeliveryOutcome::needs_auth;
    case CompletionOutcome::dead: return DeliveryOutcome::dead;
  }
  return DeliveryOutcome::dead;
}

}  // namespace

void DeliveryLog::record(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms,
                         bool breaker_hold) {
  nlohmann::json line = delivery_line(delivery, completion, latency_ms);
  if (breaker_hold) line["breaker_hold"] = true;
  counts_[static_cast<std::size_t>(completion.outcome)].fetch_add(1, std::memory_order_relaxed);
  metrics_.delivery(delivery.channel, breaker_hold ? DeliveryOutcome::breaker_hold : metrics_outcome(completion.outcome),
                    breaker_hold ? std::nullopt : std::optional<double>(static_cast<double>(latency_ms) / 1000.0));
  const auto level = completion.outcome == CompletionOutcome::delivered ? spdlog::level::info : spdlog::level::warn;
  write(level, line);
}

void DeliveryLog::stale(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms) {
  nlohmann::json line = delivery_line(delivery, completion, latency_ms);
  line["outcome"] = "stale";
  line["reported"] = to_string(completion.outcome);
  stale_.fetch_add(1, std::memory_order_relaxed);
  metrics_.delivery(delivery.channel, DeliveryOutcome::stale, static_cast<double>(latency_ms) / 1000.0);
  write(spdlog::level::warn, line);
}

void DeliveryLog::intake(std::string_view event, const std::string& release_id, const std::string& detail) {
  if (event == "admitted") admitted_.fetch_add(1, std::memory_order_relaxed);
  if (event == "rejected" || event == "conflict") rejected_.fetch_add(1, std::memory_order_relaxed);
  if (event == "duplicate") duplicates_.fetch_add(1, std::memory_order_relaxed);
  if (event == "held") held_.fetch_add(1, std::memory_order_relaxed);
  if (event == "admitted" || event == "duplicate" || event == "held") metrics_.intake(event);
  if (event == "conflict") metrics_.rejected(RejectReason::conflict);
  if (event == "stale") metrics_.rejected(RejectReason::stale);
  nlohmann::json line = {{"event", event}, {"release", release_id}};
  if (!detail.empty()) line["detail"] = detail;
  const auto level = event == "admitted" || event == "duplicate" ? spdlog::level::info : spdlog::level::warn;
  write(level, line);
}

void DeliveryLog::rejected(RejectReason reason, const std::string& release_id, const std::string& detail) {
  rejected_.fetch_add(1, std::memory_order_relaxed);
  metrics_.rejected(reason);
  nlohmann::json line = {{"event", "rejected"}, {"release", release_id}, {"reason", to_string(reason)}};
  if (!detail.empty()) line["detail"] = detail;
  write(spdlog::level::warn, line);
}

std::int64_t DeliveryLog::intake_count(std::string_view event) const {
  if (event == "admitted") return admitted_.load();
  if (event == "rejected") return rejected_.load();
  if (event == "duplicate") return duplicates_.load();
  if (event == "held") return held_.load();
  return 0;
}

}  // namespace fabu
