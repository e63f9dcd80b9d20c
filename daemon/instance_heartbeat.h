// InstanceHeartbeat: keeps this fabud's entry in the instance registry (queue/instance_registry.h)
// current, so `fabuctl instances` shows which instances run on the Redis, which version each runs,
// and which stopped or went silent. With the same beat it renews the instance's lane ownership
// (queue/lane_owners.h: its share of the lanes, shown by `fabuctl lanes`), and it hands the lanes back
// when it stops.
//
// One thread with a registry connection of its own announces the instance at start and then every
// `period`; its destructor announces it stopped, once (bounded by [redis] command_timeout: an instance
// that could not say so shows as silent). A failed announcement is logged once per outage, not every
// period. When another process writes the same name's entry between two announcements, two instances
// share one [daemon] instance: that is logged as an error, once while it lasts.
//
// Thread rules: construct and destroy from one thread; the destructor stops and joins.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "queue/instance_registry.h"
#include "queue/lane_owners.h"

namespace fabu {

class InstanceHeartbeat {
 public:
  // `lease`: how long the instance's lanes stay its own without a renewal (the daemon's lease_seconds).
  // It beats every `period`, or every third of the lease when that is shorter.
  InstanceHeartbeat(const RedisConfig& redis, std::string instance, std::chrono::milliseconds lease,
                    std::chrono::milliseconds period = std::chrono::seconds(5));
  ~InstanceHeartbeat();
  InstanceHeartbeat(const InstanceHeartbeat&) = delete;
  InstanceHeartbeat& operator=(const InstanceHeartbeat&) = delete;

  // Lanes this instance owned after its last renewal that Redis took (0 before the first). Any thread.
  int lanes_owned() const { return owned_.load(); }

 private:
  void run();
  void announce(std::int64_t stopped_ms);
  void renew_lanes();

  InstanceRegistry registry_;  // the heartbeat thread's, and the destructor's once it has joined
  LaneOwners owners_;          // likewise
  InstanceRecord self_;
  const std::chrono::milliseconds lease_;
  const std::chrono::milliseconds period_;
  std::string token_;                 // this run's ownership token ("" until Redis gave one)
  bool owners_failing_ = false;       // the last renewal of the lanes failed (logged once)
  std::atomic<int> owned_{0};         // lanes owned after the last renewal
  bool renewed_once_ = false;         // a renewal has succeeded (its result is logged)
  std::chrono::steady_clock::time_point last_renewed_;  // of the current token
  bool failing_ = false;              // the last announcement failed (logged once)
  std::int64_t last_written_ms_ = 0;  // seen_ms of our last announcement that Redis took
  bool clash_reported_ = false;       // another process shares our name (logged once while it lasts)
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fabu
