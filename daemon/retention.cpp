#include "daemon/retention.h"

#include <spdlog/spdlog.h>

#include "core/clock.h"

namespace fabu {
namespace {

// Releases removed per script call: a release of 10,000 deliveries is ~20,000 deletions, so a batch
// keeps each call short for the other clients of Redis.
constexpr int kBatch = 20;
// The first sweep waits a little after start, so a fleet restarting together does not sweep at once.
constexpr std::chrono::seconds kFirstSweep{60};

}  // namespace

RetentionSweeper::RetentionSweeper(std::unique_ptr<DeliveryLedger> ledger, int retention_days,
                                   std::chrono::milliseconds interval, WorkerHealth* workers)
    : ledger_(std::move(ledger)),
      retention_(std::chrono::hours(24) * retention_days),
      interval_(interval),
      workers_(workers) {
  thread_ = std::thread([this] {
    try {
      run();
    } catch (const std::exception& e) {
      spdlog::critical("retention sweeper stopped by an unexpected error: {}", e.what());
      if (workers_ != nullptr) workers_->report_fatal("retention sweeper", e.what());
    }
  });
}

RetentionSweeper::~RetentionSweeper() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<int> RetentionSweeper::sweep() {
  const std::int64_t cutoff = unix_now_ms() - retention_.count();
  int total = 0;
  while (true) {
    auto removed = ledger_->expire_settled(cutoff, kBatch);
    if (!removed) return fail(removed.error());
    total += *removed;
    if (*removed < kBatch) return total;
  }
}

void RetentionSweeper::run() {
  std::chrono::milliseconds wait = std::min(interval_, std::chrono::milliseconds(kFirstSweep));
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, wait, [this] { return stopping_; })) return;
    }
    wait = interval_;
    auto removed = sweep();
    if (!removed) {
      spdlog::warn("retention: could not expire settled releases ({}); trying again in {} s", removed.error().message,
                   std::chrono::duration_cast<std::chrono::seconds>(interval_).count());
    } else if (*removed > 0) {
      spdlog::info("retention: removed {} release(s) settled more than {} days ago", *removed,
                   std::chrono::duration_cast<std::chrono::hours>(retention_).count() / 24);
    }
  }
}

}  // namespace fabu
