// RetentionSweeper: removes from Redis the releases that settled longer ago than daemon.retention_days.
//
// One thread with a DeliveryLedger of its own wakes every `interval` (and soon after start) and asks
// the queue to expire settled releases in small batches, so Redis memory stays bounded by what a
// retention period holds. Every instance may run one: the script is atomic and idempotent. A Redis
// outage only delays the next sweep.
//
// Thread rules: construct and destroy from one thread; the destructor stops and joins.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "daemon/worker_health.h"
#include "queue/delivery_ledger.h"

namespace fabu {

class RetentionSweeper {
 public:
  RetentionSweeper(std::unique_ptr<DeliveryLedger> ledger, int retention_days,
                   std::chrono::milliseconds interval = std::chrono::minutes(10), WorkerHealth* workers = nullptr);
  ~RetentionSweeper();
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

  // One sweep now: removes every release settled before now - retention; returns how many.
  Result<int> sweep();

 private:
  void run();

  std::unique_ptr<DeliveryLedger> ledger_;  // the sweeper thread's only
  const std::chrono::milliseconds retention_;
  const std::chrono::milliseconds interval_;
  WorkerHealth* workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fabu
