// PlatformState's read endpoints, JSON rendering and admin views (the write side is in
// platform_state.cpp).
#include <cmath>
#include <cstdio>
#include <ctime>

#include "sandbox/param_reading.h"
#include "sandbox/platform_state.h"

namespace fabu::sandbox {
namespace {

constexpr std::size_t kMaxIdsPerCall = 100;
constexpr std::int64_t kMaxTimelineCount = 100;

long long minutes_between(PlatformState::SystemClock::time_point from, PlatformState::SystemClock::time_point to) {
  return to > from ? std::chrono::duration_cast<std::chrono::minutes>(to - from).count() : 0;
}

long long milliseconds_since_epoch(PlatformState::SystemClock::time_point when) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

// Weibo's created_at, always in China Standard Time: "Thu Nov 26 10:03:37 +0800 2026".
std::string weibo_time(PlatformState::SystemClock::time_point when) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = PlatformState::SystemClock::to_time_t(when + std::chrono::hours(8));
  std::tm fields{};
  gmtime_r(&seconds, &fields);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s %s %02d %02d:%02d:%02d +0800 %04d", kDays[fields.tm_wday % 7],
                kMonths[fields.tm_mon % 12], fields.tm_mday, fields.tm_hour, fields.tm_min, fields.tm_sec,
                fields.tm_year + 1900);
  return buffer;
}

// Invented but deterministic reach: a per-user (per-status) base that grows by the minute.
struct UserReach {
  long long followers;
  long long friends;
};
UserReach invented_user_reach(std::uint64_t uid, long long age_minutes, std::size_t live_statuses) {
  const auto spread = static_cast<long long>(uid % 48'000);
  return {2'000 + spread + age_minutes * static_cast<long long>(1 + uid % 4) + 5 * static_cast<long long>(live_statuses),
          100 + static_cast<long long>(uid % 400)};
}

struct StatusReach {
  long long reposts;
  long long comments;
  long long attitudes;
};
StatusReach invented_status_reach(std::int64_t id, long long age_minutes, std::int64_t real_reposts) {
  // Each status has its own ceiling and approaches it as 1 - e^(-age / 12 h): about 8 % of it after an
  // hour, 40 % after 6 h, 86 % after a day, all but nothing more after a week.
  const auto salt = static_cast<long long>(id % 1000);
  const double reached = 1.0 - std::exp(-static_cast<double>(age_minutes) / 720.0);
  auto part = [reached](long long ceiling) { return static_cast<long long>(static_cast<double>(ceiling) * reached); };
  return {real_reposts + part(20 + salt % 180), part(10 + salt % 90), part(60 + salt * 3 % 900)};
}

}  // namespace

nlohmann::json PlatformState::user_json(const User& user, SystemClock::time_point now) const {
  // From the sandbox's start, like the accounts no token holds: an account's numbers do not jump when
  // its token is first used.
  const auto reach = invented_user_reach(user.uid, minutes_between(started_, now), user.live_statuses);
  return {{"id", user.uid},
          {"idstr", std::to_string(user.uid)},
          {"screen_name", user.screen_name},
          {"name", user.screen_name},
          {"followers_count", reach.followers},
          {"friends_count", reach.friends},
          {"statuses_count", user.live_statuses}};
}

nlohmann::json PlatformState::status_json(const Post& post, SystemClock::time_point now) const {
  const auto reach = invented_status_reach(post.id, minutes_between(post.created, now), post.reposts);
  nlohmann::json status = {{"id", post.id},
                           {"idstr", std::to_string(post.id)},
                           {"mid", std::to_string(post.id)},
                           {"created_at", weibo_time(post.created)},
                           {"text", post.text},
                           {"reposts_count", reach.reposts},
                           {"comments_count", reach.comments},
                           {"attitudes_count", reach.attitudes}};
  if (const auto* user = user_by_uid(post.uid)) status["user"] = user_json(*user, now);
  if (post.has_pic) {
    status["original_pic"] = "http://sandbox.invalid/large/" + std::to_string(post.id) + ".jpg";
  }
  if (post.retweeted_id != 0) {
    if (const auto* root = find_post(post.retweeted_id)) status["retweeted_status"] = status_json(*root, now);
  }
  return status;
}

PlatformResult PlatformState::user_timeline(const Params& params) {
  std::lock_guard lock(mutex_);
  auto user = authenticate(params);
  if (!user) return std::unexpected(user.error());
  const auto count = int_param(params, "count", 20);
  const auto page = int_param(params, "page", 1);
  const auto since_id = int_param(params, "since_id", 0);
  const auto max_id = int_param(params, "max_id", 0);
  if (!count || !page || !since_id || !max_id || *count < 1 || *page < 1) {
    return std::unexpected(platform_error(codes::param_error, "count, page, since_id and max_id must be positive numbers"));
  }
  const auto per_page = std::min(*count, kMaxTimelineCount);
  auto to_skip = (*page - 1) * per_page;
  const auto now = this->now();
  nlohmann::json statuses = nlohmann::json::array();
  const auto& timeline = (*user)->timeline;
  for (auto it = timeline.rbegin(); it != timeline.rend(); ++it) {
    if (*it <= *since_id) break;  // ids only grow, so everything older is below since_id too
    if (*max_id != 0 && *it > *max_id) continue;
    const auto* post = find_post(*it);
    if (post == nullptr || post->deleted || post->shown > now) continue;
    if (to_skip > 0) {
      --to_skip;
      continue;
    }
    statuses.push_back(status_json(*post, now));
    if (static_cast<std::int64_t>(statuses.size()) >= per_page) break;
  }
  return nlohmann::json{{"statuses", std::move(statuses)},
                        {"total_number", (*user)->live_statuses},
                        {"previous_cursor", 0},
                        {"next_cursor", 0},
                        {"hasvisible", false}};
}

PlatformResult PlatformState::show_user(const Params& params) {
  std::lock_guard lock(mutex_);
  auto caller = authenticate(params);
  if (!caller) return std::unexpected(caller.error());
  const auto now = this->now();
  const auto* uid_text = find_param(params, "uid");
  const auto* screen_name = find_param(params, "screen_name");
  std::optional<std::int64_t> uid;
  if (uid_text != nullptr && !uid_text->empty()) {
    uid = parse_int(*uid_text);
    if (!uid) return std::unexpected(platform_error(codes::param_error, "uid must be a number"));
  } else if (screen_name != nullptr && !screen_name->empty()) {
    // Sandbox screen names are "user<uid>".
    if (!screen_name->starts_with("user") || !(uid = parse_int(std::string_view(*screen_name).substr(4)))) {
      return std::unexpected(platform_error(codes::user_not_found));
    }
  } else {
    return user_json(**caller, now);
  }
  const auto* user = *uid > 0 ? user_by_uid(static_cast<std::uint64_t>(*uid)) : nullptr;
  if (user == nullptr) return std::unexpected(platform_error(codes::user_not_found));
  return user_json(*user, now);
}

PlatformResult PlatformState::user_counts(const Params& params) {
  std::lock_guard lock(mutex_);
  auto caller = authenticate(params);
  if (!caller) return std::unexpected(caller.error());
  const auto* uids_text = find_param(params, "uids");
  const auto uids = uids_text ? parse_id_list(*uids_text, kMaxIdsPerCall) : std::nullopt;
  if (!uids) return std::unexpected(platform_error(codes::param_error, "uids: 1 to 100 comma-separated numbers"));
  const auto now = this->now();
  nlohmann::json counts = nlohmann::json::array();
  constexpr std::int64_t kFirstUid = 5'000'000'000, kLastUid = 5'999'999'999;
  for (const auto uid : *uids) {
    const auto* user = uid > 0 ? user_by_uid(static_cast<std::uint64_t>(uid)) : nullptr;
    if (user == nullptr && uid >= kFirstUid && uid <= kLastUid) {
      const auto reach = invented_user_reach(static_cast<std::uint64_t>(uid), minutes_between(started_, now), 0);
      counts.push_back({{"id", uid}, {"followers_count", reach.followers}, {"friends_count", reach.friends},
                        {"statuses_count", 0}});
      continue;
    }
    if (user == nullptr) continue;
    auto shown = user_json(*user, now);
    counts.push_back({{"id", user->uid},
                      {"followers_count", shown["followers_count"]},
                      {"friends_count", shown["friends_count"]},
                      {"statuses_count", shown["statuses_count"]}});
  }
  return counts;
}

PlatformResult PlatformState::status_counts(const Params& params) {
  std::lock_guard lock(mutex_);
  auto caller = authenticate(params);
  if (!caller) return std::unexpected(caller.error());
  const auto* ids_text = find_param(params, "ids");
  const auto ids = ids_text ? parse_id_list(*ids_text, kMaxIdsPerCall) : std::nullopt;
  if (!ids) return std::unexpected(platform_error(codes::param_error, "ids: 1 to 100 comma-separated numbers"));
  const auto now = this->now();
  nlohmann::json counts = nlohmann::json::array();
  for (const auto id : *ids) {
    const auto* post = find_post(id);
    if (post == nullptr || post->deleted) continue;
    const auto reach = invented_status_reach(post->id, minutes_between(post->created, now), post->reposts);
    counts.push_back({{"id", post->id},
                      {"idstr", std::to_string(post->id)},
                      {"reposts", reach.reposts},
                      {"comments", reach.comments},
                      {"attitudes", reach.attitudes}});
  }
  return counts;
}

std::chrono::seconds PlatformState::advance_clock(std::chrono::seconds by) {
  std::lock_guard lock(mutex_);
  if (by.count() > 0) clock_shift_ += by;
  return clock_shift_;
}

void PlatformState::expire_token(const std::string& access_token) {
  std::lock_guard lock(mutex_);
  expired_tokens_.insert(access_token);
}

void PlatformState::restore_token(const std::string& access_token) {
  std::lock_guard lock(mutex_);
  expired_tokens_.erase(access_token);
}

nlohmann::json PlatformState::admin_posts(std::string_view only_token) const {
  std::lock_guard lock(mutex_);
  nlohmann::json posts = nlohmann::json::array();
  for (const auto& post : posts_) {
    const auto* user = user_by_uid(post.uid);
    const std::string token = user != nullptr ? user->token : std::string();
    if (!only_token.empty() && token != only_token) continue;
    posts.push_back({{"id", post.id},
                     {"idstr", std::to_string(post.id)},
                     {"uid", post.uid},
                     {"token", token},
                     {"text", post.text},
                     {"kind", post.retweeted_id == 0 ? "share" : "repost"},
                     {"retweeted_id", post.retweeted_id},
                     {"created_at_ms", milliseconds_since_epoch(post.created)},
                     {"deleted", post.deleted},
                     {"has_pic", post.has_pic}});
  }
  return nlohmann::json{{"posts", std::move(posts)}};
}

std::size_t PlatformState::post_count() const {
  std::lock_guard lock(mutex_);
  return posts_.size();
}

void PlatformState::reset() {
  std::lock_guard lock(mutex_);
  first_id_ += static_cast<std::int64_t>(posts_.size());
  posts_.clear();
  users_.clear();
  token_by_uid_.clear();
  expired_tokens_.clear();
}

}  // namespace fabu::sandbox
