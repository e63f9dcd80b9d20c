// AccountWatch: keeps the adapters' tokens in step with the replacements operators store in Redis
// (`fabuctl accounts set-token`), and warns about tokens that are about to expire.
//
// It runs a thread of its own with a DeliveryLedger of its own. Every poll interval it reads the
// tokens version (one GET); when the version moved, or a reload installed another ChannelSet, it
// applies every stored replacement to the adapters, logs the accounts whose token it replaced (never
// the token) and unparks their lanes, so their held deliveries resume. The unparking comes after the
// token is in place: a delivery claimed earlier would go out with the old token and park the lane
// again. At start and every 24 hours it logs the accounts whose token expires within
// daemon.token_warn_days. Every poll it also publishes the lanes whose token has expired
// (daemon/expired_tokens.h), so nothing is sent with them.
//
// Thread rules: construct and destroy from the controlling thread; it starts in its constructor (which
// returns once the first pass, tokens and expired lanes, is done) and stops in its destructor. warn_expiring_tokens() may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/adapter.h"
#include "daemon/channel_set.h"
#include "daemon/expired_tokens.h"
#include "daemon/snapshot.h"
#include "daemon/worker_health.h"
#include "queue/delivery_ledger.h"

namespace fabu {

class AccountWatch {
 public:
  AccountWatch(std::unique_ptr<DeliveryLedger> ledger, const Snapshot<ChannelSet>& channels, int warn_days,
               std::chrono::milliseconds poll = std::chrono::seconds(1), WorkerHealth* workers = nullptr,
               ExpiredTokens* expired = nullptr);
  ~AccountWatch();
  AccountWatch(const AccountWatch&) = delete;
  AccountWatch& operator=(const AccountWatch&) = delete;

  // Logs one warning per account whose token expires within the warning window (or has expired).
  void warn_expiring_tokens() const;
  // Puts the lanes whose token expired before today into `expired` (when given); every poll does it
  // too. Call it before unparking lanes after a reload, so no delivery is parked again by a stale set.
  void publish_expired() const;

 private:
  void run();
  void sync_tokens();
  // The expiry date in force for each account that has one (a replacement's own date wins).
  std::vector<std::pair<std::string, std::pair<AccountInfo, Date>>> token_expiries() const;

  std::unique_ptr<DeliveryLedger> ledger_;  // the watch thread's only
  const Snapshot<ChannelSet>& channels_;
  const int warn_days_;
  const std::chrono::milliseconds poll_;
  WorkerHealth* workers_;  // told when the watch thread dies; may be null
  ExpiredTokens* expired_;  // filled every poll; may be null

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool first_pass_done_ = false;
  std::vector<TokenOverride> applied_;  // the replacements in force, for the expiry warnings

  // Owned by the watch thread.
  std::int64_t seen_version_ = -1;
  std::shared_ptr<const ChannelSet> seen_channels_;
  std::map<std::string, std::string> token_by_lane_;  // lane -> fingerprint of the token applied
  bool redis_warned_ = false;
  std::thread thread_;
};

// Applies each replacement whose `replaces` still matches the configured token of its account (a
// newer token in the config wins over an older replacement). Returns the replacements applied.
std::vector<TokenOverride> apply_token_overrides(const ChannelSet& channels, const std::vector<TokenOverride>& overrides);

// The warning for one account's token, or nullopt when it is not due. Pure, for tests.
std::optional<std::string> token_expiry_warning(const std::string& channel, const AccountInfo& account,
                                                const Date& expires, const Date& today, int warn_days);

// The expiry date in force for each account of `channels` that has one: a replacement in `overrides`
// made for the configured token brings its own date (the config's was the old token's).
std::vector<std::pair<std::string, std::pair<AccountInfo, Date>>> token_expiries(
    const ChannelSet& channels, const std::vector<TokenOverride>& overrides);

// Whole days from `from` to `to` (negative when `to` is earlier).
int days_between(const Date& from, const Date& to);
Date today_local();

}  // namespace fabu
