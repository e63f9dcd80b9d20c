#include "daemon/channel_set.h"

namespace fabu {

namespace {

// The portal's columns are `[[channels.<name>.columns]]` with an `id` (validated by its adapter).
void add_inspected_columns(const ChannelConfig& channel, const InspectionRules& rules,
                           std::vector<std::pair<std::string, std::string>>& out) {
  const toml::array* columns = channel.table["columns"].as_array();
  if (columns == nullptr) return;
  for (const auto& node : *columns) {
    const toml::table* column = node.as_table();
    const auto id = column == nullptr ? std::nullopt : (*column)["id"].value<std::string>();
    if (id && rules.column_days.contains(*id)) out.emplace_back(channel.name, *id);
  }
}

}  // namespace

std::expected<std::shared_ptr<const ChannelSet>, ConfigErrors> ChannelSet::create(const Config& config,
                                                                                 const AdapterRegistry& registry,
                                                                                 AdapterEnv& env) {
  auto set = std::make_shared<ChannelSet>();
  set->screen_ = config.screen;
  set->inspection_ = config.inspection;
  set->conference_ = config.conference;
  set->roster_ = config.spokespersons;
  ConfigErrors errors;
  for (const auto& channel : config.channels) {
    const AdapterFactory* factory = registry.find(channel.type);
    if (factory == nullptr) {
      std::string known;
      for (const auto& t : registry.types()) known += (known.empty() ? "" : ", ") + t;
      int line = 0, column = 0;
      if (const auto* node = channel.table.get("type")) {
        line = static_cast<int>(node->source().begin.line);
        column = static_cast<int>(node->source().begin.column);
      }
      errors.push_back({config.source_path, line, column,
                        "channels." + channel.name + ".type: unknown channel type '" + channel.type +
                            "' (known: " + known + ")"});
      continue;
    }
    auto adapter = factory->create(channel, config.source_path, env);
    if (!adapter) {
      errors.insert(errors.end(), adapter.error().begin(), adapter.error().end());
      continue;
    }
    if (channel.type == "portal") {
      add_inspected_columns(channel, config.inspection, set->inspected_columns_);
      set->portals_.push_back(channel.name);
    }
    set->adapters_.emplace(channel.name, std::shared_ptr<Adapter>(std::move(*adapter)));
    set->names_.push_back(channel.name);
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return set;
}

Adapter* ChannelSet::find(const std::string& channel) const {
  auto it = adapters_.find(channel);
  return it == adapters_.end() ? nullptr : it->second.get();
}

std::vector<LaneLimits> ChannelSet::all_lanes() const {
  std::vector<LaneLimits> lanes;
  for (const auto& [name, adapter] : adapters_) {
    auto more = adapter->lanes(name);
    lanes.insert(lanes.end(), more.begin(), more.end());
  }
  return lanes;
}

std::string ChannelSet::link_channel(const Release& release) const {
  // Channels are tried in config order so the choice is stable.
  for (const auto& name : names_) {
    if (!release.targets.contains(name)) continue;
    if (find(name)->link_for(release, Admission{}).has_value()) return name;
  }
  return {};
}

SeriesSettings ChannelSet::conference_settings(const Release& release) const {
  SeriesSettings settings;
  settings.remind_before = conference_.remind_before;
  for (const auto& s : roster_) settings.speakers[s.id] = s.title + s.name;
  for (const auto& name : names_) {
    if (release.targets.contains(name) && find(name)->link_for(release, Admission{}).has_value()) {
      settings.article_channels.push_back(name);
    }
  }
  settings.notice_link = link_for(release, Admission{});
  return settings;
}

const Spokesperson* ChannelSet::spokesperson(std::string_view id) const {
  for (const auto& s : roster_) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::string ChannelSet::link_for(const Release& release, const Admission& admission) const {
  const std::string channel = link_channel(release);
  if (!channel.empty()) {
    if (auto link = find(channel)->link_for(release, admission)) return *link;
  }
  return release.link.value_or("");
}

}  // namespace fabu
