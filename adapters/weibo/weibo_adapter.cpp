#include "adapters/weibo/weibo_adapter.h"

#include <map>
#include <mutex>

#include "adapters/http_transport.h"
#include "adapters/weibo/weibo_channel.h"
#include "adapters/weibo/weibo_delivery.h"
#include "adapters/weibo/weibo_format.h"
#include "adapters/weibo/weibo_reach.h"
#include "adapters/weibo/weibo_removal.h"
#include "core/bounded_text.h"

namespace fabu {

namespace {

using weibo::Account;
using weibo::CorrectionPolicy;
using weibo::WeiboChannel;

// Thread rules: everything but the token overrides is immutable after construction; the overrides
// sit behind a mutex. deliver(), retract() and correct() only start requests and return.
class WeiboAdapter final : public Adapter {
 public:
  WeiboAdapter(WeiboChannel hall, std::shared_ptr<HttpTransport> transport)
      : hall_(std::move(hall)), transport_(std::move(transport)) {}

  std::string_view type() const override { return "weibo"; }

  std::expected<std::vector<PlannedDelivery>, FieldErrors> plan(const Release& release, const std::string& channel,
                                                                const std::vector<std::string>& targets) const override {
    (void)release;
    return weibo::plan_deliveries(hall_, channel, targets);
  }

  std::vector<LaneLimits> lanes(const std::string& channel) const override {
    return weibo::lane_limits(hall_, channel);
  }

  std::optional<std::string> refuses_link(const std::string& link) const override {
    if (link.find('#') != std::string::npos) {
      return "a Weibo post may not carry '#' (Weibo reads #...# as a topic and refuses the post), and the link "
             "goes into every post: '" + bounded(link, 64) + "' has one; give the address without its '#' part";
    }
    if (hall_.safe_domain.empty() || weibo::url_on_domain(link, hall_.safe_domain)) return std::nullopt;
    return "Weibo accepts only posts linking to the safe domain " + hall_.safe_domain + " ([weibo] safe_domain): '" +
           bounded(link, 64) + "' is not on it; target a portal column or give a link on that domain";
  }

  std::expected<std::vector<PlannedDelivery>, FieldErrors> plan_correction(
      const Release& release, const std::string& channel, const std::vector<std::string>& targets) const override {
    // A repeal is marked where the document lives (the portal); the posts that announced it stay.
    if (hall_.correction == CorrectionPolicy::none || release.repealed_on) return std::vector<PlannedDelivery>{};
    return plan(release, channel, targets);
  }

  void deliver(const DeliveryJob& job, DeliveryCallback done) override {
    const Account* account = hall_.find(job.destination);
    if (account == nullptr) return done(fail(unknown_account(job)));
    auto request = publish_request(job, *account);
    if (!request) return done(fail(request.error()));
    weibo::send_post(std::move(*request), noting_own_post(job, *account, std::move(done)));
  }

  // receipt == job.previous. Without a post id (the publish was in doubt and recorded none) the post
  // is looked for as an uncertain publish is reconciled; not found = nothing to delete.
  void retract(const DeliveryJob& job, const DeliveryReceipt& receipt, RetractCallback done) override {
    const Account* account = hall_.find(job.destination);
    if (account == nullptr) return done(fail(unknown_account(job)));
    weibo::RemoveRequest removal{call_for(*account, job), receipt.post_id, retract_match(job, *account), job.in_doubt};
    weibo::remove_post(std::move(removal), [done = std::move(done)](Result<std::string> removed) {
      if (!removed) return done(fail(std::move(removed.error())));
      done({});
    });
  }

  void correct(const DeliveryJob& job, DeliveryCallback done) override {
    const Account* account = hall_.find(job.destination);
    if (account == nullptr) return done(fail(unknown_account(job)));
    switch (hall_.correction) {
      case CorrectionPolicy::none:
        // Planned under another policy before a reload: what went out stays as it is.
        return done(DeliveryReceipt{job.previous.post_id, job.previous.url, "correction = \"none\": nothing posted"});
      case CorrectionPolicy::note: {
        auto request = note_request(job, *account);
        if (!request) return done(fail(request.error()));
        return weibo::send_post(std::move(*request),
                                with_note("correction note", noting_own_post(job, *account, std::move(done))));
      }
      case CorrectionPolicy::replace:
        return replace(job, *account, std::move(done));
    }
  }

  std::vector<AccountInfo> accounts(const std::string& channel) const override {
    std::vector<AccountInfo> out;
    out.reserve(hall_.accounts.size());
    for (const auto& account : hall_.accounts) {
      out.push_back({channel + "/" + account.id, account.id, account.name, account.group,
                     hall_.reposts(account) ? "repost" : "post", account.token_expires, token_fingerprint(account.token)});
    }
    return out;
  }

  bool reads_reach() const override { return true; }

  // users/counts is an app-level read: any of the accounts' tokens will do, the first one asked for.
  void fetch_account_counts(const std::vector<std::string>& accounts, std::chrono::milliseconds timeout,
                            AccountCountsCallback done) override {
    weibo::AccountsByUid by_uid;
    const Account* caller = nullptr;
    for (const auto& id : accounts) {
      const Account* account = hall_.find(id);
      if (account == nullptr) continue;
      if (caller == nullptr) caller = account;
      by_uid[account->uid] = account->id;
    }
    if (caller == nullptr || accounts.size() > kReachIdsPerCall) {
      return done(fail(Error::invalid("users/counts: 1 to 100 configured accounts of the channel")));
    }
    weibo::fetch_user_counts(reach_call(*caller, timeout), std::move(by_uid), std::move(done));
  }

  void fetch_post_counts(const std::string& account_id, const std::vector<std::string>& post_ids,
                         std::chrono::milliseconds timeout, PostCountsCallback done) override {
    const Account* account = hall_.find(account_id);
    if (account == nullptr) {
      return done(fail(Error::config("account '" + account_id + "' is not configured (removed by a reload?)")));
    }
    if (post_ids.empty() || post_ids.size() > kReachIdsPerCall) {
      return done(fail(Error::invalid("statuses/count: 1 to 100 post ids")));
    }
    weibo::fetch_status_counts(reach_call(*account, timeout), post_ids, std::move(done));
  }

  // Replaces an account's token at run time (re-authorisation without a restart). Thread-safe.
  bool set_token(const std::string& account, const std::string& token) override {
    if (hall_.find(account) == nullptr) return false;
    std::lock_guard lock(tokens_mutex_);
    token_overrides_[account] = token;
    return true;
  }

 private:
  weibo::AccountCall call_for(const Account& account, const DeliveryJob& job) const {
    return reach_call(account, job.timeout);
  }

  // Who calls as `account`, with its current token (deliveries and reach reads alike).
  weibo::AccountCall reach_call(const Account& account, std::chrono::milliseconds timeout) const {
    return {transport_, account.id, token_of(account), timeout, hall_.rate_limit_wait};
  }

  // What every post of `job` shares: who sends it, the idempotency key, whether to reconcile first.
  weibo::PostRequest base_request(const DeliveryJob& job, const Account& account) const {
    weibo::PostRequest request;
    request.call = call_for(account, job);
    request.in_doubt = job.in_doubt;
    request.idempotency_key = job.delivery_id;
    request.match.admitted_ms = job.admission.admitted_at_ms;
    return request;
  }

  // A repost-mode member reposts what its delivery waited on: the lead's post (publish, replace) or
  // the lead's 更正 note (note). When the lead's delivery recorded no post id (the platform took the
  // lead's post with 20032 and no id, and it was not on the lead's timeline yet; or a duplicate reply
  // whose post was not found), there is nothing to repost: the member posts the same text as its own
  // post instead, as a post-mode member would, so the release still goes out on every account.
  bool reposts_lead(const Account& account, const DeliveryJob& job) const {
    return hall_.reposts(account) && !job.upstream.post_id.empty();
  }

  // The receipt of a repost-mode member that had to post on its own says so.
  DeliveryCallback noting_own_post(const DeliveryJob& job, const Account& account, DeliveryCallback done) const {
    if (!hall_.reposts(account) || reposts_lead(account, job)) return done;
    return with_note("posted as the account's own post: the lead's delivery recorded no post id to repost",
                     std::move(done));
  }

  Result<weibo::PostRequest> repost_request(const DeliveryJob& job, const Account& account) const {
    weibo::PostRequest request = base_request(job, account);
    request.repost_of = job.upstream.post_id;
    request.text = weibo::repost_text(account.unit);
    request.match.repost = true;
    request.match.repost_of = job.upstream.post_id;
    return request;
  }

  Result<void> check_link(const DeliveryJob& job) const {
    if (hall_.safe_domain.empty() || weibo::url_on_domain(job.link, hall_.safe_domain)) return {};
    return fail(Error::config("delivery " + job.delivery_id + ": Weibo accepts only posts linking to the safe "
                              "domain " + hall_.safe_domain + ", but the release's link is '" + job.link +
                              "': target the portal or set the release's link"));
  }

  std::string share_text(const Release& release, const Account& account, const std::string& link) const {
    return account.id == hall_.lead ? weibo::lead_post_text(release.title, release.summary, link)
                                    : weibo::member_post_text(release.title, release.summary, account.unit,
                                                              hall_.lead_account().name, link);
  }

  // The post a publish makes (also the new post of a replacing correction): job.release's text.
  Result<weibo::PostRequest> publish_request(const DeliveryJob& job, const Account& account) const {
    if (!job.release) return fail(Error::invalid("delivery " + job.delivery_id + " carries no release"));
    if (reposts_lead(account, job)) return repost_request(job, account);
    if (auto linked = check_link(job); !linked) return fail(linked.error());
    const Release& release = *job.release;
    weibo::PostRequest request = base_request(job, account);
    request.text = share_text(release, account, job.link);
    request.match.link = job.link;
    request.match.text = request.text;
    if (!release.images.empty()) {
      auto image = weibo::load_image(release.images.front());
      if (!image) return fail(image.error());
      request.image = std::move(*image);
    }
    return request;
  }

  // A 更正 note: every note of a release carries its link, so only the text identifies this one.
  Result<weibo::PostRequest> note_request(const DeliveryJob& job, const Account& account) const {
    if (!job.release) return fail(Error::invalid("delivery " + job.delivery_id + " carries no release"));
    if (reposts_lead(account, job)) return repost_request(job, account);
    if (auto linked = check_link(job); !linked) return fail(linked.error());
    weibo::PostRequest request = base_request(job, account);
    request.text = weibo::correction_note_text(job.release->title, job.reason, job.link);
    request.match.link = job.link;
    request.match.link_identifies = false;
    request.match.text = request.text;
    request.match.correction_note = true;
    return request;
  }

  // Delete the post being corrected (job.previous), then post the new revision as publish would. A
  // retry after the delete went through finds the old post gone (20101, or the presence check) and
  // reconciles the new post, which the lookup tells from the old one by id (or, when the old id was
  // never recorded, by the new text).
  void replace(const DeliveryJob& job, const Account& account, DeliveryCallback done) const {
    done = noting_own_post(job, account, std::move(done));
    auto request = publish_request(job, account);
    if (!request) return done(fail(request.error()));
    weibo::StatusMatch old_post;
    old_post.link = job.link;
    old_post.admitted_ms = job.admission.admitted_at_ms;
    if (request->match.repost) {
      old_post.repost = true;
      old_post.not_id = request->repost_of;  // the lead's new post: our old repost reposted the old one
    } else {
      old_post.not_text = request->text;
      request->match.not_id = job.previous.post_id;
    }
    weibo::RemoveRequest removal{request->call, job.previous.post_id, std::move(old_post), job.in_doubt};
    weibo::remove_post(std::move(removal), [post = std::move(*request), done = std::move(done)](
                                               Result<std::string> removed) mutable {
      if (!removed) return done(fail(std::move(removed.error())));
      weibo::send_post(std::move(post), with_note("replaced (" + *removed + ")", std::move(done)));
    });
  }

  // Finds the post a retraction undoes when its id was never recorded: the publish (or a replacing
  // correction) is the release's post that is not a note; a note correction's post is a note.
  weibo::StatusMatch retract_match(const DeliveryJob& job, const Account& account) const {
    weibo::StatusMatch match;
    match.link = job.link;
    match.admitted_ms = job.admission.admitted_at_ms;
    // retract.<rev> undoes the delivery of revision <rev>: 1 the publish, >= 2 a correction.
    const auto id = DeliveryId::parse(job.delivery_id);
    const int undone = id && id->operation == Operation::retract ? id->revision : job.revision;
    match.correction_note = undone > 1 && hall_.correction == CorrectionPolicy::note;
    if (hall_.reposts(account)) {
      match.repost = true;
    } else if (job.release && !match.correction_note) {
      match.text = share_text(*job.release, account, job.link);
    }
    return match;
  }

  // Puts `what` in front of the receipt's note.
  static DeliveryCallback with_note(std::string what, DeliveryCallback done) {
    return [what = std::move(what), done = std::move(done)](Result<DeliveryReceipt> result) {
      if (result) result->note = result->note.empty() ? what : what + "; " + result->note;
      done(std::move(result));
    };
  }

  std::string token_of(const Account& account) const {
    std::lock_guard lock(tokens_mutex_);
    const auto it = token_overrides_.find(account.id);
    return it != token_overrides_.end() ? it->second : account.token;
  }

  static Error unknown_account(const DeliveryJob& job) {
    return Error::config("delivery " + job.delivery_id + ": account '" + job.destination +
                         "' is not configured in channel " + job.channel + " (removed by a reload?)");
  }

  const WeiboChannel hall_;
  const std::shared_ptr<HttpTransport> transport_;
  mutable std::mutex tokens_mutex_;
  std::map<std::string, std::string> token_overrides_;
};

class WeiboAdapterFactory final : public AdapterFactory {
 public:
  std::string_view type() const override { return "weibo"; }

  std::expected<std::unique_ptr<Adapter>, ConfigErrors> create(const ChannelConfig& channel, const std::string& file,
                                                               AdapterEnv& env) const override {
    auto hall = weibo::parse_weibo_channel(channel, file);
    if (!hall) return std::unexpected(std::move(hall.error()));
    if (env.http == nullptr) {
      return std::unexpected(ConfigErrors{{file, 0, 0, "channels." + channel.name + ": no HTTP transport available"}});
    }
    auto transport = env.http->make(hall->api_base);
    return std::make_unique<WeiboAdapter>(std::move(*hall), std::move(transport));
  }
};

}  // namespace

std::unique_ptr<AdapterFactory> make_weibo_adapter_factory() { return std::make_unique<WeiboAdapterFactory>(); }

}  // namespace fabu
