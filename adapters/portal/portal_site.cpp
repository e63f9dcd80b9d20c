// PortalSite's pages and listings, rewritten from the manifest. The operations (publish, correct,
// withdraw) are in portal_operations.cpp.
#include "adapters/portal/portal_site.h"

#include <algorithm>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "adapters/portal/portal_catalogue.h"
#include "adapters/portal/portal_files.h"
#include "adapters/portal/portal_links.h"
#include "core/text.h"

namespace fabu::portal {
namespace {

constexpr std::size_t kFeedEntries = 50;
constexpr std::size_t kSiteIndexEntries = 5;

// The articles listed in one column, in manifest (id) order.
std::vector<const ArticleEntry*> in_column(const Manifest& manifest, const std::string& column_id, bool withdrawn_too) {
  std::vector<const ArticleEntry*> entries;
  for (const auto& [id, entry] : manifest) {
    if (entry.withdrawn && !withdrawn_too) continue;
    if (std::find(entry.columns.begin(), entry.columns.end(), column_id) != entry.columns.end())
      entries.push_back(&entry);
  }
  return entries;
}

// Visible articles of one column, newest first.
std::vector<const ArticleEntry*> column_entries(const Manifest& manifest, const std::string& column_id) {
  std::vector<const ArticleEntry*> entries = in_column(manifest, column_id, false);
  std::sort(entries.begin(), entries.end(), [](const ArticleEntry* a, const ArticleEntry* b) {
    return newer_first(*a, *b);
  });
  return entries;
}

// What the column's feed carries: its articles, withdrawn ones as their notice, latest change first.
std::vector<const ArticleEntry*> feed_entries(const Manifest& manifest, const std::string& column_id) {
  std::vector<const ArticleEntry*> entries = in_column(manifest, column_id, true);
  std::sort(entries.begin(), entries.end(), [](const ArticleEntry* a, const ArticleEntry* b) {
    if (a->updated_ms() != b->updated_ms()) return a->updated_ms() > b->updated_ms();
    return newer_first(*a, *b);
  });
  if (entries.size() > kFeedEntries) entries.resize(kFeedEntries);
  return entries;
}

}  // namespace

Result<std::vector<std::string>> release_columns(const PortalSettings& settings, const Release& release) {
  const auto targets = release.targets.find(settings.channel);
  if (targets == release.targets.end() || targets->second.empty())
    return fail(Error::permanent("portal: release '" + release.id + "' names no column in targets." +
                                 settings.channel));
  std::vector<std::string> columns;
  for (const auto& name : targets->second) {
    if (settings.column(name) == nullptr)
      return fail(Error::permanent("portal: release '" + release.id + "': unknown column '" + name + "'"));
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
  }
  return columns;
}

PortalSite::PortalSite(std::shared_ptr<const PortalSettings> settings, PortalClock now)
    : settings_(std::move(settings)), now_(std::move(now)) {}

std::string PortalSite::file(const std::string& relative) const {
  return (std::filesystem::path(settings_->output_dir) / relative).string();
}

std::string PortalSite::manifest_path() const { return file(".fabu/manifest.json"); }

std::string PortalSite::body_path(const std::string& release_id) const {
  return file(".fabu/bodies/" + release_id + ".html");
}

Result<Manifest> PortalSite::load_manifest() const {
  auto text = read_file_if_exists(manifest_path());
  if (!text) return fail(text.error());
  if (!text->has_value()) return Manifest{};
  return manifest_from_json(**text, manifest_path());
}

Result<void> PortalSite::write_article_page(const Manifest& manifest, const ArticleEntry& entry) const {
  const std::string page_file = file(entry.path);
  if (auto made = make_directories(std::filesystem::path(page_file).parent_path().string()); !made)
    return made;
  if (entry.withdrawn) {
    // The notice replaces the current page and every earlier revision's page: nothing withdrawn stays up.
    const std::string notice = render_article_page(*settings_, entry, "", related_links(manifest, entry));
    for (const RevisionRecord& r : entry.revisions) {
      if (r.number == entry.revision()) continue;
      if (auto written = write_file_atomically(file(revision_path(entry.path, r.number)), notice); !written)
        return written;
    }
    return write_file_atomically(page_file, notice);
  }
  auto body = read_file_if_exists(body_path(entry.id));
  if (!body) return fail(body.error());
  if (!body->has_value()) {
    // Only a hand-edited folder gets here; the page would lose its text, so leave it as it is.
    spdlog::warn("portal: no stored body for '{}', its page is not rewritten", entry.id);
    return {};
  }
  const std::string html = render_article_page(*settings_, entry, **body, related_links(manifest, entry));
  return write_file_atomically(page_file, html);
}

Result<void> PortalSite::write_column(const Manifest& manifest, const Column& column) const {
  if (auto made = make_directories(file(column.id)); !made) return made;
  const std::vector<const ArticleEntry*> entries = column_entries(manifest, column.id);
  const std::size_t page_size = static_cast<std::size_t>(settings_->page_size);
  const int page_count = std::max<int>(1, static_cast<int>((entries.size() + page_size - 1) / page_size));
  for (int page = 1; page <= page_count; ++page) {
    const std::size_t first = static_cast<std::size_t>(page - 1) * page_size;
    const std::size_t last = std::min(entries.size(), first + page_size);
    const std::vector<const ArticleEntry*> slice(entries.begin() + static_cast<std::ptrdiff_t>(first),
                                                 entries.begin() + static_cast<std::ptrdiff_t>(last));
    const std::string page_file = file(column.id + "/" + column_page_name(page));
    const std::string html = render_column_page(*settings_, column, slice, page, page_count);
    if (auto written = write_file_atomically(page_file, html); !written) return written;
  }
  // A withdrawal can shorten the list: pages past the new end would be stale.
  for (int page = page_count + 1;; ++page) {
    const std::string stale = file(column.id + "/" + column_page_name(page));
    std::error_code ec;
    if (!std::filesystem::exists(stale, ec)) break;
    if (auto removed = remove_file(stale); !removed) return removed;
  }
  return write_file_atomically(file(column.id + "/feed.xml"),
                               render_feed(*settings_, column, feed_entries(manifest, column.id)));
}

Result<void> PortalSite::write_site_index(const Manifest& manifest) const {
  std::vector<ColumnDigest> digests;
  for (const Column& column : settings_->columns) {
    std::vector<const ArticleEntry*> latest = column_entries(manifest, column.id);
    if (latest.size() > kSiteIndexEntries) latest.resize(kSiteIndexEntries);
    digests.push_back({&column, std::move(latest)});
  }
  return write_file_atomically(file("index.html"), render_site_index(*settings_, digests));
}

Result<void> PortalSite::write_listings(const Manifest& manifest, const std::vector<std::string>& column_ids) const {
  for (const Column& column : settings_->columns) {
    const bool affected = std::find(column_ids.begin(), column_ids.end(), column.id) != column_ids.end();
    // The site index links every column, so a column without pages yet gets its (empty) first page.
    std::error_code ec;
    const bool missing = !std::filesystem::exists(file(column.id + "/index.html"), ec);
    if (!affected && !missing) continue;
    if (auto written = write_column(manifest, column); !written) return written;
  }
  if (auto written = write_site_index(manifest); !written) return written;
  check_links();
  return {};
}

void PortalSite::check_links() const {
  // The pages are out: a failed check is logged, never a failed delivery.
  auto broken = find_broken_links(settings_->output_dir, settings_->base_url);
  if (!broken) {
    spdlog::warn("{}", broken.error().message);
    return;
  }
  if (auto recorded = record_broken_links(settings_->output_dir, *broken); !recorded) {
    spdlog::warn("{}", recorded.error().message);
  }
  if (!broken->empty()) {
    spdlog::warn("portal: {} broken internal link(s), the first on {} to {} (fabuctl inspect lists them)",
                 broken->size(), broken->front().page, broken->front().target);
  }
}

}  // namespace fabu::portal
