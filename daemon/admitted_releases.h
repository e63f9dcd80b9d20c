// AdmittedReleases: the releases this process's intake has just admitted, as parsed values, handed to
// its dispatcher, which would otherwise read each one back from Redis and parse it again (about 8 % of
// fabud's CPU in the throughput scenario, docs/BENCHMARKS.md). Redis stores to_json() of the same
// Release and parse_release_json(to_json(r)) == r, so the dispatcher sends the same post either way.
// Bounded by the size of the releases' JSON (32 MiB by default: tens of thousands of ordinary releases,
// so that a backlog queued at once is still there when its turn comes): past it the oldest go. A release not found here is read from Redis as before
// (another instance admitted it, it was dropped, fabud restarted, or it is a conference's step).
//
// Thread rules: thread-safe (one mutex): the intake worker puts, the dispatcher finds.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "core/release.h"

namespace fabu {

class AdmittedReleases {
 public:
  explicit AdmittedReleases(std::size_t max_bytes = std::size_t{32} << 20) : max_bytes_(max_bytes) {}

  // `release` is what was admitted as `revision` of `release_id`; `bytes`, the size of its stored JSON
  // (its to_json()), counts against the bound. A release larger than the bound is not kept.
  void put(const std::string& release_id, int revision, std::shared_ptr<const Release> release, std::size_t bytes) {
    if (bytes > max_bytes_) return;
    std::lock_guard lock(mu_);
    const std::pair<std::string, int> key{release_id, revision};
    if (releases_.contains(key)) return;  // the same revision is the same release
    releases_.emplace(key, Entry{std::move(release), bytes});
    order_.push_back(key);
    bytes_ += bytes;
    while (bytes_ > max_bytes_ && !order_.empty()) {
      const auto oldest = releases_.find(order_.front());
      bytes_ -= oldest->second.bytes;
      releases_.erase(oldest);
      order_.pop_front();
    }
  }

  // Null when this process did not admit it (or dropped it since).
  std::shared_ptr<const Release> find(const std::string& release_id, int revision) const {
    std::lock_guard lock(mu_);
    const auto it = releases_.find({release_id, revision});
    return it == releases_.end() ? nullptr : it->second.release;
  }

 private:
  struct Entry {
    std::shared_ptr<const Release> release;
    std::size_t bytes = 0;
  };
  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::size_t bytes_ = 0;
  std::map<std::pair<std::string, int>, Entry> releases_;
  std::deque<std::pair<std::string, int>> order_;  // oldest first
};

}  // namespace fabu
