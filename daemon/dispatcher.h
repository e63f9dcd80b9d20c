// Dispatcher: claims due deliveries from Redis in batches, hands them to adapters concurrently, and
// records their results in batches.
//
// One dispatcher thread owns one DispatchLedger (claims and completions) and a second, blocking
// WakeLedger for wake-ups. Adapters run deliveries on their own threads and report into an Inbox; the
// dispatcher drains it, decides each outcome (daemon/outcome.h) and records them with one Redis round
// trip. Only then is each result logged, as the ledger applied it: a result its fencing refused (the
// lease expired and the delivery moved on) is logged as stale, never as delivered. Results Redis did
// not take are kept and sent again until it does.
// Nothing spins: when idle it sleeps until the next due time, a wake-up from Redis, or a result.
//
// Thread rules: construct, start(), begin_drain() and wait_drained() from one controlling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/backoff.h"
#include "daemon/admitted_releases.h"
#include "daemon/channel_set.h"
#include "daemon/circuit_breaker.h"
#include "daemon/delivery_log.h"
#include "daemon/expired_tokens.h"
#include "daemon/redis_health.h"
#include "daemon/snapshot.h"
#include "daemon/worker_health.h"
#include "queue/delivery_ledger.h"

namespace fabu {

// The reach note of a delivered delivery (queue/delivery_ledger.h, ReachNote), or nullopt when its post
// is not followed.
using ReachNoteMaker = std::function<std::optional<ReachNote>(const ClaimedDelivery&, const DeliveryReceipt&,
                                                               std::int64_t now_ms)>;

struct DispatcherOptions {
  std::string owner;  // instance name, recorded on every claimed delivery
  int max_in_flight = 512;
  int claim_batch = 128;
  std::chrono::milliseconds lease{60000};
  std::chrono::milliseconds request_timeout{15000};
  RetryPolicy retry;
  // Per channel (one platform host): consecutive transient failures that open its breaker, 0 = off.
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_cooloff{60000};
  WorkerHealth* workers = nullptr;  // told when a dispatcher thread dies (daemon/worker_health.h)
  // Lanes whose token is past its expiry: their deliveries fail as auth errors unsent (may be null).
  const ExpiredTokens* expired_tokens = nullptr;
  // Releases this process's intake admitted, parsed: found there, a release is not read back from
  // Redis and parsed again (may be null).
  const AdmittedReleases* admitted = nullptr;
  // The post a delivery put out when the reach book follows it, entered by the step that records the
  // delivery (may be empty: reach off). Called on the dispatcher thread with the record's time.
  ReachNoteMaker reach_note;
};

class Dispatcher {
 public:
  Dispatcher(DispatcherOptions options, std::unique_ptr<DispatchLedger> ledger,
             std::unique_ptr<WakeLedger> wake_ledger, const Snapshot<ChannelSet>& channels,
             RedisHealth& health, DeliveryLog& log);
  ~Dispatcher();  // drains what is in flight (bounded by the request timeout) and joins

  void start();
  // Stops claiming new work; what is in flight finishes and is recorded.
  void begin_drain();
  // Waits until nothing is in flight and every result is recorded, or the deadline passes.
  // Returns the number of deliveries still unfinished; the destructor hands them back in doubt, so the
  // next claim reconciles them against the platform before sending again.
  int wait_drained(std::chrono::steady_clock::time_point deadline);

  // Deliveries the ledger recorded as delivered by this dispatcher.
  std::int64_t delivered_count() const { return delivered_.load(); }

 private:
  // A result as an adapter reports it; the delivery itself waits in outstanding_ under `ticket`
  // (only the ticket travels through the adapter and back: a delivery is not copied per attempt).
  struct Finished {
    std::uint64_t ticket = 0;
    Result<DeliveryReceipt> result;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point ended;
  };
  // A result waiting to be recorded, with what its log line needs once the ledger has applied it.
  struct Unrecorded {
    ClaimedDelivery delivery;
    Completion completion;
    std::int64_t latency_ms = 0;
    bool breaker_hold = false;  // not sent: the channel's circuit breaker held it
  };
  // Shared with adapter callbacks, which may outlive the dispatcher by a little.
  struct Inbox {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<Finished> finished;
    bool woken = false;
  };

  void run();
  void wake_loop();
  void launch(std::vector<ClaimedDelivery> claimed);
  // A delivery that is not sent at all: its result goes through the inbox like any other.
  void finish_unsent(ClaimedDelivery delivery, Error error, std::chrono::steady_clock::time_point started);
  std::shared_ptr<const Release> release_for(const std::string& release_id, int revision, std::string& error);
  void record(std::vector<Finished> finished);
  bool flush_completions();
  // Logs each result as the ledger's verdict says: applied, or refused as stale.
  void log_verdicts(const std::vector<Unrecorded>& results, const std::vector<bool>& applied);
  void return_unfinished();
  // The channel's breaker lets the delivery go out, or holds it (recorded as rate-limited, no attempt spent).
  bool admitted_by_breaker(const ClaimedDelivery& delivery);
  void feed_breaker(const std::string& channel, const Result<DeliveryReceipt>& result, std::int64_t now);

  DispatcherOptions options_;
  std::unique_ptr<DispatchLedger> ledger_;
  std::unique_ptr<WakeLedger> wake_ledger_;
  const Snapshot<ChannelSet>& channels_;
  RedisHealth& health_;
  DeliveryLog& log_;
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();

  std::atomic<bool> draining_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> exited_{false};  // the dispatcher thread left its loop, everything recorded
  std::atomic<int> in_flight_{0};
  std::atomic<std::int64_t> delivered_{0};
  std::thread thread_;
  std::thread wake_thread_;

  // Owned by the dispatcher thread only.
  std::unordered_map<std::string, std::shared_ptr<const Release>> releases_;  // by "<release id>#<revision>"
  std::string release_key_;  // release_for's look-up key, reused: no string built per delivery
  std::unordered_map<std::uint64_t, ClaimedDelivery> outstanding_;  // by ticket: launched, no result recorded
  std::uint64_t next_ticket_ = 0;
  std::vector<Unrecorded> unrecorded_;  // results waiting for Redis to come back
  std::unordered_map<std::string, CircuitBreaker> breakers_;  // by channel
  std::mt19937_64 rng_{std::random_device{}()};
  int redis_failures_ = 0;
};

}  // namespace fabu
