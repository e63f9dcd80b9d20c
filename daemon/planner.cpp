#include "daemon/planner.h"

#include <algorithm>
#include <chrono>

#include "core/delivery_id.h"

namespace fabu {
namespace {

struct Pending {
  std::string channel;
  PlannedDelivery planned;
};

using PlanFn = std::expected<std::vector<PlannedDelivery>, FieldErrors> (Adapter::*)(
    const Release&, const std::string&, const std::vector<std::string>&) const;

// Asks every targeted channel for its deliveries (plan or plan_correction), naming unknown channels.
std::vector<Pending> ask_channels(const Release& release, const ChannelSet& channels, PlanFn plan, FieldErrors& errors) {
  std::vector<Pending> planned;
  for (const auto& [channel, targets] : release.targets) {
    const Adapter* adapter = channels.find(channel);
    if (adapter == nullptr) {
      std::string known;
      for (const auto& n : channels.names()) known += (known.empty() ? "" : ", ") + n;
      errors.push_back({"targets." + channel, "unknown channel '" + channel + "' (configured: " + known + ")"});
      continue;
    }
    auto deliveries = (adapter->*plan)(release, channel, targets);
    if (!deliveries) {
      errors.insert(errors.end(), deliveries.error().begin(), deliveries.error().end());
      continue;
    }
    for (auto& d : *deliveries) planned.push_back({channel, std::move(d)});
  }
  return planned;
}

}  // namespace

std::expected<AdmitRequest, FieldErrors> plan_release(const Release& release, const ChannelSet& channels) {
  FieldErrors errors;
  AdmitRequest request;
  request.release_id = release.id;
  request.revision = release.revision;
  request.doc_number = release.doc_number.value_or("");
  if (release.kind == ReleaseKind::policy_interpretation) request.interprets = release.interprets.value_or("");
  if (release.publish_at) request.not_before_ms = release.publish_at->unix_seconds * 1000;

  const auto id_of = [&](const std::string& channel, const std::string& destination) {
    return DeliveryId{release.id, channel, destination, Operation::publish, release.revision}.str();
  };
  if (release.conference) {
    const auto& ids = release.conference->spokespersons;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (channels.spokesperson(ids[i]) == nullptr) {
        errors.push_back({"conference.spokespersons[" + std::to_string(i) + "]",
                          "'" + ids[i] + "' is not in the roster ([[spokespersons]]; fabuctl roster lists them)"});
      }
    }
  }
  const std::string link_channel = channels.link_channel(release);
  std::vector<Pending> planned = ask_channels(release, channels, &Adapter::plan, errors);
  std::string link_delivery;  // the delivery that makes the link
  for (const auto& p : planned) {
    if (p.channel == link_channel) {
      link_delivery = id_of(p.channel, p.planned.destination);
      request.link_target = p.channel + "|" + p.planned.destination;
      break;
    }
  }

  const bool needs_some_link = std::any_of(planned.begin(), planned.end(), [](const Pending& p) { return p.planned.needs_link; });
  if (needs_some_link && link_delivery.empty() && !release.link) {
    errors.push_back({"targets", "microblog posts need a link: target a portal column or set `link`"});
  }
  // The release's own link is what its posts carry when no targeted channel makes a page: each channel
  // that posts it must accept it, or the release is refused here rather than dead at delivery.
  if (link_delivery.empty() && release.link) {
    for (const auto& p : planned) {
      if (!p.planned.needs_link) continue;
      if (auto why = channels.find(p.channel)->refuses_link(*release.link)) {
        errors.push_back({"link", *why});
        break;
      }
    }
  }
  // A correction may reach an admitted release: what it needs on each channel is planned too (the queue
  // decides which plan applies, as only it knows whether the release is admitted).
  std::vector<Pending> corrections;
  if (release.revision > 1) corrections = ask_channels(release, channels, &Adapter::plan_correction, errors);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  request.link = channels.link_for(release, Admission{});

  for (const auto& p : planned) {
    DeliverySpec spec;
    spec.channel = p.channel;
    spec.destination = p.planned.destination;
    spec.lane = p.planned.lane;
    const std::string id = id_of(p.channel, p.planned.destination);
    if (!p.planned.after.empty()) {
      spec.waits_on = id_of(p.channel, p.planned.after);
    } else if (p.planned.needs_link && !link_delivery.empty() && link_delivery != id) {
      spec.waits_on = link_delivery;
    }
    request.deliveries.push_back(std::move(spec));
  }
  for (const auto& p : corrections) {
    request.corrections.push_back({.channel = p.channel, .destination = p.planned.destination, .lane = p.planned.lane,
                                   .after = p.planned.after, .needs_link = p.planned.needs_link});
  }
  return request;
}

}  // namespace fabu
