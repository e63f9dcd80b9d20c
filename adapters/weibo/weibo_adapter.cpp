#include "adapters/weibo/weibo_adapter.h"

#include <map>
#include <mutex>

#include "adapters/http_transport.h"
#include "adapters/weibo/weibo_channel.h"
#include "adapters/weibo/weibo_delivery.h"
#include "adapters/weibo/weibo_format.h"

namespace fabu {

namespace {

using weibo::Account;
using weibo::MemberMode;
using weibo::WeiboChannel;

// Thread rules: everything but the token overrides is immutable after construction; the overrides
// sit behind a mutex. deliver()/retract() only start requests and return.
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

  void deliver(const DeliveryJob& job, DeliveryCallback done) override {
    auto request = build_request(job);
    if (!request) return done(fail(request.error()));
    weibo::send_post(std::move(*request), std::move(done));
  }

  void retract(const DeliveryJob& job, const DeliveryReceipt& receipt, RetractCallback done) override {
    const Account* account = hall_.find(job.destination);
    if (account == nullptr) return done(fail(unknown_account(job)));
    if (receipt.post_id.empty()) {
      return done(fail(Error::permanent("delivery " + job.delivery_id +
                                        " has no recorded post id: find the post on account " + account->id +
                                        " and delete it by hand")));
    }
    weibo::destroy_post(transport_, account->id, token_of(*account), receipt.post_id, job.timeout, std::move(done));
  }

  std::vector<AccountInfo> accounts(const std::string& channel) const override {
    std::vector<AccountInfo> out;
    out.reserve(hall_.accounts.size());
    for (const auto& account : hall_.accounts) {
      const bool reposts = account.id != hall_.lead && account.mode == MemberMode::repost;
      out.push_back({channel + "/" + account.id, account.id, account.name, account.group,
                     reposts ? "repost" : "post", account.token_expires, token_fingerprint(account.token)});
    }
    return out;
  }

  // Replaces an account's token at run time (re-authorisation without a restart). Thread-safe.
  bool set_token(const std::string& account, const std::string& token) override {
    if (hall_.find(account) == nullptr) return false;
    std::lock_guard lock(tokens_mutex_);
    token_overrides_[account] = token;
    return true;
  }

 private:
  Result<weibo::PostRequest> build_request(const DeliveryJob& job) const {
    const Account* account = hall_.find(job.destination);
    if (account == nullptr) return fail(unknown_account(job));
    if (!job.release) return fail(Error::invalid("delivery " + job.delivery_id + " carries no release"));
    const Release& release = *job.release;

    weibo::PostRequest request;
    request.transport = transport_;
    request.account = account->id;
    request.token = token_of(*account);
    request.in_doubt = job.in_doubt;
    request.idempotency_key = job.delivery_id;
    request.timeout = job.timeout;
    request.rate_limit_wait = hall_.rate_limit_wait;
    const bool is_lead = account->id == hall_.lead;
    if (!is_lead && account->mode == MemberMode::repost) {
      if (job.upstream.post_id.empty()) {
        return fail(Error::permanent("delivery " + job.delivery_id + " reposts the lead's post, but the lead's "
                                     "delivery recorded no post id: post it by hand or retract the release"));
      }
      request.repost = true;
      request.repost_of = job.upstream.post_id;
      request.text = weibo::repost_text(account->unit);
      return request;
    }

    if (!hall_.safe_domain.empty() && !weibo::url_on_domain(job.link, hall_.safe_domain)) {
      return fail(Error::config("delivery " + job.delivery_id + ": Weibo accepts only posts linking to the safe "
                                "domain " + hall_.safe_domain + ", but the release's link is '" + job.link +
                                "': target the portal or set the release's link"));
    }
    request.link = job.link;
    request.text = is_lead ? weibo::lead_post_text(release.title, release.summary, job.link)
                           : weibo::member_post_text(release.title, release.summary, account->unit,
                                                     hall_.lead_account().name, job.link);
    if (!release.images.empty()) {
      auto image = weibo::load_image(release.images.front());
      if (!image) return fail(image.error());
      request.image = std::move(*image);
    }
    return request;
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
