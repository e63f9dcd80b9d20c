// ScreenMatch lists as JSON, for the held record and the HTTP API.
#include <nlohmann/json.hpp>

#include "core/screen.h"

namespace fabu {
namespace {

std::string text_of(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string screen_matches_json(const std::vector<ScreenMatch>& matches) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : matches) {
    out.push_back({{"kind", to_string(m.kind)}, {"field", m.field}, {"offset", m.offset}, {"length", m.length},
                   {"masked", m.masked}, {"holds", m.holds}});
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Anyone who can write to Redis can write here: an entry that does not read as a match is skipped.
std::vector<ScreenMatch> screen_matches_from_json(std::string_view text) {
  std::vector<ScreenMatch> out;
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_array()) return out;
  for (const auto& m : doc) {
    if (!m.is_object()) continue;
    const auto kind = screen_kind_from(text_of(m, "kind"));
    const auto holds = m.find("holds");
    const auto offset = m.find("offset"), length = m.find("length");
    if (!kind || offset == m.end() || !offset->is_number_unsigned() || length == m.end() ||
        !length->is_number_unsigned()) {
      continue;
    }
    // A match whose `holds` cannot be read holds: the safe reading for a privacy screen.
    out.push_back({*kind, text_of(m, "field"), offset->get<std::size_t>(), length->get<std::size_t>(),
                   text_of(m, "masked"), holds == m.end() || !holds->is_boolean() || holds->get<bool>()});
  }
  return out;
}

}  // namespace fabu
