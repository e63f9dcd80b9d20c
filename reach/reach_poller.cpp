#include "reach/reach_poller.h"

#include <algorithm>
#include <map>

#include <spdlog/spdlog.h>

namespace fabu {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
// Accounts whose tokens a followers read tries before it gives up until the next turn.
constexpr std::size_t kFollowerCallers = 3;

}  // namespace

ReachPoller::ReachPoller(ReachOptions options, std::unique_ptr<ReachBook> book, ReachSource& source)
    : options_(std::move(options)), book_(std::move(book)), source_(source) {}

ReachMetrics ReachPoller::metrics() const {
  std::lock_guard lock(mu_);
  return metrics_;
}

void ReachPoller::count(std::int64_t ReachMetrics::* field, std::int64_t by) {
  std::lock_guard lock(mu_);
  metrics_.*field += by;
}

Result<void> ReachPoller::poll(std::int64_t now_ms) {
  bool budget_spent = false;
  // Checkpoints first: they are tied to a time, while followers are read again at the next turn.
  if (auto posts = read_posts(now_ms, budget_spent); !posts) return posts;
  auto use = book_->budget_use(now_ms, options_.calls_per_hour);
  if (!use) return fail(use.error());
  // Only with calls left, so that a spent hour does not use up the followers' turn.
  if (!budget_spent && use->used < use->limit) {
    if (auto followers = read_followers(now_ms, budget_spent); !followers) return followers;
    use = book_->budget_use(now_ms, options_.calls_per_hour);
    if (!use) return fail(use.error());
  }
  std::lock_guard lock(mu_);
  metrics_.budget = *use;
  return {};
}

Result<bool> ReachPoller::take_call(std::int64_t now_ms) {
  auto taken = book_->take_call(now_ms, options_.calls_per_hour);
  if (taken && *taken) count(&ReachMetrics::calls);
  return taken;
}

Result<void> ReachPoller::read_posts(std::int64_t now_ms, bool& budget_spent) {
  const std::int64_t next_hour = hour_window_start_ms(now_ms) + kHourMs;
  for (;;) {
    auto claimed = book_->claim_due(now_ms, options_.claim_limit, options_.lease);
    if (!claimed) return fail(claimed.error());
    if (claimed->empty()) return {};
    // Statuses are read with their own account's token, so the calls go per account.
    std::map<std::pair<std::string, std::string>, std::vector<DuePost>> by_account;
    for (auto& due : *claimed) by_account[{due.post.channel, due.post.account}].push_back(std::move(due));
    std::vector<DuePost> put_off;
    for (auto& [who, posts] : by_account) {
      for (std::size_t from = 0; from < posts.size(); from += kReachIdsPerCall) {
        const auto to = std::min(posts.size(), from + kReachIdsPerCall);
        std::vector<DuePost> batch(posts.begin() + static_cast<std::ptrdiff_t>(from),
                                   posts.begin() + static_cast<std::ptrdiff_t>(to));
        if (!budget_spent) {
          auto taken = take_call(now_ms);
          if (!taken) return fail(taken.error());
          budget_spent = !*taken;
        }
        if (budget_spent) {
          put_off.insert(put_off.end(), batch.begin(), batch.end());
          continue;
        }
        std::vector<std::string> ids;
        for (const auto& due : batch) ids.push_back(due.post.post_id);
        auto counts = source_.post_counts(who.first, who.second, ids);
        if (!counts && counts.error().kind == ErrorKind::config) {
          // The account or channel is no longer configured (a reload): nothing to read it with.
          spdlog::warn("reach: {} post(s) of {}/{} are no longer followed: {}", batch.size(), who.first, who.second,
                       counts.error().message);
          counts = std::vector<PostCounts>{};
        }
        if (!counts) {
          count(&ReachMetrics::errors);
          spdlog::warn("reach: reading {} post(s) of {}/{} failed: {}; tried again in {} min", batch.size(),
                       who.first, who.second, counts.error().message,
                       std::chrono::duration_cast<std::chrono::minutes>(options_.retry_after).count());
          if (auto deferred = book_->defer(batch, now_ms + options_.retry_after.count()); !deferred) return deferred;
          continue;
        }
        std::map<std::string, PostCounts> by_id;
        for (auto& post : *counts) by_id[post.post_id] = std::move(post);
        std::vector<PostReading> readings;
        std::int64_t gone = 0;
        for (auto& due : batch) {
          const auto found = by_id.find(due.post.post_id);
          if (found == by_id.end()) ++gone;
          readings.push_back({std::move(due), found == by_id.end() ? std::nullopt : std::optional(found->second)});
        }
        if (auto recorded = book_->record_posts(readings, now_ms); !recorded) return recorded;
        count(&ReachMetrics::checkpoints_read, static_cast<std::int64_t>(readings.size()) - gone);
        count(&ReachMetrics::posts_gone, gone);
      }
    }
    if (!put_off.empty()) {
      count(&ReachMetrics::deferred, static_cast<std::int64_t>(put_off.size()));
      return book_->defer(put_off, next_hour);
    }
  }
}

Result<void> ReachPoller::read_followers(std::int64_t now_ms, bool& budget_spent) {
  auto turn = book_->take_followers_turn(now_ms, options_.followers_every);
  if (!turn) return fail(turn.error());
  if (!*turn) return {};
  std::map<std::string, std::vector<std::string>> by_channel;
  std::vector<std::string> order;
  for (auto& account : source_.accounts()) {
    if (!by_channel.contains(account.channel)) order.push_back(account.channel);
    by_channel[account.channel].push_back(std::move(account.account));
  }
  std::size_t skipped = 0;
  for (const auto& channel : order) {
    for (const auto& batch : chunk_ids(by_channel[channel])) {
      if (auto read = read_follower_batch(channel, batch, now_ms, budget_spent, skipped); !read) return read;
    }
  }
  if (skipped > 0) {
    spdlog::warn("reach: the hour's budget of {} calls is spent; the followers of {} account(s) are read at the "
                 "next turn", options_.calls_per_hour, skipped);
  }
  return {};
}

Result<void> ReachPoller::read_follower_batch(const std::string& channel, std::vector<std::string> batch,
                                              std::int64_t now_ms, bool& budget_spent, std::size_t& skipped) {
  // users/counts is an app-level read made with the batch's first account's token: when that token
  // fails (expired, revoked), the next account of the batch makes the call.
  const std::size_t callers = std::min(batch.size(), kFollowerCallers);
  for (std::size_t caller = 0; caller < callers; ++caller) {
    if (!budget_spent) {
      auto taken = take_call(now_ms);
      if (!taken) return fail(taken.error());
      budget_spent = !*taken;
    }
    if (budget_spent) {
      skipped += batch.size();
      return {};
    }
    auto counts = source_.account_counts(channel, batch);
    if (counts) {
      if (auto recorded = book_->record_followers(channel, *counts, now_ms); !recorded) return recorded;
      count(&ReachMetrics::followers_read, static_cast<std::int64_t>(counts->size()));
      return {};
    }
    count(&ReachMetrics::errors);
    spdlog::warn("reach: reading the followers of {} account(s) of {} as {} failed: {}", batch.size(), channel,
                 batch.front(), counts.error().message);
    if (counts.error().kind != ErrorKind::auth) return {};
    std::rotate(batch.begin(), batch.begin() + 1, batch.end());
  }
  return {};
}

ReachWorker::ReachWorker(std::unique_ptr<ReachPoller> poller, Clock clock, std::chrono::milliseconds tick)
    : poller_(std::move(poller)), clock_(std::move(clock)), tick_(tick), thread_([this] { run(); }) {}

ReachWorker::~ReachWorker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReachWorker::round() {
  try {
    auto done = poller_->poll(clock_());
    if (!done && !failing_) spdlog::warn("reach: a round failed: {}; tried again next round", done.error().message);
    if (done && failing_) spdlog::info("reach: rounds work again");
    failing_ = !done;
  } catch (const std::exception& e) {
    spdlog::error("reach: a round failed unexpectedly: {}", e.what());
  } catch (...) {
    spdlog::error("reach: a round failed unexpectedly");
  }
}

void ReachWorker::run() {
  for (;;) {
    round();
    const auto next_round = std::chrono::steady_clock::now() + tick_;
    std::unique_lock lock(mu_);
    if (cv_.wait_until(lock, next_round, [this] { return stopping_; })) break;
  }
}

}  // namespace fabu
