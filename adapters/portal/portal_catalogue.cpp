// 索引号 issue and policy/interpretation resolution, both read from the manifest, never from Redis.
#include "adapters/portal/portal_catalogue.h"

#include <algorithm>
#include <set>

namespace fabu::portal {
namespace {

bool is_interpretation(const ArticleEntry& entry) { return entry.kind == "policy_interpretation"; }

}  // namespace

IndexNumber issue_index_number(const PortalSettings& settings, const Manifest& manifest, const std::string& release_id,
                               int year, std::int64_t serial) {
  std::set<std::string> taken;
  std::int64_t highest = 0;
  for (const auto& [id, entry] : manifest) {
    if (id == release_id) continue;
    taken.insert(entry.index_number);
    if (beijing_time(entry.published_ms).year == year) highest = std::max(highest, entry.serial);
  }
  IndexNumber number{serial, format_index_number(settings.index_pattern, settings.org_code, year, serial)};
  if (serial >= 1 && !taken.contains(number.text)) return number;
  // A pattern without {year} can collide with other years' numbers too: step on until one is free.
  for (number.serial = highest + 1;; ++number.serial) {
    number.text = format_index_number(settings.index_pattern, settings.org_code, year, number.serial);
    if (!taken.contains(number.text)) return number;
  }
}

const ArticleEntry* policy_of(const Manifest& manifest, const ArticleEntry& entry) {
  if (entry.interprets.empty()) return nullptr;
  if (auto by_id = manifest.find(entry.interprets); by_id != manifest.end())
    return by_id->first == entry.id ? nullptr : &by_id->second;
  const ArticleEntry* found = nullptr;
  for (const auto& [id, other] : manifest) {
    if (id == entry.id || is_interpretation(other) || other.doc_number != entry.interprets) continue;
    if (found == nullptr || newer_first(*found, other)) found = &other;
  }
  return found;
}

std::vector<RelatedLink> related_links(const Manifest& manifest, const ArticleEntry& entry) {
  std::vector<RelatedLink> links;
  if (const ArticleEntry* policy = policy_of(manifest, entry))
    links.push_back({"政策原文", policy->title, policy->path});
  std::vector<const ArticleEntry*> interpretations;
  for (const auto& [id, other] : manifest) {
    if (other.withdrawn || id == entry.id) continue;
    if (const ArticleEntry* policy = policy_of(manifest, other); policy != nullptr && policy->id == entry.id)
      interpretations.push_back(&other);
  }
  std::sort(interpretations.begin(), interpretations.end(), [](const ArticleEntry* a, const ArticleEntry* b) {
    return newer_first(*a, *b);
  });
  for (const ArticleEntry* other : interpretations) links.push_back({"政策解读", other->title, other->path});
  return links;
}

std::vector<std::string> counterparts(const Manifest& manifest, const ArticleEntry& entry) {
  std::vector<std::string> ids;
  if (const ArticleEntry* policy = policy_of(manifest, entry)) ids.push_back(policy->id);
  for (const auto& [id, other] : manifest) {
    if (id == entry.id) continue;
    if (const ArticleEntry* policy = policy_of(manifest, other); policy != nullptr && policy->id == entry.id)
      ids.push_back(id);
  }
  return ids;
}

}  // namespace fabu::portal
