// PortalSite: the order of writes is body, manifest, article page, counterpart pages, listings. A crash
// anywhere leaves the folder readable, and the delivery's retry rewrites everything from the manifest.
#include "adapters/portal/portal_site.h"

#include <algorithm>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "adapters/portal/portal_files.h"
#include "core/text.h"

namespace fabu::portal {
namespace {

constexpr std::size_t kFeedEntries = 50;
constexpr std::size_t kSiteIndexEntries = 5;

// Visible articles of one column, newest first.
std::vector<const ArticleEntry*> column_entries(const Manifest& manifest, const std::string& column_id) {
  std::vector<const ArticleEntry*> entries;
  for (const auto& [id, entry] : manifest) {
    if (entry.withdrawn) continue;
    if (std::find(entry.columns.begin(), entry.columns.end(), column_id) != entry.columns.end())
      entries.push_back(&entry);
  }
  std::sort(entries.begin(), entries.end(), [](const ArticleEntry* a, const ArticleEntry* b) {
    return newer_first(*a, *b);
  });
  return entries;
}

// A policy and its interpretations link to each other, whichever arrived first.
std::vector<RelatedLink> related_links(const Manifest& manifest, const ArticleEntry& entry) {
  std::vector<RelatedLink> links;
  if (!entry.interprets.empty()) {
    if (auto policy = manifest.find(entry.interprets); policy != manifest.end())
      links.push_back({"政策原文", policy->second.title, policy->second.path});
  }
  std::vector<const ArticleEntry*> interpretations;
  for (const auto& [id, other] : manifest) {
    if (other.interprets == entry.id && other.id != entry.id) interpretations.push_back(&other);
  }
  std::sort(interpretations.begin(), interpretations.end(), [](const ArticleEntry* a, const ArticleEntry* b) {
    return newer_first(*a, *b);
  });
  for (const ArticleEntry* other : interpretations) links.push_back({"政策解读", other->title, other->path});
  return links;
}

ArticleEntry make_entry(const PortalSettings& settings, const Release& release, const Admission& admission,
                        std::vector<std::string> columns) {
  ArticleEntry entry;
  entry.id = release.id;
  entry.kind = std::string(to_string(release.kind));
  entry.title = release.title;
  entry.doc_number = release.doc_number.value_or("");
  entry.formed = iso_date(release.formed_at);
  entry.published_ms = admission.admitted_at_ms;
  entry.serial = admission.serial;
  entry.index_number = format_index_number(settings.index_pattern, settings.org_code,
                                           beijing_time(admission.admitted_at_ms).year, admission.serial);
  entry.issuer = release.issuer;
  entry.disclosure = std::string(to_string(release.disclosure));
  entry.subjects = release.subjects;
  entry.abstract = release.abstract.empty() ? release.summary : release.abstract;
  entry.interprets = release.interprets.value_or("");
  entry.path = article_path(columns.front(), release);
  entry.columns = std::move(columns);
  return entry;
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

PortalSite::PortalSite(std::shared_ptr<const PortalSettings> settings) : settings_(std::move(settings)) {}

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
  auto body = read_file_if_exists(body_path(entry.id));
  if (!body) return fail(body.error());
  if (!body->has_value()) {
    // Only a hand-edited folder gets here; the page would lose its text, so leave it as it is.
    spdlog::warn("portal: no stored body for '{}', its page is not rewritten", entry.id);
    return {};
  }
  const std::string page_file = file(entry.path);
  if (auto made = make_directories(std::filesystem::path(page_file).parent_path().string()); !made)
    return made;
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
  const auto feed_size = static_cast<std::ptrdiff_t>(std::min(entries.size(), kFeedEntries));
  const std::vector<const ArticleEntry*> feed(entries.begin(), entries.begin() + feed_size);
  return write_file_atomically(file(column.id + "/feed.xml"), render_feed(*settings_, column, feed));
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
  return write_site_index(manifest);
}

Result<DeliveryReceipt> PortalSite::publish(const Release& release, const Admission& admission) {
  if (!is_safe_release_id(release.id))
    return fail(Error::permanent("portal: release id '" + release.id + "' is not a safe file name"));
  auto columns = release_columns(*settings_, release);
  if (!columns) return fail(columns.error());
  if (auto ready = ensure_output_dir(settings_->output_dir); !ready) return fail(ready.error());
  if (auto made = make_directories(file(".fabu/bodies")); !made) return fail(made.error());

  auto manifest = load_manifest();
  if (!manifest) return fail(manifest.error());
  ArticleEntry entry = make_entry(*settings_, release, admission, std::move(*columns));

  std::vector<std::string> affected = entry.columns;
  if (auto old = manifest->find(entry.id); old != manifest->end()) {
    for (const auto& c : old->second.columns) affected.push_back(c);
    // The path depends only on the release, so it changes only if the release itself was changed.
    if (old->second.path != entry.path) {
      if (auto removed = remove_file(file(old->second.path)); !removed) return fail(removed.error());
    }
  }

  if (auto written = write_file_atomically(body_path(entry.id), render_markdown(release.body)); !written)
    return fail(written.error());
  (*manifest)[entry.id] = entry;
  if (auto saved = write_file_atomically(manifest_path(), manifest_to_json(*manifest)); !saved)
    return fail(saved.error());
  if (auto page = write_article_page(*manifest, entry); !page) return fail(page.error());

  for (const auto& [id, other] : *manifest) {
    const bool counterpart = other.interprets == entry.id || (entry.interprets == id && id != entry.id);
    if (!counterpart) continue;
    if (auto page = write_article_page(*manifest, other); !page) return fail(page.error());
  }
  if (auto listed = write_listings(*manifest, affected); !listed) return fail(listed.error());

  return DeliveryReceipt{entry.index_number, settings_->base_url + "/" + entry.path, {}};
}

Result<void> PortalSite::withdraw(const std::string& release_id) {
  auto manifest = load_manifest();
  if (!manifest) return fail(manifest.error());
  auto found = manifest->find(release_id);
  if (found == manifest->end()) return {};
  found->second.withdrawn = true;
  const ArticleEntry entry = found->second;
  if (auto saved = write_file_atomically(manifest_path(), manifest_to_json(*manifest)); !saved) return saved;
  if (auto page = write_article_page(*manifest, entry); !page) return page;
  return write_listings(*manifest, entry.columns);
}

}  // namespace fabu::portal
