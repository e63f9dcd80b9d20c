// Reach polling: reading back from the platforms how many follow each account and how far each
// delivered post went (reposts, comments, likes) at +1 h, +6 h, +24 h, +72 h and +7 d.
//
// ReachPoller is the logic of one round, with time as an argument: read the due checkpoints (claimed from Redis, grouped per account, at most 100 ids a
// call), and every `followers_every` read all accounts' followers (100 a call). Every call first takes
// one from the app's hourly budget in Redis, shared by all instances; when it is spent the round stops
// and the posts claimed but not read wait for the next clock hour. The platforms sit behind ReachSource
// (the daemon bridges its adapters), so a test drives a simulated week with fakes in a second.
// ReachWorker runs rounds on a thread of its own.
//
// Delivered posts are entered by the step that records their delivery (the complete script), not here.
//
// Thread rules: ReachPoller is NOT thread-safe (one ReachBook connection), except metrics(), which any
// thread may call. ReachWorker: construct and destroy from one thread; the
// destructor stops and joins promptly (the thread waits on a condition variable, never sleeps).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/reach.h"
#include "queue/reach_book.h"

namespace fabu {

// Where counts come from. Calls block until the platform answered (or failed); each is one API call.
class ReachSource {
 public:
  struct Account {
    std::string channel;
    std::string account;
  };
  virtual ~ReachSource() = default;
  // Every account of every channel that reads reach, in config order.
  virtual std::vector<Account> accounts() = 0;
  // REQUIRES: 1 to kReachIdsPerCall accounts of `channel`.
  virtual Result<std::vector<AccountCounts>> account_counts(const std::string& channel,
                                                            const std::vector<std::string>& accounts) = 0;
  // REQUIRES: 1 to kReachIdsPerCall posts made by `account`.
  virtual Result<std::vector<PostCounts>> post_counts(const std::string& channel, const std::string& account,
                                                      const std::vector<std::string>& post_ids) = 0;
};

struct ReachOptions {
  std::chrono::milliseconds followers_every{std::chrono::hours(6)};
  int calls_per_hour = 1000;  // REQUIRES: > 0 (0 means: do not create a poller)
  std::size_t claim_limit = 500;                      // due posts taken from Redis at once
  std::chrono::milliseconds lease{std::chrono::minutes(10)};  // a claimed post's wait if this instance dies
  std::chrono::milliseconds retry_after{std::chrono::minutes(15)};  // a post whose read failed
};

// What the poller did since it started, and the budget's use at its last round: for /metrics.
struct ReachMetrics {
  std::int64_t calls = 0;             // API calls made (each took one from the budget)
  std::int64_t followers_read = 0;    // account follower samples recorded
  std::int64_t checkpoints_read = 0;  // post checkpoints recorded
  std::int64_t posts_gone = 0;        // posts the platform no longer knew (deleted): dropped
  std::int64_t deferred = 0;          // post reads put off because the hour's budget was spent
  std::int64_t errors = 0;            // failed calls and Redis failures
  BudgetUse budget;                   // the app's calls in the current clock hour, all instances
};

class ReachPoller {
 public:
  ReachPoller(ReachOptions options, std::unique_ptr<ReachBook> book, ReachSource& source);

  // One round at `now_ms`. Fails only when Redis does (the round stops; the next one resumes).
  Result<void> poll(std::int64_t now_ms);
  ReachMetrics metrics() const;  // thread-safe

 private:
  Result<void> read_posts(std::int64_t now_ms, bool& budget_spent);
  Result<void> read_followers(std::int64_t now_ms, bool& budget_spent);
  Result<void> read_follower_batch(const std::string& channel, std::vector<std::string> batch, std::int64_t now_ms,
                                   bool& budget_spent, std::size_t& skipped);
  // Takes a call from the budget; false when it is spent.
  Result<bool> take_call(std::int64_t now_ms);
  void count(std::int64_t ReachMetrics::* field, std::int64_t by = 1);

  const ReachOptions options_;
  std::unique_ptr<ReachBook> book_;
  ReachSource& source_;
  mutable std::mutex mu_;  // guards metrics_
  ReachMetrics metrics_;
};

// Runs a poller's rounds every `tick` until destroyed.
class ReachWorker {
 public:
  using Clock = std::function<std::int64_t()>;  // unix ms
  ReachWorker(std::unique_ptr<ReachPoller> poller, Clock clock, std::chrono::milliseconds tick);
  ~ReachWorker();
  ReachWorker(const ReachWorker&) = delete;
  ReachWorker& operator=(const ReachWorker&) = delete;

  ReachMetrics metrics() const { return poller_->metrics(); }

 private:
  void run();
  void round();

  std::unique_ptr<ReachPoller> poller_;
  Clock clock_;
  const std::chrono::milliseconds tick_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool failing_ = false;  // the worker thread's only
  std::thread thread_;
};

}  // namespace fabu
