// An in-memory ReachBook for the poller's unit tests: the Redis book's rules (leases, the next
// checkpoint, the hourly budget, the followers turn) over plain containers. Not thread-safe.
#pragma once

#include <map>
#include <set>

#include "queue/reach_book.h"

namespace fabu::testing {

class MemoryReachBook final : public ReachBook {
 public:
  Result<void> add_posts(const std::vector<DeliveredPost>& posts) override {
    for (const auto& post : posts) {
      const auto field = post.release + "|" + post.channel + "|" + post.account;
      if (entered.insert(field).second) due[due_member(post, 0)] = checkpoint_due_ms(post.delivered_ms, 0);
    }
    return {};
  }
  Result<std::vector<DuePost>> claim_due(std::int64_t now_ms, std::size_t limit,
                                         std::chrono::milliseconds lease) override {
    std::vector<DuePost> out;
    for (auto& [member, at] : due) {
      if (at > now_ms || out.size() >= limit) continue;
      at = now_ms + lease.count();
      out.push_back(*parse_due_member(member));
    }
    return out;
  }
  Result<void> record_posts(const std::vector<PostReading>& readings, std::int64_t now_ms) override {
    for (const auto& reading : readings) {
      due.erase(reading.due.member);
      if (!reading.counts) continue;
      const auto& post = reading.due.post;
      const auto reached = checkpoint_reached(post.delivered_ms, reading.due.checkpoint, now_ms);
      recorded[post.post_id][std::string(kReachCheckpoints[reached].name)] = {now_ms, *reading.counts};
      if (reached + 1 < kReachCheckpoints.size()) {
        due[due_member(post, reached + 1)] = checkpoint_due_ms(post.delivered_ms, reached + 1);
      }
    }
    return {};
  }
  Result<void> defer(const std::vector<DuePost>& posts, std::int64_t at_ms) override {
    for (const auto& post : posts) due[post.member] = at_ms;
    return {};
  }
  Result<bool> take_followers_turn(std::int64_t now_ms, std::chrono::milliseconds every) override {
    if (now_ms < next_followers_ms) return false;
    next_followers_ms = now_ms + every.count();
    return true;
  }
  Result<std::vector<std::optional<std::int64_t>>> latest_followers(
      const std::vector<std::pair<std::string, std::string>>& accounts) override {
    std::vector<std::optional<std::int64_t>> out;
    for (const auto& [channel, account] : accounts) {
      const auto series = followers.find(channel + "/" + account);
      if (series == followers.end() || series->second.empty()) {
        out.push_back(std::nullopt);
      } else {
        out.push_back(series->second.rbegin()->second);
      }
    }
    return out;
  }
  Result<void> record_followers(const std::string& channel, const std::vector<AccountCounts>& counts,
                                std::int64_t now_ms) override {
    for (const auto& account : counts) followers[channel + "/" + account.account][now_ms] = account.followers;
    return {};
  }
  Result<bool> take_call(std::int64_t now_ms, int calls_per_hour) override {
    auto& used = calls[hour_window_start_ms(now_ms)];
    if (used >= calls_per_hour) return false;
    ++used;
    return true;
  }
  Result<BudgetUse> budget_use(std::int64_t now_ms, int calls_per_hour) override {
    return BudgetUse{hour_window_start_ms(now_ms), calls[hour_window_start_ms(now_ms)], calls_per_hour};
  }
  Result<std::vector<AccountReach>> release_reach(const std::string&) override { return std::vector<AccountReach>{}; }

  std::set<std::string> entered;
  std::map<std::string, std::int64_t> due;  // member -> due ms
  std::map<std::string, std::map<std::string, CheckpointCounts>> recorded;  // post id -> checkpoint -> counts
  std::map<std::string, std::map<std::int64_t, std::int64_t>> followers;    // channel/account -> ms -> n
  std::map<std::int64_t, std::int64_t> calls;                               // hour start -> calls
  std::int64_t next_followers_ms = 0;
};

}  // namespace fabu::testing
