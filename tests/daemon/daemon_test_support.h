// For the daemon's unit tests: a channel whose adapter answers as the test scripts it, releases made
// and admitted the way the intake does, and a delivery log the test can read back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "daemon/channel_set.h"
#include "daemon/delivery_log.h"
#include "daemon/intake_worker.h"
#include "tests/support/memory_ledger.h"

namespace fabu::testing {

// What the scripted adapter does with its next delivery to a destination. Shared with the adapter
// (which runs on the dispatcher's thread); thread-safe.
class AdapterScript {
 public:
  // The next deliveries to `destination` answer these, in order; after them every delivery succeeds
  // with post id "post-<destination>-<attempt>".
  void answer(const std::string& destination, std::vector<Result<DeliveryReceipt>> replies);
  // The next delivery to `destination` gets no answer until answer_held() gives one.
  void hold(const std::string& destination);
  // Answers the oldest held delivery; false when none is held.
  bool answer_held(Result<DeliveryReceipt> reply);

  // Called by the adapter.
  void deliver(const DeliveryJob& job, DeliveryCallback done);

  std::vector<DeliveryJob> jobs() const;  // every delivery handed to the adapter, in order
  std::vector<std::chrono::steady_clock::time_point> job_times() const;  // when each was handed over
  int held_count() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::deque<Result<DeliveryReceipt>>> replies_;
  std::map<std::string, int> holds_;
  std::deque<DeliveryCallback> held_;
  std::vector<DeliveryJob> jobs_;
  std::vector<std::chrono::steady_clock::time_point> job_times_;
};

// One channel, "board", of the scripted adapter: each target is a destination with lane
// "board/<target>"; a target named "repost" waits for the target "lead" when both are there.
// The config's [approval] is the test reviewer's (harness.h).
struct ScriptedChannels {
  std::shared_ptr<AdapterScript> script = std::make_shared<AdapterScript>();
  std::shared_ptr<const ChannelSet> channels;
  ApprovalPolicy approval;
};
ScriptedChannels scripted_channels(const std::string& extra_toml = "");

// A release for channel "board" to `targets` (a JSON array), signed by the test reviewer.
std::string board_release(const std::string& id, const std::string& targets_json);

// A stream entry carrying `payload`.
IntakeEntry intake_entry(const std::string& entry_id, const std::string& payload, std::int64_t deliveries = 1);

// A DeliveryLog writing into memory; lines() parses what it wrote.
class CapturedLog {
 public:
  CapturedLog();
  DeliveryLog& log() { return log_; }
  std::vector<nlohmann::json> lines() const;
  // Lines of event "delivery" with this outcome.
  std::vector<nlohmann::json> deliveries(const std::string& outcome) const;

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  DeliveryLog log_;
};

// Polls `done` every few milliseconds for up to `limit`; true once it holds.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(5));

}  // namespace fabu::testing
