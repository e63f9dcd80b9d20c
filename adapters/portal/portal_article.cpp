// The article page in its three forms: current, withdrawn (the notice replaces the body) and an
// archived revision (the page as it was, marked as replaced).
#include <fmt/format.h>

#include "adapters/portal/portal_html.h"
#include "adapters/portal/portal_pages.h"
#include "core/text.h"

namespace fabu::portal {
namespace {

std::string join_subjects(const std::vector<std::string>& subjects) {
  std::string out;
  for (const auto& s : subjects) {
    if (!out.empty()) out += "；";
    out += s;
  }
  return out;
}

void metadata_row(std::string& out, std::string_view k1, std::string_view v1, std::string_view k2,
                  std::string_view v2) {
  out += fmt::format("<tr><th>{}</th><td>{}</td><th>{}</th><td>{}</td></tr>\n", k1, html_escape(v1), k2,
                     html_escape(v2));
}

// Head, breadcrumb and the 政府信息公开目录 table: what the current page and the notice share.
std::string page_top(const PortalSettings& settings, const ArticleEntry& entry) {
  const std::string first_column = entry.columns.empty() ? std::string() : entry.columns.front();
  const Column* column = settings.column(first_column);
  const std::string column_name = column ? column->name : first_column;

  std::string out = page_head(entry.title + " - " + settings.site_name,
                              relative_link(entry.path, first_column + "/feed.xml"));
  out += "<header>" + anchor(relative_link(entry.path, "index.html"), settings.site_name) + " &gt; " +
         anchor(relative_link(entry.path, first_column + "/index.html"), column_name) + "</header>\n<main>\n";
  if (entry.withdrawn)
    out += fmt::format("<div class=\"withdrawn\" role=\"alert\">本文件已于{}撤回，现已失效。撤回原因：{}</div>\n",
                       beijing_date(entry.withdrawn_ms), html_escape(entry.withdraw_reason));
  else if (entry.repealed())
    out += "<div class=\"repealed\" role=\"note\">" + html_escape(repeal_text(entry)) + "</div>\n";

  out += "<table class=\"gkml\">\n<caption>政府信息公开目录</caption>\n";
  metadata_row(out, "索引号", entry.index_number, "主题分类", join_subjects(entry.subjects));
  metadata_row(out, "发布机构", entry.issuer, "生成日期", entry.formed);
  metadata_row(out, "文号", entry.doc_number, "发布日期", beijing_date(entry.published_ms));
  // A corrected document stays in force, marked as amended; a withdrawn or repealed one is marked so.
  metadata_row(out, "公开属性", entry.disclosure, "有效性",
               entry.withdrawn                ? "已撤回"
               : entry.repealed()             ? "已废止"
               : entry.revisions.size() >= 2 ? "有效（已更正）"
                                              : "有效");
  out += "<tr><th>信息名称</th><td colspan=\"3\">" + html_escape(entry.title) + "</td></tr>\n";
  if (entry.withdrawn) {
    out += "<tr><th>撤回日期</th><td colspan=\"3\">" + beijing_date(entry.withdrawn_ms) + "</td></tr>\n";
    out += "<tr><th>撤回原因</th><td colspan=\"3\">" + html_escape(entry.withdraw_reason) + "</td></tr>\n";
  } else {
    if (entry.repealed()) out += "<tr><th>废止</th><td colspan=\"3\">" + html_escape(repeal_text(entry)) + "</td></tr>\n";
    out += "<tr><th>内容概述</th><td colspan=\"3\">" + html_escape(entry.abstract) + "</td></tr>\n";
  }
  out += "</table>\n";
  return out;
}

// "更正说明 YYYY-MM-DD：…" for each correction, newest first, and the links to the earlier revisions.
std::string revision_notes(const ArticleEntry& entry) {
  if (entry.revisions.size() < 2) return {};
  std::string out;
  for (auto it = entry.revisions.rbegin(); it != entry.revisions.rend(); ++it) {
    if (it->number == entry.revisions.front().number) break;
    out += fmt::format("<p class=\"correction\">更正说明 {}：{}</p>\n", beijing_date(it->written_ms),
                       html_escape(it->note));
  }
  out += "<section class=\"history\">\n<h2>历史版本</h2>\n<ul>\n";
  for (const RevisionRecord& r : entry.revisions) {
    if (r.number == entry.revision()) {
      out += fmt::format("<li>第{}版（{}，本页）</li>\n", r.number, beijing_date(r.written_ms));
      continue;
    }
    const std::string href = relative_link(entry.path, revision_path(entry.path, r.number));
    out += "<li>" + anchor(href, fmt::format("第{}版", r.number)) + "（" + beijing_date(r.written_ms) + "）</li>\n";
  }
  out += "</ul>\n</section>\n";
  return out;
}

}  // namespace

std::string revision_path(std::string_view article_path, int number) {
  std::string_view stem = article_path;
  if (stem.ends_with(".html")) stem.remove_suffix(5);
  return fmt::format("{}.r{}.html", stem, number);
}

std::string render_article_page(const PortalSettings& settings, const ArticleEntry& entry, std::string_view body_html,
                                const std::vector<RelatedLink>& related) {
  std::string out = page_top(settings, entry);
  out += "<article>\n<h1>" + html_escape(entry.title) + "</h1>\n";
  if (!entry.doc_number.empty()) out += "<p class=\"docno\">" + html_escape(entry.doc_number) + "</p>\n";
  if (!entry.withdrawn) {
    out += revision_notes(entry);
    out += "<div class=\"body\">\n";
    out.append(body_html);  // produced by render_markdown, which escapes raw HTML
    out += "\n</div>\n";
  }
  if (!related.empty()) {
    out += "<ul class=\"related\">\n";
    for (const auto& link : related)
      out += "<li>" + html_escape(link.label) + "：" + anchor(relative_link(entry.path, link.path), link.title) +
             "</li>\n";
    out += "</ul>\n";
  }
  out += "</article>\n</main>\n";
  out += page_foot(settings);
  return out;
}

std::string mark_superseded(std::string_view page_html, const ArticleEntry& entry, int number) {
  const std::string notice =
      fmt::format("<div class=\"superseded\" role=\"note\">本页为第{}版，已被更正。", number) +
      anchor(relative_link(entry.path, entry.path), "查看现行版本") + "</div>\n";
  std::string out(page_html);
  // Its 有效性 says it is no longer the text in force (a hand-edited page without the cell keeps its own).
  constexpr std::string_view in_force = "<th>有效性</th><td>有效";  // 有效, or 有效（已更正） after a correction
  if (const std::size_t cell = out.find(in_force); cell != std::string::npos) {
    const std::size_t value = cell + in_force.size() - std::string_view("有效").size();
    const std::size_t end = out.find("</td>", value);
    if (end != std::string::npos) out.replace(value, end - value, fmt::format("已被第{}版更正", number + 1));
  }
  // Every page this adapter renders has exactly one "<main>\n"; a hand-edited one gets the notice first.
  const std::size_t main = out.find("<main>\n");
  out.insert(main == std::string::npos ? 0 : main + 7, notice);
  return out;
}

}  // namespace fabu::portal
