// PortalSite: publishes and withdraws articles in one portal output folder, keeping the manifest,
// the article pages, each column's index pages and feed, and the site index consistent.
//
// Synchronous and NOT thread-safe: the portal adapter calls it from its single worker thread only.
// The manifest is re-read from disk for every operation, so the folder (not this object) is the state,
// and a second process writing the same folder in turn sees what the first wrote.
// Every operation is idempotent: repeating one with the same input leaves the same bytes on disk.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/portal/portal_manifest.h"
#include "adapters/portal/portal_settings.h"

namespace fabu::portal {

class PortalSite {
 public:
  explicit PortalSite(std::shared_ptr<const PortalSettings> settings);

  // Writes the article page of `release` (in the columns it targets in this channel), rewrites the
  // pages of its policy/interpretation counterparts so they link to each other, and regenerates the
  // affected column pages, feeds and the site index. Receipt: url = public article URL, post_id = 索引号.
  Result<DeliveryReceipt> publish(const Release& release, const Admission& admission);

  // Marks the article withdrawn (page kept, with a banner) and drops it from index pages and feeds.
  // Withdrawing an article the folder never had succeeds and changes nothing.
  Result<void> withdraw(const std::string& release_id);

  std::string manifest_path() const;

 private:
  Result<Manifest> load_manifest() const;
  Result<void> write_article_page(const Manifest& manifest, const ArticleEntry& entry) const;
  Result<void> write_column(const Manifest& manifest, const Column& column) const;
  Result<void> write_site_index(const Manifest& manifest) const;
  Result<void> write_listings(const Manifest& manifest, const std::vector<std::string>& column_ids) const;
  std::string body_path(const std::string& release_id) const;
  std::string file(const std::string& relative) const;

  std::shared_ptr<const PortalSettings> settings_;
};

// The columns of `release` in `channel`, in target order without duplicates; an Error naming the first
// unknown column.
Result<std::vector<std::string>> release_columns(const PortalSettings& settings, const Release& release);

}  // namespace fabu::portal
