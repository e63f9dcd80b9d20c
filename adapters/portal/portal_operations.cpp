// PortalSite's operations. The order of writes is archive, body, manifest, article page, counterpart
// pages, listings. A crash anywhere leaves the folder readable, and the delivery's retry (same revision,
// or the withdrawal again) rewrites everything from the manifest.
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "adapters/portal/portal_catalogue.h"
#include "adapters/portal/portal_files.h"
#include "adapters/portal/portal_site.h"
#include "core/text.h"

namespace fabu::portal {
namespace {

// The entry as `release` describes it. What the article keeps for its life (发布日期, 索引号,
// revisions, URL) is the caller's to fill.
ArticleEntry entry_from(const Release& release, std::vector<std::string> columns) {
  ArticleEntry entry;
  entry.id = release.id;
  entry.kind = std::string(to_string(release.kind));
  entry.title = release.title;
  entry.doc_number = release.doc_number.value_or("");
  entry.formed = iso_date(release.formed_at);
  entry.issuer = release.issuer;
  entry.disclosure = std::string(to_string(release.disclosure));
  entry.subjects = release.subjects;
  entry.abstract = release.abstract.empty() ? release.summary : release.abstract;
  entry.interprets = release.interprets.value_or("");
  if (release.repealed_on) entry.repealed_on = iso_date(*release.repealed_on);
  entry.repealed_by = release.repealed_by.value_or("");
  entry.path = article_path(columns.front(), release);
  entry.columns = std::move(columns);
  return entry;
}

// Carries over what an article keeps across re-writes and corrections.
void keep_identity(ArticleEntry& entry, const ArticleEntry& old) {
  entry.published_ms = old.published_ms;
  entry.serial = old.serial;
  entry.index_number = old.index_number;
  entry.revisions = old.revisions;
}

// Fixes what the first write of an article decides for its life: 发布日期 = now, and its 索引号.
void first_write(ArticleEntry& entry, const PortalSettings& settings, const Manifest& manifest, std::int64_t now,
                 std::int64_t serial, RevisionRecord revision) {
  entry.published_ms = now;
  const IndexNumber number = issue_index_number(settings, manifest, entry.id, beijing_time(now).year, serial);
  entry.serial = number.serial;
  entry.index_number = number.text;
  revision.written_ms = now;
  entry.revisions = {std::move(revision)};
}

}  // namespace

Result<Manifest> PortalSite::prepare(const Release& release, std::vector<std::string>& columns) const {
  if (!is_safe_release_id(release.id))
    return fail(Error::permanent("portal: release id '" + release.id + "' is not a safe file name"));
  auto found = release_columns(*settings_, release);
  if (!found) return fail(found.error());
  columns = std::move(*found);
  if (auto ready = ensure_output_dir(settings_->output_dir); !ready) return fail(ready.error());
  if (auto made = make_directories(file(".fabu/bodies")); !made) return fail(made.error());
  return load_manifest();
}

Result<DeliveryReceipt> PortalSite::write_article(Manifest& manifest, const ArticleEntry& entry,
                                                  const Release& release, std::vector<std::string> affected) {
  if (auto written = write_file_atomically(body_path(entry.id), render_markdown(release.body)); !written)
    return fail(written.error());
  // Pages that linked the article before (its policy may have changed) and those that link it now.
  std::set<std::string> linked;
  if (auto old = manifest.find(entry.id); old != manifest.end()) {
    for (std::string& id : counterparts(manifest, old->second)) linked.insert(std::move(id));
  }
  manifest[entry.id] = entry;
  if (auto saved = write_file_atomically(manifest_path(), manifest_to_json(manifest)); !saved)
    return fail(saved.error());
  if (auto page = write_article_page(manifest, entry); !page) return fail(page.error());
  for (std::string& id : counterparts(manifest, entry)) linked.insert(std::move(id));
  for (const std::string& id : linked) {
    if (auto page = write_article_page(manifest, manifest.at(id)); !page) return fail(page.error());
  }
  for (const auto& c : entry.columns) affected.push_back(c);
  if (auto listed = write_listings(manifest, affected); !listed) return fail(listed.error());
  return DeliveryReceipt{entry.index_number, settings_->base_url + "/" + entry.path, {}};
}

Result<DeliveryReceipt> PortalSite::publish(const Release& release, const Admission& admission) {
  std::vector<std::string> columns;
  auto manifest = prepare(release, columns);
  if (!manifest) return fail(manifest.error());
  ArticleEntry entry = entry_from(release, std::move(columns));

  std::vector<std::string> affected;
  if (auto old = manifest->find(entry.id); old != manifest->end()) {
    const ArticleEntry& was = old->second;
    if (was.withdrawn || was.revision() > 1) {
      spdlog::info("portal: '{}' is already {}; its publish changes nothing", entry.id,
                   was.withdrawn ? "withdrawn" : fmt::format("at revision {}", was.revision()));
      return DeliveryReceipt{was.index_number, settings_->base_url + "/" + was.path, {}};
    }
    keep_identity(entry, was);
    affected = was.columns;
    // The path depends only on the release, so it changes only if the release itself was changed.
    if (was.path != entry.path) {
      if (auto removed = remove_file(file(was.path)); !removed) return fail(removed.error());
    }
  } else {
    first_write(entry, *settings_, *manifest, now_(), admission.serial, RevisionRecord{1, 0, ""});
  }
  return write_article(*manifest, entry, release, std::move(affected));
}

Result<void> PortalSite::archive_revision(const ArticleEntry& entry) const {
  const std::string archive = file(revision_path(entry.path, entry.revision()));
  std::error_code ec;
  // Written once, when the correction replacing it first ran: a retry must not overwrite it.
  if (std::filesystem::exists(archive, ec)) return {};
  auto page = read_file_if_exists(file(entry.path));
  if (!page) return fail(page.error());
  if (!page->has_value()) {
    spdlog::warn("portal: no page for '{}' revision {} to keep", entry.id, entry.revision());
    return {};
  }
  return write_file_atomically(archive, mark_superseded(**page, entry, entry.revision()));
}

Result<DeliveryReceipt> PortalSite::correct(const Release& release, const Admission& admission, int revision,
                                            const std::string& note) {
  std::vector<std::string> columns;
  auto manifest = prepare(release, columns);
  if (!manifest) return fail(manifest.error());
  ArticleEntry entry = entry_from(release, std::move(columns));

  auto old = manifest->find(entry.id);
  if (old == manifest->end()) {
    // Its publish never wrote it (it was in doubt and did not happen): this revision is the first.
    first_write(entry, *settings_, *manifest, now_(), admission.serial, RevisionRecord{revision, 0, note});
    return write_article(*manifest, entry, release, {});
  }
  const ArticleEntry was = old->second;
  if (was.withdrawn)
    return fail(Error::permanent(fmt::format("portal: '{}' was withdrawn; revision {} is not written", entry.id,
                                             revision)));
  if (revision < was.revision())
    return fail(Error::permanent(fmt::format("portal: '{}' revision {} arrived after revision {}; the page keeps "
                                             "revision {}",
                                             entry.id, revision, was.revision(), was.revision())));
  keep_identity(entry, was);
  entry.path = was.path;  // corrected in place: the URL never changes
  if (revision > was.revision()) {
    if (auto kept = archive_revision(was); !kept) return fail(kept.error());
    entry.revisions.push_back(RevisionRecord{revision, now_(), note});
  }
  return write_article(*manifest, entry, release, was.columns);
}

Result<void> PortalSite::withdraw(const std::string& release_id, const std::string& reason) {
  auto manifest = load_manifest();
  if (!manifest) return fail(manifest.error());
  auto found = manifest->find(release_id);
  if (found == manifest->end()) {
    spdlog::info("portal: '{}' was never written: nothing to withdraw", release_id);
    return {};
  }
  ArticleEntry& entry = found->second;
  if (!entry.withdrawn) {
    entry.withdrawn = true;
    entry.withdrawn_ms = now_();
    entry.withdraw_reason = reason;
    if (auto saved = write_file_atomically(manifest_path(), manifest_to_json(*manifest)); !saved) return saved;
  }
  // Already withdrawn: the same files again (a crash may have stopped the first attempt after the manifest).
  if (auto page = write_article_page(*manifest, entry); !page) return page;
  for (const std::string& id : counterparts(*manifest, entry)) {
    if (auto page = write_article_page(*manifest, manifest->at(id)); !page) return page;
  }
  return write_listings(*manifest, entry.columns);
}

}  // namespace fabu::portal
