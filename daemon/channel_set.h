// ChannelSet: the configured channels of one Config snapshot, each with its adapter, the snapshot's
// privacy screen policy (what the intake applies before admitting) and its inspection rules.
//
// Built once per config snapshot (at start and on every reload) and then read-only: plan/link lookups
// are thread-safe. Adapters are held by shared_ptr so deliveries still in flight keep the adapter of
// the snapshot they started with alive after a reload.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "config/config.h"
#include "core/conference.h"

namespace fabu {

class ChannelSet {
 public:
  // Creates every channel's adapter through `registry`. Reports every config problem of every channel.
  static std::expected<std::shared_ptr<const ChannelSet>, ConfigErrors> create(const Config& config,
                                                                              const AdapterRegistry& registry,
                                                                              AdapterEnv& env);

  // nullptr when no channel has that name.
  Adapter* find(const std::string& channel) const;
  const std::vector<std::string>& names() const { return names_; }
  // Lanes of every channel, for DeliveryLedger::set_lanes.
  std::vector<LaneLimits> all_lanes() const;

  // The release's public link: from the first targeted channel that produces one, else release.link.
  std::string link_for(const Release& release, const Admission& admission) const;
  // Name of the first targeted channel that produces a link ("" = none).
  std::string link_channel(const Release& release) const;

  // What a conference release's series needs (core/conference.h): `[conference]`, the roster's names,
  // the channels of `release` that publish articles and its notice's link.
  SeriesSettings conference_settings(const Release& release) const;
  // The roster's entry, nullptr when `id` is not in `[[spokespersons]]`.
  const Spokesperson* spokesperson(std::string_view id) const;

  // `[screen]` of the config this set was built from.
  const ScreenPolicy& screen() const { return screen_; }
  // `[inspection]` of the config, and the portal columns it checks: (channel, column id) for every
  // column of a `type = "portal"` channel that inspection.column_days lists.
  const InspectionRules& inspection() const { return inspection_; }
  const std::vector<std::pair<std::string, std::string>>& inspected_columns() const { return inspected_columns_; }
  // The `type = "portal"` channels, in file order: each has a home page the inspection checks.
  const std::vector<std::string>& portals() const { return portals_; }

 private:
  std::map<std::string, std::shared_ptr<Adapter>> adapters_;
  std::vector<std::string> names_;
  ScreenPolicy screen_;
  InspectionRules inspection_;
  ConferenceConfig conference_;
  std::vector<Spokesperson> roster_;
  std::vector<std::pair<std::string, std::string>> inspected_columns_;
  std::vector<std::string> portals_;
};

}  // namespace fabu
