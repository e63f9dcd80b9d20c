// The `portal` AdapterFactory and its adapter: planning is pure and runs on the caller's thread; file
// work runs on one SerialWorker per adapter, which also calls the delivery callbacks.
#include "adapters/portal/portal_adapter.h"

#include <exception>
#include <functional>

#include <fmt/format.h>

#include "adapters/portal/portal_files.h"
#include "adapters/portal/portal_links.h"
#include "adapters/portal/portal_settings.h"
#include "adapters/portal/portal_site.h"
#include "adapters/portal/serial_worker.h"
#include "core/clock.h"

namespace fabu {
namespace {

using portal::PortalSettings;
using portal::PortalSite;

class PortalAdapter final : public Adapter {
 public:
  PortalAdapter(std::shared_ptr<const PortalSettings> settings, portal::PortalClock now)
      : settings_(std::move(settings)), site_(settings_, std::move(now)) {}

  std::string_view type() const override { return "portal"; }

  std::expected<std::vector<PlannedDelivery>, FieldErrors> plan(
      const Release& release, const std::string& channel, const std::vector<std::string>& targets) const override {
    (void)release;
    FieldErrors errors;
    if (targets.empty()) errors.push_back({"targets." + channel, "names no portal column"});
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (settings_->column(targets[i]) == nullptr)
        errors.push_back({fmt::format("targets.{}[{}]", channel, i), "unknown column '" + targets[i] + "'"});
    }
    if (!errors.empty()) return std::unexpected(std::move(errors));
    // One delivery however many columns: the article is written once and listed in each column.
    return std::vector<PlannedDelivery>{PlannedDelivery{"article", lane_name(channel), "", false}};
  }

  std::vector<LaneLimits> lanes(const std::string& channel) const override {
    return {LaneLimits{lane_name(channel), settings_->max_in_flight, 0, std::chrono::milliseconds(0)}};
  }

  std::vector<CheckFinding> check(const std::string& channel) const override {
    if (auto ok = portal::output_dir_writable(settings_->output_dir); !ok) {
      std::string_view why = ok.error().message;
      if (why.starts_with("portal: ")) why.remove_prefix(8);
      return {{true, channel + ": " + std::string(why)}};
    }
    return {};
  }

  std::vector<BrokenLink> broken_links(const std::string& channel) const override {
    auto recorded = portal::recorded_broken_links(settings_->output_dir);
    // An unreadable record is itself worth a finding: the inspection cannot vouch for the links.
    if (!recorded) return {{channel, ".fabu/links.json", recorded.error().message}};
    std::vector<BrokenLink> out;
    for (auto& link : *recorded) out.push_back({channel, std::move(link.page), std::move(link.target)});
    return out;
  }

  // The article URL depends only on the release (first column, formed_at's year, id), so microblog
  // posts can carry it before the page exists and it never changes on redelivery. A correction keeps the
  // URL the article was first written at.
  std::optional<std::string> link_for(const Release& release, const Admission& admission) const override {
    (void)admission;
    const auto targets = release.targets.find(settings_->channel);
    if (targets == release.targets.end() || targets->second.empty()) return std::nullopt;
    const std::string& first = targets->second.front();
    if (settings_->column(first) == nullptr || !portal::is_safe_release_id(release.id)) return std::nullopt;
    return settings_->base_url + "/" + portal::article_path(first, release);
  }

  void deliver(const DeliveryJob& job, DeliveryCallback done) override {
    run(std::move(done), [this, release = job.release, admission = job.admission]() -> Result<DeliveryReceipt> {
      if (!release) return fail(Error::permanent("portal: delivery job carries no release"));
      return site_.publish(*release, admission);
    });
  }

  // The page is never deleted: it becomes the withdrawal notice (有效性 已撤回), as the catalogue requires.
  void retract(const DeliveryJob& job, const DeliveryReceipt& receipt, RetractCallback done) override {
    (void)receipt;  // the article is found by release id, so an in-doubt publish without a receipt works too
    run(std::move(done), [this, release = job.release, reason = job.reason]() -> Result<void> {
      if (!release) return fail(Error::permanent("portal: retraction job carries no release"));
      return site_.withdraw(release->id, reason);
    });
  }

  void correct(const DeliveryJob& job, DeliveryCallback done) override {
    run(std::move(done), [this, job]() -> Result<DeliveryReceipt> {
      if (!job.release) return fail(Error::permanent("portal: correction job carries no release"));
      return site_.correct(*job.release, job.admission, job.revision, job.reason);
    });
  }

 private:
  // Runs `work` on the worker thread and reports its result through `done`.
  template <typename T, typename Work>
  void run(std::function<void(Result<T>)> done, Work work) {
    worker_.post([work = std::move(work), done = std::move(done)]() mutable {
      Result<T> result = fail(Error::transient("portal: not run"));
      try {
        result = work();
      } catch (const std::exception& e) {
        // Filesystem and allocation failures throw; the disk may recover, so let the queue retry.
        result = fail(Error::transient(std::string("portal: ") + e.what()));
      }
      done(std::move(result));
    });
  }

  static std::string lane_name(const std::string& channel) { return channel + "/site"; }

  std::shared_ptr<const PortalSettings> settings_;
  PortalSite site_;             // used only on worker_'s thread
  portal::SerialWorker worker_;  // last: joined before site_ and settings_ go away
};

class PortalAdapterFactory final : public AdapterFactory {
 public:
  explicit PortalAdapterFactory(portal::PortalClock now) : now_(std::move(now)) {}

  std::string_view type() const override { return "portal"; }

  std::expected<std::unique_ptr<Adapter>, ConfigErrors> create(const ChannelConfig& channel, const std::string& file,
                                                                AdapterEnv& env) const override {
    (void)env;
    ConfigErrors errors;
    auto settings = std::make_shared<const PortalSettings>(portal::read_portal_settings(channel, file, errors));
    if (!errors.empty()) return std::unexpected(std::move(errors));
    return std::make_unique<PortalAdapter>(std::move(settings), now_);
  }

 private:
  portal::PortalClock now_;
};

}  // namespace

std::unique_ptr<AdapterFactory> make_portal_adapter_factory() { return make_portal_adapter_factory(unix_now_ms); }

std::unique_ptr<AdapterFactory> make_portal_adapter_factory(std::function<std::int64_t()> now) {
  return std::make_unique<PortalAdapterFactory>(std::move(now));
}

}  // namespace fabu
