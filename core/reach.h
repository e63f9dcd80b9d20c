// Reach: what a platform says about an account's audience (followers) and about one post's echo
// (reposts, comments, likes), and when fabu asks: the checkpoints after a delivery.
//
// Plain values and pure functions (no I/O, no clock: times are arguments); thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fabu {

// One account's counts as the platform gave them.
struct AccountCounts {
  std::string account;  // the channel's account id (not the platform's uid)
  std::int64_t followers = 0;
  std::int64_t friends = 0;
  std::int64_t statuses = 0;
};

// One post's counts as the platform gave them.
struct PostCounts {
  std::string post_id;
  std::int64_t reposts = 0;
  std::int64_t comments = 0;
  std::int64_t likes = 0;  // Weibo's "attitudes"
};

// The most ids one reach call may carry (Weibo: users/counts uids, statuses/count ids).
inline constexpr std::size_t kReachIdsPerCall = 100;

// The checkpoints after a delivery at which a post's counts are read.
struct ReachCheckpoint {
  std::string_view name;  // "1h", "6h", "24h", "72h", "7d": also the field names in Redis and the CLI
  std::chrono::milliseconds after;
};
inline constexpr std::array<ReachCheckpoint, 5> kReachCheckpoints{{
    {"1h", std::chrono::hours(1)},
    {"6h", std::chrono::hours(6)},
    {"24h", std::chrono::hours(24)},
    {"72h", std::chrono::hours(72)},
    {"7d", std::chrono::hours(24 * 7)},
}};

// When checkpoint `index` of a post delivered at `delivered_ms` is due (unix ms).
// REQUIRES: index < kReachCheckpoints.size().
std::int64_t checkpoint_due_ms(std::int64_t delivered_ms, std::size_t index);

// The checkpoint a reading at `now_ms` stands for, when checkpoint `from` was the one due: the latest
// checkpoint at or after `from` whose time has come, so a reading made late (fabud was down, the budget
// ran out) fills the checkpoint it belongs to and the ones it overtook stay empty rather than repeat it.
// REQUIRES: from < kReachCheckpoints.size().
std::size_t checkpoint_reached(std::int64_t delivered_ms, std::size_t from, std::int64_t now_ms);

// `ids` cut into consecutive groups of at most `per_call` (REQUIRES: per_call > 0), order kept.
std::vector<std::vector<std::string>> chunk_ids(const std::vector<std::string>& ids,
                                                std::size_t per_call = kReachIdsPerCall);

// A duration written as a number and a unit: "90s", "30m", "6h", "7d"; nullopt when it is not one or
// is not positive.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// The start of the hour window `now_ms` falls in (unix ms): call budgets count per clock hour.
inline std::int64_t hour_window_start_ms(std::int64_t now_ms) { return now_ms - now_ms % 3'600'000; }

}  // namespace fabu
