// HTML and Atom rendering for the portal. Pages are built by appending to one string; every piece of
// text that came from a release or the config goes through html_escape (or xml_escape for the feed).
#include "adapters/portal/portal_pages.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "adapters/portal/portal_html.h"
#include "core/text.h"

namespace fabu::portal {
namespace {

constexpr std::string_view kStyle =
    "body{font-family:\"Microsoft YaHei\",\"PingFang SC\",sans-serif;max-width:960px;margin:0 auto;padding:0 1em;"
    "color:#222;line-height:1.7}"
    "header{border-bottom:3px solid #b5121b;padding:.6em 0}header a{color:#b5121b;text-decoration:none}"
    "table.gkml{width:100%;border-collapse:collapse;margin:1em 0;font-size:.9em}"
    "table.gkml th,table.gkml td{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
    "table.gkml th{background:#f3f3f3;white-space:nowrap}"
    ".withdrawn,.superseded{background:#fde8e8;border:1px solid #b5121b;color:#b5121b;padding:.6em;margin:1em 0}"
    ".correction{background:#fff8e1;border-left:4px solid #e0a100;padding:.3em .6em}"
    "ul.list li{display:flex;justify-content:space-between}.date{color:#666}"
    "nav.pager{margin:1em 0;text-align:center}nav.pager a{margin:0 .5em}";

}  // namespace

std::string page_head(std::string_view title, std::string_view feed_link) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + html_escape(title) + "</title>\n";
  if (!feed_link.empty())
    out += "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"" + html_escape(feed_link) + "\">\n";
  out += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  return out;
}

std::string page_foot(const PortalSettings& settings) {
  return "<footer><p>" + html_escape(settings.site_name) + " 主办</p></footer>\n</body>\n</html>\n";
}

std::string anchor(std::string_view href, std::string_view text) {
  return "<a href=\"" + html_escape(href) + "\">" + html_escape(text) + "</a>";
}

std::int64_t ArticleEntry::updated_ms() const {
  std::int64_t last = published_ms;
  if (!revisions.empty()) last = std::max(last, revisions.back().written_ms);
  if (withdrawn) last = std::max(last, withdrawn_ms);
  return last;
}

bool newer_first(const ArticleEntry& a, const ArticleEntry& b) {
  return std::tie(b.published_ms, b.serial, a.id) < std::tie(a.published_ms, a.serial, b.id);
}

std::string relative_link(std::string_view from, std::string_view to) {
  std::string out;
  for (char c : from) {
    if (c == '/') out += "../";
  }
  out.append(to);
  return out;
}

std::string repeal_text(const ArticleEntry& entry) {
  return "本文件自" + entry.repealed_on + "起废止" + (entry.repealed_by.empty() ? "" : "（依据" + entry.repealed_by + "）") + "。";
}

std::string column_page_name(int page) { return page <= 1 ? "index.html" : fmt::format("index-{}.html", page); }

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even as references; releases should not carry any.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string render_column_page(const PortalSettings& settings, const Column& column,
                               const std::vector<const ArticleEntry*>& entries, int page, int page_count) {
  const std::string self = column.id + "/" + column_page_name(page);
  std::string out = page_head(column.name + " - " + settings.site_name, "feed.xml");
  out += "<header>" + anchor(relative_link(self, "index.html"), settings.site_name) + " &gt; " +
         html_escape(column.name) + "</header>\n<main>\n";
  out += "<h1>" + html_escape(column.name) + "</h1>\n";
  if (entries.empty()) out += "<p class=\"empty\">暂无信息</p>\n";
  out += "<ul class=\"list\">\n";
  for (const ArticleEntry* entry : entries)
    out += "<li>" + anchor(relative_link(self, entry->path), entry->title) + " <span class=\"date\">" +
           beijing_date(entry->published_ms) + "</span></li>\n";
  out += "</ul>\n<nav class=\"pager\">\n";
  if (page > 1)
    out += "<a rel=\"prev\" href=\"" + column_page_name(page - 1) + "\">上一页</a>\n";
  out += fmt::format("<span>第 {} 页 / 共 {} 页</span>\n", page, page_count);
  if (page < page_count)
    out += "<a rel=\"next\" href=\"" + column_page_name(page + 1) + "\">下一页</a>\n";
  out += "</nav>\n</main>\n";
  out += page_foot(settings);
  return out;
}

std::string render_feed(const PortalSettings& settings, const Column& column,
                        const std::vector<const ArticleEntry*>& entries) {
  const std::string feed_url = settings.base_url + "/" + column.id + "/feed.xml";
  // An empty feed still needs a stable <updated>; the epoch keeps re-renders byte-identical.
  std::int64_t updated = 0;
  for (const ArticleEntry* entry : entries) updated = std::max(updated, entry->updated_ms());
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n";
  out += "<id>" + xml_escape(feed_url) + "</id>\n";
  out += "<title>" + xml_escape(settings.site_name + " - " + column.name) + "</title>\n";
  out += "<updated>" + beijing_rfc3339(updated) + "</updated>\n";
  out += "<link rel=\"self\" href=\"" + xml_escape(feed_url) + "\"/>\n";
  out += "<link rel=\"alternate\" type=\"text/html\" href=\"" +
         xml_escape(settings.base_url + "/" + column.id + "/index.html") + "\"/>\n";
  out += "<author><name>" + xml_escape(settings.site_name) + "</name></author>\n";
  for (const ArticleEntry* entry : entries) {
    const std::string url = settings.base_url + "/" + entry->path;
    out += "<entry>\n";
    out += "<id>" + xml_escape(url) + "</id>\n";
    out += "<title>" + xml_escape(entry->title) + "</title>\n";
    out += "<link rel=\"alternate\" type=\"text/html\" href=\"" + xml_escape(url) + "\"/>\n";
    out += "<published>" + beijing_rfc3339(entry->published_ms) + "</published>\n";
    out += "<updated>" + beijing_rfc3339(entry->updated_ms()) + "</updated>\n";
    if (!entry->issuer.empty()) out += "<author><name>" + xml_escape(entry->issuer) + "</name></author>\n";
    const std::string summary = entry->withdrawn  ? "【已撤回】本文件已于" + beijing_date(entry->withdrawn_ms) +
                                                        "撤回，现已失效。撤回原因：" + entry->withdraw_reason
                                : entry->repealed() ? "【已废止】" + repeal_text(*entry) + entry->abstract
                                                    : entry->abstract;
    out += "<summary>" + xml_escape(summary) + "</summary>\n";
    out += "</entry>\n";
  }
  out += "</feed>\n";
  return out;
}

std::string render_site_index(const PortalSettings& settings, const std::vector<ColumnDigest>& columns) {
  std::string out = page_head(settings.site_name, "");
  out += "<header>" + html_escape(settings.site_name) + "</header>\n<main>\n";
  out += "<h1>" + html_escape(settings.site_name) + " 政府信息公开</h1>\n";
  for (const auto& digest : columns) {
    const std::string& id = digest.column->id;
    out += "<section>\n<h2>" + anchor(id + "/index.html", digest.column->name) + "</h2>\n<ul class=\"list\">\n";
    for (const ArticleEntry* entry : digest.latest)
      out += "<li>" + anchor(entry->path, entry->title) + " <span class=\"date\">" +
             beijing_date(entry->published_ms) + "</span></li>\n";
    out += "</ul>\n<p>" + anchor(id + "/index.html", "更多") + "</p>\n</section>\n";
  }
  out += "</main>\n";
  out += page_foot(settings);
  return out;
}

}  // namespace fabu::portal
