#include "queue/reach_book.h"

#include <algorithm>
#include <charconv>

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>

#include "queue/lua_reach.h"
#include "queue/redis_connection.h"

namespace fabu {
namespace {

using std::chrono::milliseconds;

constexpr std::int64_t kDayMs = 24 * 3'600'000LL;
// A budget window's counter outlives its hour by one, so a late reader still sees the last hour.
constexpr std::int64_t kBudgetKeyTtlMs = 2 * 3'600'000LL;

// Every script names its first key in KEYS (for Cluster routing); all keys share the hash tag.

// KEYS[1] reach:due; ARGV: base, then per post the 8 arguments of reach_post_args(). What it does per
// release and per account: enter_posts (queue/lua_reach.h), which the complete script shares.
constexpr std::size_t kAddPostFields = 8;
const RedisScript kAddPosts{"reach_add_posts", std::string(lua::kReachEntry) + R"lua(
local offsets = {}
for b = 2, #ARGV, 8 do offsets[#offsets + 1] = b end
return enter_posts(ARGV[1], KEYS[1], ARGV, offsets)
)lua"};
// Posts per call: long enough to spread the call's cost, short enough not to hold Redis for long.
constexpr std::size_t kAddPostsBatch = 256;

// KEYS[1] reach:due; ARGV: now ms, limit, lease-until ms. Due entries are re-scored to the lease's end
// in the same step that hands them out, so two instances never read the same post at once.
const RedisScript kClaimDue{"reach_claim_due", R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local rescored = {}
for _, member in ipairs(due) do rescored[#rescored + 1] = ARGV[3]; rescored[#rescored + 1] = member end
for i = 1, #rescored, 1000 do redis.call('ZADD', KEYS[1], unpack(rescored, i, math.min(i + 999, #rescored))) end
return due
)lua"};

// KEYS[1] reach:calls:<hour ms>; ARGV: calls per hour, ttl ms. Check and count in one step: the
// budget holds however many instances take from it at once.
const RedisScript kTakeCall{"reach_take_call", R"lua(
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
if used == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
)lua"};

// KEYS[1] reach:followers_turn (the time the next turn may start); ARGV: now ms, every ms. The time is
// the caller's, not the key's TTL, so a simulated clock sees the same turns as a real one.
const RedisScript kFollowersTurn{"reach_followers_turn", R"lua(
local next_ms = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) < next_ms then return 0 end
redis.call('SET', KEYS[1], string.format('%d', tonumber(ARGV[1]) + tonumber(ARGV[2])))
return 1
)lua"};

std::optional<std::int64_t> to_int(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at = text.find(sep); at != std::string_view::npos; at = text.find(sep, start)) {
    parts.emplace_back(text.substr(start, at - start));
    start = at + 1;
  }
  parts.emplace_back(text.substr(start));
  return parts;
}

std::string account_field(const std::string& channel, const std::string& account) { return channel + "|" + account; }

std::string followers_name(const std::string& channel, const std::string& account) {
  return "reach:f:" + account_field(channel, account);
}

Result<void> check_replies(const Result<std::vector<RedisReplyPtr>>& replies, std::string_view during) {
  if (!replies) return fail(replies.error());
  for (const auto& reply : *replies) {
    if (reply_is_error(reply.get())) return fail(redis_error_reply(*reply, during));
  }
  return {};
}

class RedisReachBook final : public ReachBook {
 public:
  RedisReachBook(const RedisConfig& config, int retention_days)
      : redis_(config), base_(key_base(config)), retention_ms_(retention_days * kDayMs) {}

  Result<void> add_posts(const std::vector<DeliveredPost>& posts) override {
    for (std::size_t first = 0; first < posts.size(); first += kAddPostsBatch) {
      const std::size_t last = std::min(posts.size(), first + kAddPostsBatch);
      RedisArgs args{base_};
      args.reserve(1 + (last - first) * kAddPostFields);
      for (std::size_t i = first; i < last; ++i) {
        for (auto& arg : reach_post_args(posts[i], retention_ms_)) args.push_back(std::move(arg));
      }
      auto reply = redis_.eval(kAddPosts, {key("reach:due")}, args);
      if (!reply) return fail(reply.error());
    }
    return {};
  }

  Result<std::vector<DuePost>> claim_due(std::int64_t now_ms, std::size_t limit, milliseconds lease) override {
    auto reply = redis_.eval(kClaimDue, {key("reach:due")},
                             {std::to_string(now_ms), std::to_string(limit), std::to_string(now_ms + lease.count())});
    if (!reply) return fail(reply.error());
    std::vector<DuePost> out;
    for (std::size_t i = 0; i < reply_size(reply->get()); ++i) {
      const std::string member = reply_string(reply_at(reply->get(), i));
      if (auto due = parse_due_member(member)) {
        out.push_back(std::move(*due));
      } else {
        bad_members_.push_back(member);  // not ours to read: dropped with the next record
      }
    }
    return out;
  }

  Result<void> record_posts(const std::vector<PostReading>& readings, std::int64_t now_ms) override {
    std::vector<RedisArgs> commands{{"MULTI"}};
    for (const auto& member : bad_members_) commands.push_back({"ZREM", key("reach:due"), member});
    for (const auto& reading : readings) {
      const DuePost& due = reading.due;
      const DeliveredPost& post = due.post;
      commands.push_back({"ZREM", key("reach:due"), due.member});
      if (!reading.counts) continue;  // gone from the platform: nothing more to read
      const auto& counts = *reading.counts;
      const nlohmann::json value{{"at_ms", now_ms},
                                 {"reposts", counts.reposts},
                                 {"comments", counts.comments},
                                 {"likes", counts.likes}};
      const std::string rk = key("rel:" + post.release + ":reach");
      const std::size_t reached = checkpoint_reached(post.delivered_ms, due.checkpoint, now_ms);
      commands.push_back({"HSET", rk,
                          account_field(post.channel, post.account) + "|" +
                              std::string(kReachCheckpoints[reached].name),
                          value.dump()});
      const auto last_due = checkpoint_due_ms(post.delivered_ms, kReachCheckpoints.size() - 1);
      commands.push_back({"PEXPIREAT", rk, std::to_string(std::max(last_due, now_ms) + retention_ms_)});
      const std::size_t next = reached + 1;
      if (next < kReachCheckpoints.size()) {
        commands.push_back({"ZADD", key("reach:due"), std::to_string(checkpoint_due_ms(post.delivered_ms, next)),
                            due_member(post, next)});
      }
    }
    commands.push_back({"EXEC"});
    auto done = check_replies(redis_.pipeline(commands), "recording reach");
    if (done) bad_members_.clear();
    return done;
  }

  Result<void> defer(const std::vector<DuePost>& posts, std::int64_t at_ms) override {
    if (posts.empty()) return {};
    RedisArgs zadd{"ZADD", key("reach:due")};
    for (const auto& due : posts) {
      zadd.push_back(std::to_string(at_ms));
      zadd.push_back(due.member);
    }
    return check_replies(redis_.pipeline({zadd}), "deferring reach reads");
  }

  Result<bool> take_followers_turn(std::int64_t now_ms, milliseconds every) override {
    auto reply = redis_.eval(kFollowersTurn, {key("reach:followers_turn")},
                             {std::to_string(now_ms), std::to_string(every.count())});
    if (!reply) return fail(reply.error());
    return reply_integer(reply->get()) == 1;
  }

  Result<void> record_followers(const std::string& channel, const std::vector<AccountCounts>& counts,
                                std::int64_t now_ms) override {
    std::vector<RedisArgs> commands;
    for (const auto& account : counts) {
      const std::string series = key(followers_name(channel, account.account));
      commands.push_back({"ZADD", series, std::to_string(now_ms),
                          std::to_string(now_ms) + ":" + std::to_string(account.followers)});
      commands.push_back({"ZREMRANGEBYSCORE", series, "-inf", "(" + std::to_string(now_ms - retention_ms_)});
      commands.push_back({"PEXPIREAT", series, std::to_string(now_ms + retention_ms_)});
    }
    if (commands.empty()) return {};
    return check_replies(redis_.pipeline(commands), "recording followers");
  }

  Result<bool> take_call(std::int64_t now_ms, int calls_per_hour) override {
    auto reply = redis_.eval(kTakeCall, {budget_key(now_ms)},
                             {std::to_string(calls_per_hour), std::to_string(kBudgetKeyTtlMs)});
    if (!reply) return fail(reply.error());
    return reply_integer(reply->get()) == 1;
  }

  Result<BudgetUse> budget_use(std::int64_t now_ms, int calls_per_hour) override {
    auto reply = redis_.command({"GET", budget_key(now_ms)});
    if (!reply) return fail(reply.error());
    return BudgetUse{hour_window_start_ms(now_ms), to_int(reply_string(reply->get(), "0")).value_or(0), calls_per_hour};
  }

  Result<std::vector<std::optional<std::int64_t>>> latest_followers(
      const std::vector<std::pair<std::string, std::string>>& accounts) override {
    std::vector<RedisArgs> newest;
    for (const auto& [channel, account] : accounts) {
      newest.push_back({"ZREVRANGE", key(followers_name(channel, account)), "0", "0"});
    }
    std::vector<std::optional<std::int64_t>> out;
    if (newest.empty()) return out;
    auto samples = redis_.pipeline(newest);
    if (auto ok = check_replies(samples, "reading followers"); !ok) return fail(ok.error());
    for (const auto& sample : *samples) out.push_back(sample_followers(reply_at(sample.get(), 0)));
    return out;
  }

  Result<std::vector<FollowersReading>> followers_between(const std::string& channel, const std::string& account,
                                                          std::int64_t from_ms, std::int64_t to_ms) override {
    auto reply = redis_.command({"ZRANGEBYSCORE", key(followers_name(channel, account)), std::to_string(from_ms),
                                 std::to_string(to_ms)});
    if (!reply) return fail(reply.error());
    return readings_of(reply->get());
  }

  Result<std::vector<std::vector<FollowersReading>>> followers_since(
      const std::vector<std::pair<std::string, std::string>>& accounts, std::int64_t from_ms, int limit) override {
    std::vector<RedisArgs> ranges;
    for (const auto& [channel, account] : accounts) {
      ranges.push_back({"ZRANGEBYSCORE", key(followers_name(channel, account)), std::to_string(from_ms), "+inf",
                        "LIMIT", "0", std::to_string(std::max(limit, 1))});
    }
    std::vector<std::vector<FollowersReading>> out;
    if (ranges.empty()) return out;
    auto samples = redis_.pipeline(ranges);
    if (auto ok = check_replies(samples, "reading followers"); !ok) return fail(ok.error());
    for (const auto& series : *samples) out.push_back(readings_of(series.get()));
    return out;
  }

  Result<std::vector<AccountReach>> release_reach(const std::string& release_id) override {
    auto reply = redis_.command({"HGETALL", key("rel:" + release_id + ":reach")});
    if (!reply) return fail(reply.error());
    std::map<std::string, AccountReach> by_account;
    for (std::size_t i = 0; i + 1 < reply_size(reply->get()); i += 2) {
      const auto parts = split(reply_string(reply_at(reply->get(), i)), '|');
      if (parts.size() != 3) continue;
      AccountReach& reach = by_account[account_field(parts[0], parts[1])];
      reach.channel = parts[0];
      reach.account = parts[1];
      read_field(reach, parts[2], reply_string(reply_at(reply->get(), i + 1)));
    }
    // Per account: the newest sample, and the first after the delivery (for an account first sampled
    // after it).
    std::vector<RedisArgs> latest;
    for (const auto& [field, reach] : by_account) {
      const std::string series = key(followers_name(reach.channel, reach.account));
      latest.push_back({"ZREVRANGE", series, "0", "0"});
      latest.push_back({"ZRANGEBYSCORE", series, std::to_string(reach.delivered_ms), "+inf", "LIMIT", "0", "1"});
    }
    if (latest.empty()) return std::vector<AccountReach>{};
    auto samples = redis_.pipeline(latest);
    if (auto ok = check_replies(samples, "reading followers"); !ok) return fail(ok.error());
    std::vector<AccountReach> out;
    std::size_t i = 0;
    for (auto& [field, reach] : by_account) {
      reach.followers_now = sample_followers(reply_at((*samples)[i++].get(), 0));
      const auto after = sample_followers(reply_at((*samples)[i++].get(), 0));
      if (!reach.followers_at_delivery) reach.followers_at_delivery = after;
      for (auto& [name, at] : reach.checkpoints) at.counts.post_id = reach.post_id;
      out.push_back(std::move(reach));
    }
    return out;
  }

 private:
  // "<ms>:<followers>" -> followers.
  static std::optional<std::int64_t> sample_followers(const redisReply* sample) {
    const std::string text = reply_string(sample);
    const auto colon = text.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return to_int(std::string_view(text).substr(colon + 1));
  }

  // The readings of one ZRANGEBYSCORE reply ("<ms>:<followers>" each), skipping malformed ones.
  static std::vector<FollowersReading> readings_of(const redisReply* range) {
    std::vector<FollowersReading> out;
    for (std::size_t i = 0; i < reply_size(range); ++i) {
      const std::string text = reply_string(reply_at(range, i));
      const auto at = to_int(std::string_view(text).substr(0, text.find(':')));
      const auto followers = sample_followers(reply_at(range, i));
      if (at && followers) out.push_back({*at, *followers});
    }
    return out;
  }

  static void read_field(AccountReach& reach, const std::string& what, const std::string& value) {
    if (what == "post") {
      reach.post_id = value;
    } else if (what == "delivered_ms") {
      reach.delivered_ms = to_int(value).value_or(0);
    } else if (what == "followers") {
      reach.followers_at_delivery = to_int(value);
    } else {
      const auto json = nlohmann::json::parse(value, nullptr, false);
      if (!json.is_object()) return;
      CheckpointCounts counts;
      counts.at_ms = json.value("at_ms", std::int64_t{0});
      counts.counts = {reach.post_id, json.value("reposts", std::int64_t{0}), json.value("comments", std::int64_t{0}),
                       json.value("likes", std::int64_t{0})};
      reach.checkpoints[what] = counts;
    }
  }

  std::string key(const std::string& name) const { return base_ + name; }
  std::string budget_key(std::int64_t now_ms) const {
    return key("reach:calls:" + std::to_string(hour_window_start_ms(now_ms)));
  }

  RedisConnection redis_;
  const std::string base_;
  const std::int64_t retention_ms_;
  std::vector<std::string> bad_members_;
};

}  // namespace

std::vector<std::string> reach_post_args(const DeliveredPost& post, std::int64_t retention_ms) {
  const auto last_due = checkpoint_due_ms(post.delivered_ms, kReachCheckpoints.size() - 1);
  return {post.release,
          account_field(post.channel, post.account),
          post.post_id,
          std::to_string(post.delivered_ms),
          followers_name(post.channel, post.account),
          due_member(post, 0),
          std::to_string(checkpoint_due_ms(post.delivered_ms, 0)),
          std::to_string(last_due + retention_ms)};
}

std::string due_member(const DeliveredPost& post, std::size_t checkpoint) {
  return post.release + "|" + post.channel + "|" + post.account + "|" + post.post_id + "|" +
         std::to_string(post.delivered_ms) + "|" + std::to_string(checkpoint);
}

std::optional<DuePost> parse_due_member(const std::string& member) {
  const auto parts = split(member, '|');
  if (parts.size() != 6) return std::nullopt;
  const auto delivered = to_int(parts[4]);
  const auto checkpoint = to_int(parts[5]);
  if (!delivered || !checkpoint || *checkpoint < 0 ||
      *checkpoint >= static_cast<std::int64_t>(kReachCheckpoints.size()) || parts[0].empty() || parts[3].empty()) {
    return std::nullopt;
  }
  return DuePost{{parts[0], parts[1], parts[2], parts[3], *delivered}, static_cast<std::size_t>(*checkpoint), member};
}

std::unique_ptr<ReachBook> make_redis_reach_book(const RedisConfig& config, int retention_days) {
  return std::make_unique<RedisReachBook>(config, retention_days);
}

}  // namespace fabu
