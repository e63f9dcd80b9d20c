// IntakeWorker: reads releases from the intake stream, validates them and admits or rejects them.
//
// Owns one thread and one DeliveryLedger. A release is acknowledged on the stream only inside the
// same Redis script that admits or rejects it, so a crash in between leaves it pending; entries left
// pending by a dead instance are reclaimed after `reclaim_idle`.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "daemon/channel_set.h"
#include "daemon/delivery_log.h"
#include "daemon/redis_health.h"
#include "daemon/snapshot.h"
#include "queue/delivery_ledger.h"

namespace fabu {

// The outcome of taking one payload in; shared by the daemon and `fabuctl submit --dry-run`.
struct IntakeDecision {
  std::optional<AdmitRequest> request;  // set when the release is valid
  FieldErrors errors;                   // set when it is not
  std::string release_id;               // best effort, also for invalid payloads
};
IntakeDecision examine_payload(const std::string& payload, const std::string& format, const ChannelSet& channels);

class IntakeWorker {
 public:
  IntakeWorker(std::string consumer, std::chrono::milliseconds reclaim_idle, std::unique_ptr<DeliveryLedger> ledger,
               const Snapshot<ChannelSet>& channels, RedisHealth& health, DeliveryLog& log);
  ~IntakeWorker();  // stops and joins

  void start();
  void stop();  // stops reading; an entry being handled is finished first

 private:
  void run();
  void handle(const IntakeEntry& entry);

  std::string consumer_;
  std::chrono::milliseconds reclaim_idle_;
  std::unique_ptr<DeliveryLedger> ledger_;
  const Snapshot<ChannelSet>& channels_;
  RedisHealth& health_;
  DeliveryLog& log_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace fabu
