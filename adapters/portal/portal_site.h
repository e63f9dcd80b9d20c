// PortalSite: publishes and withdraws articles in one portal output folder, keeping the manifest,
// the article pages, each column's index pages and feed, and the site index consistent.
//
// Synchronous and NOT thread-safe: the portal adapter calls it from its single worker thread only.
// The manifest is re-read from disk for every operation, so the folder (not this object) is the state,
// and a second process writing the same folder in turn sees what the first wrote.
// Every operation is idempotent: repeating one with the same input leaves the same bytes on disk.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/portal/portal_manifest.h"
#include "adapters/portal/portal_settings.h"

namespace fabu::portal {

// Unix milliseconds now; the time an article is written (its 发布日期), corrected or withdrawn.
using PortalClock = std::function<std::int64_t()>;

class PortalSite {
 public:
  PortalSite(std::shared_ptr<const PortalSettings> settings, PortalClock now);

  // Writes the article page of `release` (in the columns it targets in this channel), rewrites the
  // pages of its policy/interpretation counterparts so they link to each other, and regenerates the
  // affected column pages, feeds and the site index. Receipt: url = public article URL, post_id = 索引号.
  // The first write fixes the article's 发布日期 (now) and 索引号 (see issue_index_number); rewrites keep
  // both. An article already corrected or withdrawn is left as it is (a late re-delivery of its publish).
  Result<DeliveryReceipt> publish(const Release& release, const Admission& admission);

  // Brings the article to revision `revision` (`release` is that revision) in place: same URL, 索引号
  // and 发布日期, a dated change note `note`, and the replaced revision kept at revision_path(). The
  // same revision again rewrites the same files; an older one than the page's is refused (permanent),
  // and so is correcting a withdrawn article. An article never written is written as `revision`.
  Result<DeliveryReceipt> correct(const Release& release, const Admission& admission, int revision,
                                  const std::string& note);

  // Replaces the article page (and its earlier revisions' pages) with the withdrawal notice, drops it
  // from the column pages and the site index, and turns its feed entry into the notice. Withdrawing
  // again rewrites the same files; an article the folder never had: succeeds and changes nothing.
  Result<void> withdraw(const std::string& release_id, const std::string& reason);

  std::string manifest_path() const;

 private:
  Result<Manifest> load_manifest() const;
  // Loads the manifest after checking the release and the folder; `columns` gets the release's columns.
  Result<Manifest> prepare(const Release& release, std::vector<std::string>& columns) const;
  // Writes body, manifest, page, counterpart pages and listings for `entry`, now in `manifest`.
  Result<DeliveryReceipt> write_article(Manifest& manifest, const ArticleEntry& entry, const Release& release,
                                        std::vector<std::string> affected);
  Result<void> archive_revision(const ArticleEntry& entry) const;
  Result<void> write_article_page(const Manifest& manifest, const ArticleEntry& entry) const;
  Result<void> write_column(const Manifest& manifest, const Column& column) const;
  Result<void> write_site_index(const Manifest& manifest) const;
  Result<void> write_listings(const Manifest& manifest, const std::vector<std::string>& column_ids) const;
  // Checks every page's internal links and records the broken ones (portal_links.h).
  void check_links() const;
  std::string body_path(const std::string& release_id) const;
  std::string file(const std::string& relative) const;

  std::shared_ptr<const PortalSettings> settings_;
  PortalClock now_;
};

// The columns of `release` in `channel`, in target order without duplicates; an Error naming the first
// unknown column.
Result<std::vector<std::string>> release_columns(const PortalSettings& settings, const Release& release);

}  // namespace fabu::portal
