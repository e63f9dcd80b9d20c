// The portal's pages as pure functions of the published articles: article pages, paginated column
// index pages, Atom feeds and the site index. No I/O; thread-safe.
//
// Every link between pages is relative, so the output folder can be opened from disk; only the Atom
// feed uses absolute links (base_url), as feed readers require. Every text is escaped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/portal/portal_settings.h"

namespace fabu::portal {

// One revision of an article as it went out. Revision 1 is the publish; each later one a correction.
struct RevisionRecord {
  int number = 1;
  std::int64_t written_ms = 0;  // when this revision was first written
  std::string note;             // the change note (更正说明); empty for revision 1
  friend bool operator==(const RevisionRecord&, const RevisionRecord&) = default;
};

// One published article as the manifest remembers it: everything needed to list it and to render its
// page again, except the body (kept in its own file because it can be large).
struct ArticleEntry {
  std::string id;
  std::string kind;
  std::string title;
  std::string doc_number;     // 文号, may be empty
  std::string formed;         // 生成日期, YYYY-MM-DD
  std::int64_t published_ms = 0;  // when the article was first written: 发布日期, kept for its life
  std::int64_t serial = 0;        // the number in the 索引号 (unique among the portal's articles)
  std::string index_number;   // 索引号
  std::string issuer;         // 发布机构
  std::string disclosure;     // 公开属性, e.g. 主动公开
  std::vector<std::string> subjects;  // 主题分类
  std::string abstract;       // 内容概述
  std::string interprets;     // the policy this interpretation explains: its release id or its 文号; may be empty
  std::vector<std::string> columns;   // column ids, first one holds the page
  std::string path;           // article page relative to output_dir
  std::vector<RevisionRecord> revisions;  // oldest first; the last one is on the page (never empty once written)
  bool withdrawn = false;
  std::int64_t withdrawn_ms = 0;  // when the withdrawal was written
  std::string withdraw_reason;
  std::string repealed_on;  // 废止: YYYY-MM-DD from which the document is repealed; empty = in force
  std::string repealed_by;  // the repealing document's 文号, may be empty

  bool repealed() const { return !repealed_on.empty(); }

  int revision() const { return revisions.empty() ? 1 : revisions.back().number; }
  // The last change to the article (written, corrected or withdrawn): the feed's <updated>.
  std::int64_t updated_ms() const;
};

// "本文件自2027-01-01起废止（依据临政发〔2027〕3号）。" for a repealed article (REQUIRES: repealed()).
std::string repeal_text(const ArticleEntry& entry);

// Where revision `number` of an article stays readable once a correction replaced it:
// "tzgg/2026/r1.html" -> "tzgg/2026/r1.r1.html".
std::string revision_path(std::string_view article_path, int number);

// Newest first: by publish time, then serial, then id, so the order is total and stable.
bool newer_first(const ArticleEntry& a, const ArticleEntry& b);

// A link from one article to a related one (policy <-> interpretation).
struct RelatedLink {
  std::string label;  // e.g. 政策解读
  std::string title;
  std::string path;   // relative to output_dir
};

// "../../tzgg/index.html": the link from page `from` to page `to`, both relative to output_dir.
std::string relative_link(std::string_view from, std::string_view to);

// "index.html" for page 1, "index-<n>.html" after.
std::string column_page_name(int page);

std::string xml_escape(std::string_view text);

// The article's page: catalogue metadata, body, change notes and the links to its earlier revisions, and
// its related articles. For a withdrawn article: the withdrawal notice instead (title, 索引号, original
// 发布日期, the date and reason of withdrawal, 有效性 已撤回), without the body.
std::string render_article_page(const PortalSettings& settings, const ArticleEntry& entry, std::string_view body_html,
                                const std::vector<RelatedLink>& related);

// Revision `number`'s archived page from the page as it was (`page_html`): the same page with a notice
// that a correction replaced it, linking the current revision.
std::string mark_superseded(std::string_view page_html, const ArticleEntry& entry, int number);

// `entries` are the articles on this page, newest first; pages are numbered from 1.
std::string render_column_page(const PortalSettings& settings, const Column& column,
                               const std::vector<const ArticleEntry*>& entries, int page, int page_count);

// `entries` newest first by updated_ms, already limited to what the feed should carry. A withdrawn
// article appears as an entry whose <updated> is the withdrawal and whose summary is the notice.
std::string render_feed(const PortalSettings& settings, const Column& column,
                        const std::vector<const ArticleEntry*>& entries);

struct ColumnDigest {
  const Column* column;
  std::vector<const ArticleEntry*> latest;  // newest first
};
std::string render_site_index(const PortalSettings& settings, const std::vector<ColumnDigest>& columns);

}  // namespace fabu::portal
