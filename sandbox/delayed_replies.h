// DelayedReplies: a timer queue that runs a callback (sending a held HTTP reply) at its deadline.
//
// Injected latency must not hold a server thread: a handler schedules its reply here and returns.
// One worker thread sleeps on a condition variable until the earliest deadline. Callbacks run on
// that worker, so they must be short and must not throw (exceptions are caught and dropped).
// Thread-safe: schedule() may be called from any thread. The destructor runs every pending
// callback at once (flush), so no client is left without an answer, then joins the worker.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace fabu::sandbox {

class DelayedReplies {
 public:
  using Clock = std::chrono::steady_clock;

  DelayedReplies();
  ~DelayedReplies();
  DelayedReplies(const DelayedReplies&) = delete;
  DelayedReplies& operator=(const DelayedReplies&) = delete;

  // Runs `send` on the worker once `delay` has passed. Callbacks with equal deadlines run in the
  // order they were scheduled.
  void schedule(std::chrono::milliseconds delay, std::function<void()> send);

  // Runs every pending callback now, in deadline order, on the calling thread.
  void flush();

  std::size_t pending() const;

 private:
  struct Entry {
    Clock::time_point deadline;
    std::uint64_t sequence;
    std::function<void()> send;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.deadline != b.deadline ? a.deadline > b.deadline : a.sequence > b.sequence;
    }
  };

  void run();
  static void run_safely(const std::function<void()>& send);

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Entry, std::vector<Entry>, Later> queue_;
  std::uint64_t next_sequence_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace fabu::sandbox
