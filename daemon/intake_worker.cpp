#include "daemon/intake_worker.h"

#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "daemon/planner.h"

namespace fabu {
namespace {

// The id of a payload that failed validation, so ops can find it by the name they know.
std::string guess_release_id(const std::string& payload, const std::string& format) {
  if (format != "json") return {};
  auto doc = nlohmann::json::parse(payload, nullptr, false);
  if (doc.is_object() && doc.contains("id") && doc["id"].is_string()) return doc["id"].get<std::string>();
  return {};
}

}  // namespace

IntakeDecision examine_payload(const std::string& payload, const std::string& format, const ChannelSet& channels) {
  IntakeDecision decision;
  std::expected<Release, FieldErrors> release = format == "toml" ? parse_release_toml(payload)
                                               : format == "json"
                                                   ? parse_release_json(payload)
                                                   : std::unexpected(FieldErrors{{"format", "unknown payload format '" + format + "' (json or toml)"}});
  if (!release) {
    decision.errors = std::move(release.error());
    decision.release_id = guess_release_id(payload, format);
    return decision;
  }
  decision.release_id = release->id;
  auto plan = plan_release(*release, channels);
  if (!plan) {
    decision.errors = std::move(plan.error());
    return decision;
  }
  plan->digest = content_digest(*release);
  plan->release_json = to_json(*release);
  decision.request = std::move(*plan);
  return decision;
}

IntakeWorker::IntakeWorker(std::string consumer, std::chrono::milliseconds reclaim_idle,
                           std::unique_ptr<DeliveryLedger> ledger, const Snapshot<ChannelSet>& channels,
                           RedisHealth& health, DeliveryLog& log)
    : consumer_(std::move(consumer)),
      reclaim_idle_(reclaim_idle),
      ledger_(std::move(ledger)),
      channels_(channels),
      health_(health),
      log_(log) {}

IntakeWorker::~IntakeWorker() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void IntakeWorker::start() {
  thread_ = std::thread([this] {
    try {
      run();
    } catch (const std::exception& e) {
      spdlog::critical("intake stopped by an unexpected error: {}", e.what());
    }
  });
}

void IntakeWorker::stop() { stopping_ = true; }

void IntakeWorker::run() {
  int failures = 0;
  auto backoff = [&](const char* what, const Error& e) {
    health_.report_failure(what, e);
    ++failures;
    std::this_thread::sleep_for(redis_retry_delay(failures));
  };
  while (!stopping_.load()) {
    if (auto ok = ledger_->ensure_intake(); !ok) {
      backoff("intake setup", ok.error());
      continue;
    }
    break;
  }
  auto last_reclaim = std::chrono::steady_clock::time_point{};
  while (!stopping_.load()) {
    std::vector<IntakeEntry> entries;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_reclaim >= reclaim_idle_ / 2) {
      last_reclaim = now;
      auto reclaimed = ledger_->reclaim_intake(consumer_, 64, reclaim_idle_);
      if (!reclaimed) {
        backoff("intake reclaim", reclaimed.error());
        continue;
      }
      if (!reclaimed->empty()) spdlog::warn("reclaimed {} intake entries left unfinished by another instance", reclaimed->size());
      entries = std::move(*reclaimed);
    }
    if (entries.empty()) {
      auto read = ledger_->read_intake(consumer_, 64, std::chrono::milliseconds(1000));
      if (!read) {
        backoff("intake read", read.error());
        continue;
      }
      entries = std::move(*read);
    }
    health_.report_success();
    failures = 0;
    for (const auto& entry : entries) {
      if (stopping_.load()) break;  // unhandled entries stay pending and are reclaimed later
      handle(entry);
    }
  }
}

void IntakeWorker::handle(const IntakeEntry& entry) {
  const auto channels = channels_.get();
  IntakeDecision decision = examine_payload(entry.payload, entry.format.empty() ? "json" : entry.format, *channels);
  int failures = 0;
  while (!stopping_.load()) {
    if (!decision.request) {
      RejectRecord record{entry.entry_id, decision.release_id, unix_now_ms(), decision.errors, entry.payload};
      auto done = ledger_->reject(record);
      if (!done) {
        health_.report_failure("reject", done.error());
        std::this_thread::sleep_for(redis_retry_delay(++failures));
        continue;
      }
      log_.intake("rejected", decision.release_id, join(decision.errors));
      return;
    }
    decision.request->intake_entry_id = entry.entry_id;
    auto admitted = ledger_->admit(*decision.request);
    if (!admitted) {
      health_.report_failure("admit", admitted.error());
      std::this_thread::sleep_for(redis_retry_delay(++failures));
      continue;
    }
    switch (admitted->outcome) {
      case AdmitOutcome::admitted:
        log_.intake("admitted", decision.release_id,
                    std::to_string(decision.request->deliveries.size()) + " deliveries");
        break;
      case AdmitOutcome::duplicate:
        log_.intake("duplicate", decision.release_id, "already admitted with the same content; nothing changed");
        break;
      case AdmitOutcome::conflict:
        log_.intake("conflict", decision.release_id,
                    "a different release with this id was already admitted; this one is in rejects");
        break;
    }
    return;
  }
}

}  // namespace fabu
