// Rules over the whole manifest: which 索引号 a new article gets, and which articles link to each other
// (a policy and its interpretations). Pure functions of the manifest; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/portal/portal_manifest.h"
#include "adapters/portal/portal_pages.h"

namespace fabu::portal {

struct IndexNumber {
  std::int64_t serial = 0;
  std::string text;  // the formatted 索引号
};

// The 索引号 for a NEW article `release_id` published in `year`: the pattern filled with `serial` (the
// admission serial) unless another article in the manifest already holds that number (or serial < 1);
// then the next number after the highest serial the manifest holds for `year` that formats to a free
// 索引号. A fresh or restored Redis restarts its serial at 1; the manifest keeps every number ever
// issued, so no number is issued twice for the portal's life.
IndexNumber issue_index_number(const PortalSettings& settings, const Manifest& manifest, const std::string& release_id,
                               int year, std::int64_t serial);

// The policy `entry` interprets: the article whose release id is entry.interprets, else the article
// (not itself an interpretation) whose 文号 is entry.interprets, the first published if several.
// nullptr when entry names none or it is not on the portal.
const ArticleEntry* policy_of(const Manifest& manifest, const ArticleEntry& entry);

// The links `entry`'s page shows: its policy (政策原文), and the interpretations naming it that are
// not withdrawn (政策解读), newest first.
std::vector<RelatedLink> related_links(const Manifest& manifest, const ArticleEntry& entry);

// Ids of the articles whose pages link to `entry` (its policy and its interpretations), without `entry`.
std::vector<std::string> counterparts(const Manifest& manifest, const ArticleEntry& entry);

}  // namespace fabu::portal
