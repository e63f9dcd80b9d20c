// InstanceRegistry: which fabud instances work on one Redis, which version each runs, and whether each
// still answers. Every fabud announces itself every few seconds and once more when it stops;
// `fabuctl instances` reads the list. Operators use it while upgrading instances one at a time, and it
// is what a change of the stored data's format will ask before it switches (docs/proposals).
//
// Key: `instances`, a hash: field = instance name ([daemon] instance), value = JSON
// {version, revision, host, pid, started_ms, seen_ms, stopped_ms, period_ms}. The next announcement of
// any instance removes an entry that stopped more than kForgetStoppedAfter ago (an instance named
// hostname-pid, the default, is a new entry at every start) and one not heard from for kForgetAfter.
//
// Thread rules: one InstanceRegistry per thread (it owns one Redis connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "queue/redis_connection.h"

namespace fabu {

struct InstanceRecord {
  std::string name;
  std::string version;   // fabu's version ("0.1.0")
  std::string revision;  // the source revision it was built from
  std::string host;
  std::int64_t pid = 0;
  std::int64_t started_ms = 0;
  std::int64_t seen_ms = 0;     // its latest announcement
  std::int64_t stopped_ms = 0;  // 0 while it runs; set by its last announcement when it stops
  std::int64_t period_ms = 0;   // how often it announces itself
  int lanes = 0;                // lanes it owns now (queue/lane_owners.h); read by list(), not stored here
};

enum class InstanceState {
  running,  // announced itself within three of its periods
  stopped,  // said so when it stopped
  silent,   // stopped announcing without saying it stopped: killed, hung, or cut off from Redis
};

std::string_view to_string(InstanceState state);

// The state of `record` at `now_ms`.
InstanceState instance_state(const InstanceRecord& record, std::int64_t now_ms);

class InstanceRegistry {
 public:
  static constexpr std::chrono::hours kForgetStoppedAfter{24};
  static constexpr std::chrono::hours kForgetAfter{24 * 7};

  explicit InstanceRegistry(RedisConfig config);

  // Writes `self` (its seen_ms is the time of the announcement) and forgets the entries of other
  // instances that stopped before `self.seen_ms - kForgetStoppedAfter` or were last heard from before
  // `self.seen_ms - kForgetAfter`. Returns the entry it replaced under self.name, if there was one: an
  // entry of another process written after this one's previous announcement means two instances run
  // under one name.
  Result<std::optional<InstanceRecord>> announce(const InstanceRecord& self);

  // Every entry, sorted by name, with the lanes each owns now. An entry whose value does not parse is
  // listed with its name only and its state is silent.
  Result<std::vector<InstanceRecord>> list();

 private:
  RedisConnection redis_;
  std::string base_;
  std::string key_;
};

}  // namespace fabu
