// The reach families of GET /metrics: what this instance's reach poller did (counters), the app's
// hourly call budget as Redis counts it for every instance, and each account's newest followers reading.
//
// Families: fabu_reach_calls_total, fabu_reach_readings_total{kind}, fabu_reach_posts_gone_total,
// fabu_reach_deferred_total, fabu_reach_errors_total, fabu_reach_budget_used_calls,
// fabu_reach_budget_limit_calls, fabu_account_followers{channel,account}.
//
// Thread rules: render() may be called from several threads; its Redis connection is used under a mutex.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "queue/reach_book.h"
#include "reach/reach_poller.h"

namespace fabu {

class ReachScrape {
 public:
  // `worker` and `source` must outlive this object; `book` is this scrape's own Redis connection.
  ReachScrape(const ReachWorker& worker, ReachSource& source, std::unique_ptr<ReachBook> book, int calls_per_hour)
      : worker_(worker), source_(source), book_(std::move(book)), calls_per_hour_(calls_per_hour) {}

  // Appends the families above. When Redis does not answer, the budget and followers are left out
  // (a missing series is not a zero); the counters are always there.
  void render(std::string& out, std::int64_t now_ms);

 private:
  const ReachWorker& worker_;
  ReachSource& source_;
  std::mutex mu_;
  std::unique_ptr<ReachBook> book_;  // guarded by mu_
  const int calls_per_hour_;
};

}  // namespace fabu
