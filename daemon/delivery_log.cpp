#include "daemon/delivery_log.h"

#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/json_writer.h"
#include "daemon/log_sink.h"

namespace fabu {
namespace {

// A delivery event's object, its members in the order nlohmann::json (sorted keys) used to write
// them. Written straight into a string: this runs once per delivery.
std::string delivery_line(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms,
                          bool breaker_hold, bool stale) {
  std::string out;
  out.reserve(256);
  JsonObjectWriter line(out);
  line.number("attempt", delivery.attempt);
  if (breaker_hold) line.flag("breaker_hold", true);
  line.text("channel", delivery.channel).text("destination", delivery.destination);
  if (!completion.error.empty()) line.text("error", completion.error).text("error_kind", to_string(completion.error_kind));
  line.text("event", "delivery");
  if (delivery.in_doubt) line.flag("in_doubt", true);
  line.number("latency_ms", latency_ms);
  if (completion.next_at_ms != 0) line.number("next_at_ms", completion.next_at_ms);
  if (!completion.receipt.note.empty()) line.text("note", completion.receipt.note);
  line.text("outcome", stale ? std::string_view("stale") : to_string(completion.outcome));
  if (!completion.receipt.post_id.empty()) line.text("post_id", completion.receipt.post_id);
  line.text("release", delivery.release_id);
  if (stale) line.text("reported", to_string(completion.outcome));
  if (!completion.receipt.url.empty()) line.text("url", completion.receipt.url);
  line.close();
  return out;
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
  return stream_line(std::string_view(dump(event.is_object() ? event : nlohmann::json::object())), level);
}

std::string stream_line(std::string_view event_object, spdlog::level::level_enum level) {
  // The same shape as the log file's line (daemon/log_sink.h): time and level, then the event's own.
  std::string line;
  line.reserve(event_object.size() + 64);
  line += "{\"time\":\"";
  append_iso_time_with_offset(line, std::chrono::system_clock::now());
  line += "\",\"level\":\"";
  const auto level_name = spdlog::level::to_string_view(level);
  line.append(level_name.data(), level_name.size());
  line += '"';
  if (event_object.size() > 2) {
    line += ',';
    line.append(event_object.substr(1));
  } else {
    line += '}';
  }
  return line;
}

DeliveryLog::DeliveryLog(std::shared_ptr<spdlog::logger> sink, std::unique_ptr<LedgerLog> stream)
    : sink_(std::move(sink)), stream_(std::move(stream)) {
  // flush() writes the batch's lines out at once: a flush per line was a write(2) per delivery.
  if (sink_) sink_->flush_on(spdlog::level::off);
}

DeliveryLog::~DeliveryLog() { flush(); }

void DeliveryLog::write(spdlog::level::level_enum level, std::string_view event_object) {
  if (sink_) sink_->log(level, "{}", event_object);
  {
    std::lock_guard<std::mutex> lock(stream_mutex_);
    if (!stream_) return;
    pending_.push_back(stream_line(event_object, level));
  }
}

void DeliveryLog::operator_action(const nlohmann::json& event) {
  write(spdlog::level::info, dump(event));
  flush();
}

void DeliveryLog::flush() {
  if (sink_) sink_->flush();
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
  counts_[static_cast<std::size_t>(completion.outcome)].fetch_add(1, std::memory_order_relaxed);
  metrics_.delivery(delivery.channel, breaker_hold ? DeliveryOutcome::breaker_hold : metrics_outcome(completion.outcome),
                    breaker_hold ? std::nullopt : std::optional<double>(static_cast<double>(latency_ms) / 1000.0));
  const auto level = completion.outcome == CompletionOutcome::delivered ? spdlog::level::info : spdlog::level::warn;
  write(level, delivery_line(delivery, completion, latency_ms, breaker_hold, false));
}

void DeliveryLog::stale(const ClaimedDelivery& delivery, const Completion& completion, std::int64_t latency_ms) {
  stale_.fetch_add(1, std::memory_order_relaxed);
  metrics_.delivery(delivery.channel, DeliveryOutcome::stale, static_cast<double>(latency_ms) / 1000.0);
  write(spdlog::level::warn, delivery_line(delivery, completion, latency_ms, false, true));
}

void DeliveryLog::intake(std::string_view event, const std::string& release_id, const std::string& detail) {
  if (event == "admitted") admitted_.fetch_add(1, std::memory_order_relaxed);
  if (event == "rejected" || event == "conflict") rejected_.fetch_add(1, std::memory_order_relaxed);
  if (event == "duplicate") duplicates_.fetch_add(1, std::memory_order_relaxed);
  if (event == "held") held_.fetch_add(1, std::memory_order_relaxed);
  if (event == "admitted" || event == "duplicate" || event == "held") metrics_.intake(event);
  if (event == "conflict") metrics_.rejected(RejectReason::conflict);
  if (event == "stale") metrics_.rejected(RejectReason::stale);
  std::string line;
  JsonObjectWriter writer(line);
  if (!detail.empty()) writer.text("detail", detail);
  writer.text("event", event).text("release", release_id);
  writer.close();
  const auto level = event == "admitted" || event == "duplicate" ? spdlog::level::info : spdlog::level::warn;
  write(level, line);
}

void DeliveryLog::rejected(RejectReason reason, const std::string& release_id, const std::string& detail) {
  rejected_.fetch_add(1, std::memory_order_relaxed);
  metrics_.rejected(reason);
  std::string line;
  JsonObjectWriter writer(line);
  if (!detail.empty()) writer.text("detail", detail);
  writer.text("event", "rejected").text("reason", to_string(reason)).text("release", release_id);
  writer.close();
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
