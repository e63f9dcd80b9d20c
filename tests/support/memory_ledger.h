// MemoryLedger: an in-memory stand-in for the Redis ledger's IntakeLedger, DispatchLedger and
// WakeLedger roles, so the loops that use them (IntakeWorker, Dispatcher) can be unit-tested.
//
// It keeps the observable rules those loops rely on (docs/PROTOCOL.md): admit is idempotent by release
// id and acknowledges its entry, as do reject and hold; claim hands out due deliveries of unparked
// lanes, one attempt more, and first returns expired leases in doubt; a completion applies only to the
// attempt that holds the delivery (fencing), delivered releases the waiters (waiting -> queued), dead
// kills them, rate_limited gives the attempt back, needs_auth parks the lane. It does NOT model lane
// limits, the circuit breaker or the intake's consumer group beyond pending entries.
//
// Thread rules: unlike the real ledger, thread-safe: the role objects it hands out share one store
// behind a mutex, so a test can inspect it while workers run. Test hooks make calls fail.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "queue/delivery_ledger.h"

namespace fabu::testing {

class MemoryLedger {
 public:
  MemoryLedger();
  ~MemoryLedger();

  // Views of the one store, to hand to the code under test (each may outlive the MemoryLedger).
  std::unique_ptr<IntakeLedger> intake();
  std::unique_ptr<DispatchLedger> dispatch();
  std::unique_ptr<WakeLedger> wake();

  // The next `times` calls of `call` ("claim", "apply_completions", "admit", "reject", "hold",
  // "read_intake", ...: the role method's name) fail with `error`; times < 0 = until cleared.
  void fail_calls(const std::string& call, int times, Error error = Error::transient("redis is down (test)"));
  void clear_failures();
  // How often `call` was made (failed calls included).
  int calls(const std::string& call) const;

  // Appends an entry to the intake stream as written, `deliveries` included.
  void add_intake(IntakeEntry entry);
  // Entries read and neither admitted, rejected nor held.
  std::vector<std::string> pending_intake() const;

  // The stored state of a delivery; nullopt when unknown.
  std::optional<DeliveryStatus> delivery(const std::string& id) const;
  std::vector<DeliveryStatus> deliveries() const;
  std::optional<std::string> stored_release(const std::string& release_id) const;
  std::vector<RejectRecord> rejects() const;
  std::vector<HeldRecord> held() const;
  // The reach notes of completions applied as delivered, in order.
  std::vector<ReachNote> reach_notes() const;
  bool lane_parked(const std::string& lane) const;

 private:
  struct Store;
  class IntakeRole;
  class DispatchRole;
  class WakeRole;
  std::shared_ptr<Store> store_;
};

}  // namespace fabu::testing
