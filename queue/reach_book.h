// ReachBook: reach kept in Redis: when each delivered post's counts are due, the counts read at each
// checkpoint, every account's followers over time, and the app's hourly budget of reach calls that
// every fabud instance shares.
//
// Keys (docs/PROTOCOL.md, "Reach"), under the ledger's prefix and hash tag `<p>:{<p>}:`:
//   reach:due               zset  "<release>|<channel>|<account>|<post id>|<delivered ms>|<checkpoint>"
//                                 scored by when that checkpoint is due (ms)
//   rel:<id>:reach          hash  per account of the release: `<channel>|<account>|post`, `…|delivered_ms`,
//                                 `…|followers` (at delivery), `…|<checkpoint>` (JSON counts)
//   reach:f:<channel>|<account>  zset  followers samples "<ms>:<followers>" scored by ms
//   reach:calls:<hour ms>   string calls made in that clock hour, all instances (expires after two hours)
//   reach:followers_turn    string unix ms from which the next followers reading may start
// Every time is an argument (unix ms): nothing here reads the clock, so tests can simulate a week.
// Records expire `retention_days` after the release's last checkpoint, and with the release's records
// when the retention sweep removes those first.
//
// Thread rules: the Redis implementation is NOT thread-safe (one connection); give each thread its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "core/reach.h"

namespace fabu {

// A post a delivery put out, to be read at the checkpoints.
struct DeliveredPost {
  std::string release;
  std::string channel;
  std::string account;
  std::string post_id;
  std::int64_t delivered_ms = 0;
};

// A post whose checkpoint is due, as claim_due hands it out.
struct DuePost {
  DeliveredPost post;
  std::size_t checkpoint = 0;  // index into kReachCheckpoints
  std::string member;          // its entry in reach:due
};

// What reading a due post gave: its counts, or nullopt when the platform no longer knows the post.
struct PostReading {
  DuePost due;
  std::optional<PostCounts> counts;
};

struct BudgetUse {
  std::int64_t window_start_ms = 0;  // the clock hour counted
  std::int64_t used = 0;
  std::int64_t limit = 0;
};

struct CheckpointCounts {
  std::int64_t at_ms = 0;  // when it was read (late when the budget ran out)
  PostCounts counts;
};

// One followers reading of an account.
struct FollowersReading {
  std::int64_t at_ms = 0;
  std::int64_t followers = 0;
  friend bool operator==(const FollowersReading&, const FollowersReading&) = default;
};

// One account's reach for one release.
struct AccountReach {
  std::string channel;
  std::string account;
  std::string post_id;
  std::int64_t delivered_ms = 0;
  // The newest sample before the delivery, else (an account first read after it) the first after.
  std::optional<std::int64_t> followers_at_delivery;
  std::optional<std::int64_t> followers_now;          // the newest sample
  std::map<std::string, CheckpointCounts> checkpoints;  // by checkpoint name ("1h", ...)
};

class ReachBook {
 public:
  virtual ~ReachBook() = default;

  // Enters delivered posts for their checkpoints and notes each account's followers at delivery. fabud
  // does not call it: the complete script enters each delivered post with the same Lua function
  // (queue/lua_reach.h, Completion::reach); this is for posts delivered elsewhere, and for tests.
  // Idempotent: a post already entered for that account of the release changes nothing, so after a
  // failure (some posts may have been entered) the caller enters them all again.
  virtual Result<void> add_posts(const std::vector<DeliveredPost>& posts) = 0;
  // Hands out up to `limit` posts whose checkpoint is due at `now_ms`, each leased for `lease` (put
  // back later in reach:due) so that no other instance reads it meanwhile; a crash only delays it.
  virtual Result<std::vector<DuePost>> claim_due(std::int64_t now_ms, std::size_t limit,
                                                 std::chrono::milliseconds lease) = 0;
  // Records each reading at the checkpoint it stands for (checkpoint_reached: a late reading fills the
  // latest checkpoint passed) and schedules the next; after the last, or for a post gone, drops it.
  virtual Result<void> record_posts(const std::vector<PostReading>& readings, std::int64_t now_ms) = 0;
  // Puts claimed posts back, due at `at_ms` (the budget ran out, or the platform failed).
  virtual Result<void> defer(const std::vector<DuePost>& posts, std::int64_t at_ms) = 0;

  // True for one instance per `every`: that one reads every account's followers.
  virtual Result<bool> take_followers_turn(std::int64_t now_ms, std::chrono::milliseconds every) = 0;
  virtual Result<void> record_followers(const std::string& channel, const std::vector<AccountCounts>& counts,
                                        std::int64_t now_ms) = 0;

  // Takes one call from the budget of the clock hour of `now_ms`: false (nothing taken) when
  // `calls_per_hour` are spent. Atomic across instances.
  virtual Result<bool> take_call(std::int64_t now_ms, int calls_per_hour) = 0;
  virtual Result<BudgetUse> budget_use(std::int64_t now_ms, int calls_per_hour) = 0;

  // The newest followers reading of each (channel, account), in the order asked; nullopt where none.
  virtual Result<std::vector<std::optional<std::int64_t>>> latest_followers(
      const std::vector<std::pair<std::string, std::string>>& accounts) = 0;

  // Each (channel, account)'s followers readings taken at `from_ms` or later, oldest first, at most
  // `limit` per account, in the order asked (the dashboard's trend lines). The default, for fakes, refuses.
  virtual Result<std::vector<std::vector<FollowersReading>>> followers_since(
      const std::vector<std::pair<std::string, std::string>>& accounts, std::int64_t from_ms, int limit) {
    (void)accounts; (void)from_ms; (void)limit;
    return fail(Error::config("this reach book keeps no followers history"));
  }

  // The release's reach per account, in account order; empty when nothing was recorded.
  virtual Result<std::vector<AccountReach>> release_reach(const std::string& release_id) = 0;

  // One account's followers readings with from_ms <= time <= to_ms, oldest first (the report card's
  // follower growth). The default, for fakes, knows none.
  virtual Result<std::vector<FollowersReading>> followers_between(const std::string& channel,
                                                                 const std::string& account, std::int64_t from_ms,
                                                                 std::int64_t to_ms) {
    (void)channel; (void)account; (void)from_ms; (void)to_ms;
    return std::vector<FollowersReading>{};
  }
};

// The Redis implementation. Connects on first use. `retention_days` as daemon.retention_days.
std::unique_ptr<ReachBook> make_redis_reach_book(const RedisConfig& config, int retention_days);

// A delivered post as the scripts that enter it take it (reach_add_posts, and complete for the deliveries
// it records as delivered; queue/lua_reach.h): release id, "<channel>|<account>", post id, delivered ms,
// followers key, first due member, its due ms, the reach hash's expiry (`retention_ms` after the last
// checkpoint).
std::vector<std::string> reach_post_args(const DeliveredPost& post, std::int64_t retention_ms);

// A due-post entry and back ("<release>|<channel>|<account>|<post id>|<delivered ms>|<checkpoint>").
std::string due_member(const DeliveredPost& post, std::size_t checkpoint);
std::optional<DuePost> parse_due_member(const std::string& member);

}  // namespace fabu
