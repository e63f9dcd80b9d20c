// Adapter: one delivery channel (a Weibo account set, the government portal, ...).
//
// A channel is configured by a `[channels.<name>]` table whose `type` names an AdapterFactory. The
// factory validates the table once into an immutable adapter; the adapter then plans the deliveries of
// each release (which destinations, in what order) and performs them. Adapters never touch Redis: the
// daemon hands them everything they need in a DeliveryJob and records what they report.
//
// Thread rules: plan(), lanes(), link_for() and accounts() are const and thread-safe, and so is
// set_token(). deliver() and retract() may be called concurrently from any thread and must return
// quickly; they report exactly once through the callback, from any thread. The callback must not block.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "core/delivery.h"
#include "core/delivery_id.h"
#include "core/inspection.h"
#include "core/reach.h"
#include "core/release.h"

namespace fabu {

class HttpTransportFactory;

// One delivery a channel wants for a release.
struct PlannedDelivery {
  std::string destination;  // account id, or "article" for the portal; unique within the channel
  std::string lane;
  std::string after;        // destination in the same channel that must be delivered first ("" = none)
  bool needs_link = false;  // must wait until the release's link-producing delivery is done
};

struct DeliveryJob {
  std::shared_ptr<const Release> release;  // the revision this job is about (for a retraction: the latest)
  std::string delivery_id;  // DeliveryId::str() (core/delivery_id.h)
  std::string channel;
  std::string destination;
  Operation operation = Operation::publish;
  int revision = 1;         // of the release
  std::string reason;       // retract: why it was withdrawn; correct: the change note
  int attempt = 1;          // 1 for the first send
  bool in_doubt = false;    // an earlier attempt may have gone out: reconcile before sending again
  Admission admission;
  DeliveryReceipt upstream;  // of the delivery this one waited on, if any (the lead post, the article)
  // Retract and correct: the receipt of the delivery being undone or corrected on this destination
  // (its post id, its URL); empty when that delivery was in doubt and recorded none.
  DeliveryReceipt previous;
  std::string link;         // the release's public URL (portal article or release.link), may be empty
  std::chrono::milliseconds timeout{15000};
};

// One platform account a channel posts as, for `fabuctl accounts` and the token-expiry warnings.
struct AccountInfo {
  std::string lane;      // e.g. "microblog/lanshan_fabu"
  std::string id;        // the destination name used in deliveries
  std::string name;      // screen name
  std::string group;
  std::string mode;      // "post" or "repost"
  std::optional<Date> token_expires;  // of the configured token; nullopt = not known
  // token_fingerprint() of the configured token (never the token): tells a run-time replacement made
  // for this token apart from a newer token written into the config since.
  std::string token_fingerprint;
};

// A short, stable, non-reversible tag of a token (FNV-1a 64, hex): lets processes compare tokens
// without showing or logging them.
inline std::string token_fingerprint(std::string_view token) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : token) hash = (hash ^ c) * 1099511628211ull;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = kHex[hash & 0xf];
  return out;
}

// One finding of a pre-flight check (`fabud --check`): a problem stops the check from passing, a
// warning is only shown.
struct CheckFinding {
  bool problem = true;
  std::string message;  // names the channel and what to do, e.g. "portal: output_dir ... is not writable"
};

using DeliveryCallback = std::function<void(Result<DeliveryReceipt>)>;
using RetractCallback = std::function<void(Result<void>)>;
using AccountCountsCallback = std::function<void(Result<std::vector<AccountCounts>>)>;
using PostCountsCallback = std::function<void(Result<std::vector<PostCounts>>)>;

class Adapter {
 public:
  virtual ~Adapter() = default;

  virtual std::string_view type() const = 0;

  // Resolves this channel's target names for `release` into deliveries. Errors name the field as the
  // writer sees it: "targets.<channel>[i]: unknown account 'lanshan'".
  virtual std::expected<std::vector<PlannedDelivery>, FieldErrors> plan(
      const Release& release, const std::string& channel, const std::vector<std::string>& targets) const = 0;

  // The deliveries a correction (a newer revision of an admitted release) needs on this channel: by
  // default the same as plan(); empty when the channel is set to correct nothing.
  virtual std::expected<std::vector<PlannedDelivery>, FieldErrors> plan_correction(
      const Release& release, const std::string& channel, const std::vector<std::string>& targets) const {
    return plan(release, channel, targets);
  }

  // Every lane this channel can use, with its limits from config.
  virtual std::vector<LaneLimits> lanes(const std::string& channel) const = 0;

  // The public URL this channel gives the release, known before delivering; nullopt when the channel
  // makes no page others can link to.
  virtual std::optional<std::string> link_for(const Release& release, const Admission& admission) const {
    (void)release; (void)admission;
    return std::nullopt;
  }

  // Why this channel cannot post a release's own `link` (the one it gives when no targeted channel
  // makes a page), or nullopt when it can. Asked at planning, so such a release is refused at intake.
  virtual std::optional<std::string> refuses_link(const std::string& link) const {
    (void)link;
    return std::nullopt;
  }

  virtual void deliver(const DeliveryJob& job, DeliveryCallback done) = 0;

  // Undoes a delivery (statuses/destroy, or marking the portal page withdrawn).
  virtual void retract(const DeliveryJob& job, const DeliveryReceipt& receipt, RetractCallback done) = 0;

  // Brings what a delivery put out up to revision job.revision (job.release is that revision,
  // job.previous the receipt of what went out, job.reason the change note): a short 更正 post, or the
  // article updated in place. The default, for channels that cannot, fails as a config error.
  virtual void correct(const DeliveryJob& job, DeliveryCallback done) {
    (void)job;
    done(fail(Error::config("channel type " + std::string(type()) + " cannot correct a delivery")));
  }

  // The platform accounts this channel posts as; empty for channels without accounts (the portal).
  virtual std::vector<AccountInfo> accounts(const std::string& channel) const {
    (void)channel;
    return {};
  }

  // Checks, without sending anything, what only this channel knows and a delivery would need (e.g. the
  // portal's folder is writable). Accounts' token expiry is checked by the caller from accounts().
  virtual std::vector<CheckFinding> check(const std::string& channel) const {
    (void)channel;
    return {};
  }
  // The broken internal links this channel's pages had at its last rebuild (the portal); empty for
  // channels without pages or when no check has run yet.
  virtual std::vector<BrokenLink> broken_links(const std::string& channel) const {
    (void)channel;
    return {};
  }
  // Reach (core/reach.h): read-only, each call one platform request. False for channels without
  // accounts or counts (the portal); their fetch_* fail as config errors.
  virtual bool reads_reach() const { return false; }
  // The counts of up to kReachIdsPerCall of this channel's accounts (ids as in deliveries); accounts
  // the platform does not answer for are left out. Reports once, from any thread; must not block.
  virtual void fetch_account_counts(const std::vector<std::string>& accounts, std::chrono::milliseconds timeout,
                                    AccountCountsCallback done) {
    (void)accounts; (void)timeout;
    done(fail(Error::config("channel type " + std::string(type()) + " has no account counts")));
  }
  // The counts of up to kReachIdsPerCall posts `account` made; posts gone are left out. As above.
  virtual void fetch_post_counts(const std::string& account, const std::vector<std::string>& post_ids,
                                 std::chrono::milliseconds timeout, PostCountsCallback done) {
    (void)account; (void)post_ids; (void)timeout;
    done(fail(Error::config("channel type " + std::string(type()) + " has no post counts")));
  }

  // Replaces the token of account `destination` at run time (re-authorisation without a restart).
  // Thread-safe; deliveries started afterwards use it. False when the channel has no such account.
  virtual bool set_token(const std::string& destination, const std::string& token) {
    (void)destination; (void)token;
    return false;
  }
};

// What a factory may use to build an adapter.
struct AdapterEnv {
  HttpTransportFactory* http = nullptr;  // not owned; outlives every adapter
  std::chrono::milliseconds request_timeout{15000};
};

class AdapterFactory {
 public:
  virtual ~AdapterFactory() = default;
  virtual std::string_view type() const = 0;
  // Validates `channel.table` (reporting every problem with file:line:column) and builds the adapter.
  virtual std::expected<std::unique_ptr<Adapter>, ConfigErrors> create(const ChannelConfig& channel,
                                                                       const std::string& file,
                                                                       AdapterEnv& env) const = 0;
};

class AdapterRegistry {
 public:
  void add(std::unique_ptr<AdapterFactory> factory);
  const AdapterFactory* find(std::string_view type) const;
  std::vector<std::string> types() const;

 private:
  std::vector<std::unique_ptr<AdapterFactory>> factories_;
};

// Adds weibo and portal. A new channel type is a new folder under adapters/ plus one line here.
void register_builtin_adapters(AdapterRegistry& registry);

}  // namespace fabu
