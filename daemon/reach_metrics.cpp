#include "daemon/reach_metrics.h"

#include <utility>
#include <vector>

#include "metrics/metrics.h"

namespace fabu {

void ReachScrape::render(std::string& out, std::int64_t now_ms) {
  MetricsRegistry registry;
  const ReachMetrics m = worker_.metrics();
  const auto count = [](std::int64_t n) { return static_cast<std::uint64_t>(n < 0 ? 0 : n); };
  registry.counter("fabu_reach_calls_total", "Reach API calls this instance made (each took one from the budget).")
      .with({})
      .inc(count(m.calls));
  auto& readings = registry.counter("fabu_reach_readings_total", "Reach readings this instance recorded, by kind.",
                                    {"kind"});
  readings.with({"followers"}).inc(count(m.followers_read));
  readings.with({"post"}).inc(count(m.checkpoints_read));
  registry.counter("fabu_reach_posts_gone_total", "Posts the platform no longer knew (deleted), dropped from reach.")
      .with({})
      .inc(count(m.posts_gone));
  registry.counter("fabu_reach_deferred_total", "Post reads put off because the hour's call budget was spent.")
      .with({})
      .inc(count(m.deferred));
  registry.counter("fabu_reach_errors_total", "Reach calls that failed and Redis failures of the reach poller.")
      .with({})
      .inc(count(m.errors));

  std::vector<std::pair<std::string, std::string>> accounts;
  for (const auto& a : source_.accounts()) accounts.emplace_back(a.channel, a.account);
  Result<BudgetUse> budget;
  Result<std::vector<std::optional<std::int64_t>>> followers;
  {
    std::lock_guard lock(mu_);
    budget = book_->budget_use(now_ms, calls_per_hour_);
    if (budget) followers = book_->latest_followers(accounts);
  }
  if (budget) {
    registry.gauge("fabu_reach_budget_used_calls", "Reach calls made in the current clock hour, by every instance.")
        .with({})
        .set(static_cast<double>(budget->used));
    registry.gauge("fabu_reach_budget_limit_calls", "The app's reach call budget per clock hour ([reach] calls_per_hour).")
        .with({})
        .set(static_cast<double>(budget->limit));
  }
  if (budget && followers) {
    auto& family = registry.gauge("fabu_account_followers", "The newest followers reading of each account.",
                                  {"channel", "account"});
    for (std::size_t i = 0; i < accounts.size() && i < followers->size(); ++i) {
      if ((*followers)[i]) family.with({accounts[i].first, accounts[i].second}).set(static_cast<double>(*(*followers)[i]));
    }
  }
  registry.render(out);
}

}  // namespace fabu
