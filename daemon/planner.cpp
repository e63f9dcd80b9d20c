#include "daemon/planner.h"

#include <algorithm>
#include <chrono>

namespace fabu {

std::string delivery_id(const std::string& release_id, const std::string& channel, const std::string& destination) {
  return release_id + "|" + channel + "|" + destination;
}

std::expected<AdmitRequest, FieldErrors> plan_release(const Release& release, const ChannelSet& channels) {
  FieldErrors errors;
  AdmitRequest request;
  request.release_id = release.id;
  if (release.publish_at) request.not_before_ms = release.publish_at->unix_seconds * 1000;

  const std::string link_channel = channels.link_channel(release);
  std::string link_delivery;  // the delivery that makes the link, once planned

  struct Pending {
    std::string channel;
    PlannedDelivery planned;
  };
  std::vector<Pending> planned;
  for (const auto& [channel, targets] : release.targets) {
    const Adapter* adapter = channels.find(channel);
    if (adapter == nullptr) {
      std::string known;
      for (const auto& n : channels.names()) known += (known.empty() ? "" : ", ") + n;
      errors.push_back({"targets." + channel, "unknown channel '" + channel + "' (configured: " + known + ")"});
      continue;
    }
    auto deliveries = adapter->plan(release, channel, targets);
    if (!deliveries) {
      errors.insert(errors.end(), deliveries.error().begin(), deliveries.error().end());
      continue;
    }
    for (auto& d : *deliveries) {
      if (channel == link_channel && link_delivery.empty()) link_delivery = delivery_id(release.id, channel, d.destination);
      planned.push_back({channel, std::move(d)});
    }
  }

  const bool needs_some_link = std::any_of(planned.begin(), planned.end(), [](const Pending& p) { return p.planned.needs_link; });
  if (needs_some_link && link_delivery.empty() && !release.link) {
    errors.push_back({"targets", "microblog posts need a link: target a portal column or set `link`"});
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));

  for (const auto& p : planned) {
    DeliverySpec spec;
    spec.channel = p.channel;
    spec.destination = p.planned.destination;
    spec.lane = p.planned.lane;
    const std::string id = delivery_id(release.id, p.channel, p.planned.destination);
    if (!p.planned.after.empty()) {
      spec.waits_on = delivery_id(release.id, p.channel, p.planned.after);
    } else if (p.planned.needs_link && !link_delivery.empty() && link_delivery != id) {
      spec.waits_on = link_delivery;
    }
    request.deliveries.push_back(std::move(spec));
  }
  return request;
}

}  // namespace fabu
