// PlatformState: the in-memory model of the Weibo platform the sandbox stands in for: users (one
// per access token), statuses (shares and reposts), the content checks statuses/share applies,
// and invented reach numbers that grow with time, deterministically: followers by the minute since the
// sandbox started, a status's counts towards a ceiling of its own along a curve that flattens
// after a day or two (as real engagement does). It knows nothing of HTTP: each endpoint is a method that takes the
// request's parameters and returns the JSON body of a success or a PlatformError, so the model is
// testable on its own and the server stays a thin adapter.
//
// Thread-safe: one mutex guards all state; every public method holds it for its whole (short) run.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "sandbox/form_parsing.h"

namespace fabu::sandbox {

// A refusal in Weibo's terms: the HTTP status and the body's error_code and error text.
struct PlatformError {
  int http_status = 400;
  int error_code = 0;
  std::string message;
};

using PlatformResult = std::expected<nlohmann::json, PlatformError>;

// Weibo's error codes the sandbox answers with.
namespace codes {
inline constexpr int system_error = 10001;       // injected 5xx
inline constexpr int param_error = 10008;
inline constexpr int api_retired = 10014;
inline constexpr int safe_domain = 10017;
inline constexpr int api_not_found = 10020;
inline constexpr int wrong_method = 10021;
inline constexpr int user_rate_limit = 10023;
inline constexpr int user_not_found = 20003;
inline constexpr int text_too_long = 20012;
inline constexpr int repeat_content = 20019;
inline constexpr int illegal_content = 20021;  // the sandbox's reading: a #topic# in share text
inline constexpr int status_not_found = 20101;
inline constexpr int not_own_status = 20102;
inline constexpr int repeat_repost = 20111;
inline constexpr int missing_token = 21301;
inline constexpr int expired_token = 21327;
}  // namespace codes

// Builds the error for `code` with Weibo's usual text and HTTP status.
PlatformError platform_error(int code, std::string detail = {});

// The uid the sandbox gives the user of `access_token` (before collision probing):
// 5000000000 + (FNV-1a 64 of the token mod 1e9).
std::uint64_t uid_for_token(std::string_view access_token);

class PlatformState {
 public:
  using SystemClock = std::chrono::system_clock;

  // `safe_domain`: the app's registered domain; share text must link to it or a subdomain.
  explicit PlatformState(std::string safe_domain);

  // POST statuses/share.json: access_token, status; `has_pic` when a non-empty pic part came.
  // A status made with `hidden_for` > 0 is left out of user_timeline for that long.
  PlatformResult share(const Params& params, bool has_pic, std::chrono::milliseconds hidden_for = {});
  // POST statuses/repost.json: access_token, id, optional status (default 转发微博), is_comment.
  PlatformResult repost(const Params& params, std::chrono::milliseconds hidden_for = {});
  // POST statuses/destroy.json: access_token, id.
  PlatformResult destroy(const Params& params);
  // GET statuses/user_timeline.json: the token's own live statuses, newest first; count (<=100,
  // default 20), page (from 1), since_id, max_id.
  PlatformResult user_timeline(const Params& params);
  // GET users/show.json: uid or screen_name (the token's own user when both are absent).
  PlatformResult show_user(const Params& params);
  // GET users/counts.json: uids, comma separated, at most 100. A uid of a token's user answers with
  // that user's numbers; any other uid from 5000000000 to 5999999999 is an account of the platform
  // that no token of the sandbox holds (a configured account before it posts, say), with numbers
  // invented from the uid that grow from the sandbox's start; other uids are left out.
  PlatformResult user_counts(const Params& params);
  // GET statuses/count.json: ids, comma separated, at most 100; unknown or deleted ids left out.
  PlatformResult status_counts(const Params& params);

  // Admin: tokens that answer 21327 until restored.
  void expire_token(const std::string& access_token);
  void restore_token(const std::string& access_token);
  // Admin: every status ever created (deleted ones flagged), oldest first; optionally only those
  // of one token.
  nlohmann::json admin_posts(std::string_view only_token = {}) const;
  std::size_t post_count() const;
  // Admin: moves the sandbox's clock forward (never back) by `by`, so a test or demo can see a day's
  // growth of followers and counts at once; returns the total shift. reset() keeps it.
  std::chrono::seconds advance_clock(std::chrono::seconds by);
  // Admin: forgets users, statuses and expired tokens. Status ids keep growing, so an id handed
  // out before the reset never names a new status.
  void reset();

 private:
  struct User {
    std::uint64_t uid = 0;
    std::string token;
    std::string screen_name;
    std::vector<std::int64_t> timeline;  // own status ids, oldest first
    std::size_t live_statuses = 0;
    std::unordered_map<std::string, std::int64_t> live_texts;  // share text -> id (repeat check)
    std::unordered_set<std::int64_t> reposted;                 // root ids this user reposted
  };
  struct Post {
    std::int64_t id = 0;
    std::uint64_t uid = 0;
    std::string text;
    std::int64_t retweeted_id = 0;  // 0 for a share
    SystemClock::time_point created;
    SystemClock::time_point shown;  // on the timeline from then on (created, or later)
    bool deleted = false;
    bool has_pic = false;
    std::int64_t reposts = 0;  // live reposts made in the sandbox
  };

  // The token's user (created on first use), or 21301 / 21327. REQUIRES: mutex_ held.
  std::expected<User*, PlatformError> authenticate(const Params& params);
  Post* find_post(std::int64_t id);
  const Post* find_post(std::int64_t id) const;
  Post& add_post(User& user, std::string text, std::int64_t retweeted_id, bool has_pic,
                 std::chrono::milliseconds hidden_for);
  nlohmann::json user_json(const User& user, SystemClock::time_point now) const;
  nlohmann::json status_json(const Post& post, SystemClock::time_point now) const;
  const User* user_by_uid(std::uint64_t uid) const;
  // The platform's time: the system clock plus the admin's shift. REQUIRES: mutex_ held.
  SystemClock::time_point now() const { return SystemClock::now() + clock_shift_; }

  const std::string safe_domain_;
  const SystemClock::time_point started_ = SystemClock::now();
  mutable std::mutex mutex_;
  std::unordered_map<std::string, User> users_;  // by access token
  std::unordered_map<std::uint64_t, std::string> token_by_uid_;
  std::unordered_set<std::string> expired_tokens_;
  std::vector<Post> posts_;  // posts_[i].id == first_id_ + i
  std::int64_t first_id_;
  std::chrono::seconds clock_shift_{0};
};

}  // namespace fabu::sandbox
