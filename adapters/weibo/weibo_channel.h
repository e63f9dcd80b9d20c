// WeiboChannel: one `[channels.<name>]` table of type "weibo", validated once into an immutable value
// (the matrix hall: a lead account and its member accounts), and the planning rules over it.
// Immutable after parse_weibo_channel(); share it across threads as const.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/weibo/weibo_errors.h"
#include "config/config.h"
#include "core/release.h"

namespace fabu::weibo {

enum class MemberMode { post, repost };

// What a correction (a newer revision of a release) does on the channel's accounts (docs/PROTOCOL.md):
// note: post accounts post a short 更正 linking the article, repost accounts repost the lead's note;
// replace: post accounts delete the old post and post the new revision, repost accounts delete their
// repost and repost the lead's new post; none: nothing.
enum class CorrectionPolicy { note, replace, none };

struct Account {
  std::string id;     // [a-z0-9_]+, unique in the channel
  std::string name;   // screen name, for @mentions
  std::string unit;   // the organisation running the account
  std::string group;  // lead, county, department, zone, ...
  std::string uid;
  std::string token;  // resolved from token / token_env / token_file; never logged
  std::optional<Date> token_expires;
  MemberMode mode = MemberMode::post;  // always post for the lead
  int posts_per_hour = 30;             // 0 = unlimited
  int min_gap_seconds = 0;
};

struct WeiboChannel {
  std::string name;         // the channel's name in config, e.g. "microblog"
  std::string api_base;     // http(s)://.../ ending in '/'
  std::string safe_domain;  // "" = not checked before posting
  std::string lead;         // account id of the lead
  std::string hall;
  // Pause after a rate-limit reply (10022-10024) that names no Retry-After; 20016 rests five times as long.
  std::chrono::seconds rate_limit_wait = kDefaultRateLimitWait;
  CorrectionPolicy correction = CorrectionPolicy::note;
  // Posting calls (share, repost, destroy) of every account together per sliding hour: the app's
  // quota, which all of the channel's tokens draw on. 0 = only each account's own limit.
  int app_posts_per_hour = 0;
  std::vector<Account> accounts;  // in file order

  // Looks up by id: through the index parse_weibo_channel() builds (a hall has up to thousands of
  // accounts and every delivery looks its account up), else by a scan of `accounts`.
  const Account* find(std::string_view id) const;
  void index_accounts();  // after `accounts` changed; find() scans while the index is out of date
  const Account& lead_account() const;  // REQUIRES: validated (lead names an account)
  bool reposts(const Account& account) const { return account.id != lead && account.mode == MemberMode::repost; }

 private:
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  std::unordered_map<std::string, std::size_t, IdHash, std::equal_to<>> index_;  // id -> position in accounts
};

// Validates the table, reporting every problem with the file, line and column of the offending node.
std::expected<WeiboChannel, ConfigErrors> parse_weibo_channel(const ChannelConfig& channel, const std::string& file);

// Resolves target names ("lead", "all", "group:<g>", account ids) into deliveries; see adapter.h.
std::expected<std::vector<PlannedDelivery>, FieldErrors> plan_deliveries(const WeiboChannel& hall,
                                                                         const std::string& channel,
                                                                         const std::vector<std::string>& targets);

std::vector<LaneLimits> lane_limits(const WeiboChannel& hall, const std::string& channel);

// True when `url` is an http(s) URL whose host is `domain` or one of its subdomains.
bool url_on_domain(std::string_view url, std::string_view domain);

}  // namespace fabu::weibo
