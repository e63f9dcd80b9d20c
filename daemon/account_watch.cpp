#include "daemon/account_watch.h"

#include <ctime>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/release_document.h"

namespace fabu {
namespace {

constexpr auto kWarningInterval = std::chrono::hours(24);

std::chrono::sys_days to_days(const Date& d) {
  return std::chrono::sys_days(std::chrono::year_month_day(std::chrono::year(d.year),
                                                           std::chrono::month(static_cast<unsigned>(d.month)),
                                                           std::chrono::day(static_cast<unsigned>(d.day))));
}

std::string plural_days(int n) { return std::to_string(n) + (n == 1 ? " day" : " days"); }

}  // namespace

int days_between(const Date& from, const Date& to) {
  return static_cast<int>((to_days(to) - to_days(from)).count());
}

Date today_local() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

std::optional<std::string> token_expiry_warning(const std::string& channel, const AccountInfo& account,
                                                const Date& expires, const Date& today, int warn_days) {
  const int left = days_between(today, expires);
  if (left > warn_days) return std::nullopt;
  const std::string who = "the token of account " + account.id + " (" + account.name + ", channel " + channel + ")";
  const std::string fix = "re-authorise the account and run `fabuctl accounts set-token " + account.id +
                          (channel == "microblog" ? std::string() : " --channel " + channel) + "`";
  if (left < 0) {
    return who + " expired on " + expires.iso() + " (" + plural_days(-left) +
           " ago): its deliveries are held until you " + fix;
  }
  const std::string when = left == 0 ? "today" : "in " + plural_days(left);
  return who + " expires on " + expires.iso() + ", " + when + ": " + fix;
}

std::vector<TokenOverride> apply_token_overrides(const ChannelSet& channels, const std::vector<TokenOverride>& overrides) {
  std::vector<TokenOverride> applied;
  for (const auto& o : overrides) {
    Adapter* adapter = channels.find(o.channel);
    if (adapter == nullptr) continue;
    for (const auto& account : adapter->accounts(o.channel)) {
      if (account.id != o.destination) continue;
      // The replacement was made for the token the config had then; a newer one in the config wins.
      if (account.token_fingerprint == o.replaces && adapter->set_token(o.destination, o.token)) applied.push_back(o);
    }
  }
  return applied;
}

AccountWatch::AccountWatch(std::unique_ptr<DeliveryLedger> ledger, const Snapshot<ChannelSet>& channels, int warn_days,
                           std::chrono::milliseconds poll, WorkerHealth* workers, ExpiredTokens* expired)
    : ledger_(std::move(ledger)),
      channels_(channels),
      warn_days_(warn_days),
      poll_(poll),
      workers_(workers),
      expired_(expired) {
  thread_ = std::thread([this] {
    std::string why;
    try {
      run();
      return;
    } catch (const std::exception& e) {
      why = e.what();
    } catch (...) {
      why = "an exception of unknown type";
    }
    spdlog::critical("the token watch stopped by an unexpected error: {}", why);
    if (workers_ != nullptr) workers_->report_fatal("token watch", why);
    {
      std::lock_guard lock(mu_);
      first_pass_done_ = true;
    }
    cv_.notify_all();
  });
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return first_pass_done_; });
}

AccountWatch::~AccountWatch() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AccountWatch::run() {
  // Tokens first: the warnings then speak of the tokens in force.
  sync_tokens();
  publish_expired();
  {
    std::lock_guard lock(mu_);
    first_pass_done_ = true;
  }
  cv_.notify_all();
  warn_expiring_tokens();
  auto next_warning = std::chrono::steady_clock::now() + kWarningInterval;
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, poll_, [&] { return stopping_; })) {
    lock.unlock();
    sync_tokens();
    publish_expired();
    if (std::chrono::steady_clock::now() >= next_warning) {
      warn_expiring_tokens();
      next_warning += kWarningInterval;
    }
    lock.lock();
  }
}

void AccountWatch::sync_tokens() {
  auto version = ledger_->tokens_version();
  if (!version) {
    if (!redis_warned_) spdlog::warn("token watch: cannot read token replacements yet: {}", version.error().message);
    redis_warned_ = true;
    return;
  }
  redis_warned_ = false;
  const auto channels = channels_.get();
  if (*version == seen_version_ && channels == seen_channels_) return;
  auto overrides = ledger_->token_overrides();
  if (!overrides) return;  // read again at the next poll
  for (const auto& lane : overrides->unreadable) {
    spdlog::warn("token watch: the token set at run time for {} does not open with redis.token_key (another key "
                 "or none); the configured token stays in use until `fabuctl accounts set-token` sets it again",
                 lane);
  }
  auto applied = apply_token_overrides(*channels, overrides->overrides);
  {
    std::lock_guard lock(mu_);
    applied_ = applied;
  }
  publish_expired();  // before unparking: a replaced expired token must not park its lane again
  bool all_unparked = true;
  for (const auto& o : applied) {
    const std::string fingerprint = token_fingerprint(o.token);
    auto& known = token_by_lane_[o.lane];
    if (known == fingerprint) continue;  // the same token on a reloaded ChannelSet
    known = fingerprint;
    spdlog::info("token replaced for account {} (channel {}); its held deliveries resume", o.destination, o.channel);
    if (auto unparked = ledger_->unpark_lane(o.lane, unix_now_ms()); !unparked) {
      spdlog::warn("token watch: could not unpark {}: {}; `fabuctl accounts` shows it", o.lane,
                   unparked.error().message);
      known.clear();  // logged and unparked again at the next poll
      all_unparked = false;
    }
  }
  if (!all_unparked) return;
  seen_version_ = overrides->version;
  seen_channels_ = channels;
}

std::vector<std::pair<std::string, std::pair<AccountInfo, Date>>> AccountWatch::token_expiries() const {
  std::vector<TokenOverride> applied;
  {
    std::lock_guard lock(mu_);
    applied = applied_;
  }
  return fabu::token_expiries(*channels_.get(), applied);
}

std::vector<std::pair<std::string, std::pair<AccountInfo, Date>>> token_expiries(
    const ChannelSet& channels, const std::vector<TokenOverride>& applied) {
  std::vector<std::pair<std::string, std::pair<AccountInfo, Date>>> out;
  for (const auto& channel : channels.names()) {
    const Adapter* adapter = channels.find(channel);
    if (adapter == nullptr) continue;
    for (const auto& account : adapter->accounts(channel)) {
      std::optional<Date> expires = account.token_expires;
      for (const auto& o : applied) {
        // A replaced token's expiry is the one given with it, if any; the config's was the old token's.
        if (o.lane == account.lane && o.replaces == account.token_fingerprint) expires = release_detail::parse_iso_date(o.expires);
      }
      if (expires) out.push_back({channel, {account, *expires}});
    }
  }
  return out;
}

void AccountWatch::publish_expired() const {
  if (expired_ == nullptr) return;
  const Date today = today_local();
  std::set<std::string> lanes;
  for (const auto& [channel, account_and_date] : token_expiries()) {
    if (days_between(today, account_and_date.second) < 0) lanes.insert(account_and_date.first.lane);
  }
  expired_->replace(std::move(lanes));
}

void AccountWatch::warn_expiring_tokens() const {
  const Date today = today_local();
  for (const auto& [channel, account_and_date] : token_expiries()) {
    const auto& [account, expires] = account_and_date;
    if (auto warning = token_expiry_warning(channel, account, expires, today, warn_days_)) spdlog::warn("{}", *warning);
  }
}

}  // namespace fabu
