// The report card as one HTML page: tables, SVG charts (report_svg.h) and a print style for A4 in which
// no table row, chart or section heading is cut by a page break.
#include <sstream>

#include "core/text.h"
#include "report/report_render.h"
#include "report/report_svg.h"
#include "report/report_text.h"

namespace fabu {
namespace {

using namespace report_text;

constexpr const char* kStyle = R"(
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; color: #1f2328;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; border-bottom: 3px solid #b3261e; padding-bottom: .3rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; color: #b3261e; }
.summary { display: grid; grid-template-columns: repeat(4, 1fr); gap: .6rem; margin: 1rem 0; }
.figure { border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem .7rem; }
.figure b { display: block; font-size: 1.4rem; }
.figure span { font-size: .85rem; color: #57606a; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.chart { width: 100%; max-width: 40rem; height: auto; display: block; margin: .5rem 0; }
.chart .chart-title { font-size: 14px; font-weight: bold; fill: #1f2328; }
.chart .bar { fill: #b3261e; }
.chart .line { fill: none; stroke: #b3261e; stroke-width: 2; }
.chart .dot { fill: #b3261e; }
.chart .axis { stroke: #57606a; stroke-width: 1; }
.chart .value, .chart .label { font-size: 12px; fill: #1f2328; text-anchor: middle; }
.chart .start { text-anchor: start; }
.chart .end { text-anchor: end; }
h1 .period { white-space: nowrap; }
table.releases td:first-child { white-space: nowrap; }
.verdict-fail { color: #b3261e; font-weight: bold; }
.verdict-warn { color: #9a6700; font-weight: bold; }
footer { margin-top: 2rem; font-size: .8rem; color: #57606a; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h1, h2 { break-after: avoid; page-break-after: avoid; }
  table, tr, .chart, .figure, section.keep { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .summary { grid-template-columns: repeat(4, 1fr); }
}
)";

// A table whose cells are already HTML; numeric columns (`numeric` true) align right.
class HtmlTable {
 public:
  HtmlTable(std::initializer_list<const char*> headers, std::vector<bool> numeric, const char* cls = nullptr)
      : numeric_(std::move(numeric)) {
    html_ = cls ? std::string("<table class=\"") + cls + "\"><thead><tr>" : std::string("<table><thead><tr>");
    for (const char* h : headers) html_ += std::string("<th>") + h + "</th>";
    html_ += "</tr></thead><tbody>";
  }
  void row(const std::vector<std::string>& cells) {
    html_ += "<tr>";
    for (std::size_t i = 0; i < cells.size(); ++i) {
      html_ += (i < numeric_.size() && numeric_[i] ? "<td class=\"n\">" : "<td>") + cells[i] + "</td>";
    }
    html_ += "</tr>";
  }
  std::string done() { return html_ + "</tbody></table>"; }

 private:
  std::vector<bool> numeric_;
  std::string html_;
};

std::string figure(const std::string& value, const char* label) {
  return "<div class=\"figure\"><b>" + html_escape(value) + "</b><span>" + label + "</span></div>";
}

std::string release_table(const std::vector<ReleaseLine>& lines, const char* detail_name) {
  if (lines.empty()) return "<p>无 (none)</p>";
  HtmlTable t({"id", "标题 title", detail_name}, {}, "releases");
  for (const auto& l : lines) t.row({html_escape(l.id), html_escape(l.title), html_escape(l.detail)});
  return t.done();
}

std::string releases_section(const ReportCard& c) {
  std::vector<report_svg::Bar> bars;
  HtmlTable t({"kind", "类别", "admitted", "published"}, {false, false, true, true});
  for (const auto& k : c.by_kind) {
    bars.push_back({std::string(kind_label(k.kind)), double(k.published), std::to_string(k.published)});
    t.row({std::string(to_string(k.kind)), std::string(kind_label(k.kind)), std::to_string(k.admitted),
           std::to_string(k.published)});
  }
  return "<section class=\"keep\"><h2>1. 信息发布 Releases by kind</h2>" +
         report_svg::bar_chart(bars, "Published releases by kind") + t.done() + "</section>";
}

std::string deliveries_section(const ReportCard& c) {
  std::vector<report_svg::Bar> bars;
  HtmlTable t({"channel", "delivered", "dead", "cancelled", "pending", "success rate"},
              {false, true, true, true, true, true});
  for (const auto& ch : c.channels) {
    bars.push_back({ch.channel, ch.success_rate.value_or(0), percent(ch.success_rate)});
    t.row({html_escape(ch.channel), std::to_string(ch.delivered), std::to_string(ch.dead), std::to_string(ch.cancelled),
           std::to_string(ch.pending), percent(ch.success_rate)});
  }
  return "<section class=\"keep\"><h2>2. 渠道投递 Deliveries per channel</h2>" +
         report_svg::bar_chart(bars, "Success rate per channel", 1.0) + t.done() + "</section>";
}

std::string matrix_section(const ReportCard& c) {
  std::ostringstream out;
  out << "<section><h2>3. 政务微博 The lead account and the matrix hall</h2>";
  if (c.matrix_channel.empty()) return out.str() + "<p>No matrix hall is configured.</p></section>";
  std::vector<report_svg::Point> points;
  for (const auto& s : c.lead_followers) points.push_back({s.at_ms, s.followers});
  out << "<p>主账号 lead account: <b>" << html_escape(c.lead.name) << "</b> (" << html_escape(c.lead.id)
      << "), posts: <b>" << c.lead.posts << "</b>; 粉丝 followers " << count(c.followers_start) << " → "
      << count(c.followers_end) << ", growth <b>" << count(c.followers_growth, true) << "</b></p>"
      << report_svg::line_chart(points, "Followers of " + c.lead.name,
                                {c.period.from_ms(), c.period.to_ms(), c.period.from.iso(), c.period.to.iso()});
  std::vector<report_svg::Bar> bars;
  HtmlTable t({"group", "members", "posted", "coverage", "posts", "posts per member"},
              {false, true, true, true, true, true});
  for (const auto& g : c.groups) {
    const auto share = g.members ? std::optional<double>(double(g.posted) / g.members) : std::nullopt;
    bars.push_back({g.group, share.value_or(0), percent(share)});
    t.row({html_escape(g.group), std::to_string(g.members), std::to_string(g.posted), percent(share),
           std::to_string(g.posts),
           decimal(g.members ? std::optional<double>(double(g.posts) / g.members) : std::nullopt)});
  }
  out << "<div class=\"keep\"><p>发布厅 " << html_escape(c.hall) << ": members that posted <b>" << c.members_posted
      << " / " << c.members << "</b> (coverage " << percent(c.coverage) << "), member posts " << c.member_posts
      << ", posts per member " << decimal(c.posts_per_member) << "</p>"
      << report_svg::bar_chart(bars, "Matrix coverage by group", 1.0) << t.done() << "</div>"
      << "<p>最活跃 most active: " << account_names(c.most_active, true)
      << "<br>最不活跃 least active: " << account_names(c.least_active, true) << "</p></section>";
  return out.str();
}

std::string inspection_section(const ReportCard& c) {
  const std::string cls = c.inspection_verdict == InspectionVerdict::fail   ? "verdict-fail"
                          : c.inspection_verdict == InspectionVerdict::warn ? "verdict-warn"
                                                                            : "";
  std::string out = "<section><h2>8. 检查准备 Inspection readiness: <span class=\"" + cls + "\">" +
                    std::string(verdict_label(c.inspection_verdict)) + "</span> (" + std::to_string(c.inspection_fail) +
                    " fail, " + std::to_string(c.inspection_warn) + " warn)</h2>";
  if (!c.inspection_findings.empty()) {
    HtmlTable t({"check", "target", "verdict", "detail"}, {});
    for (const auto& f : c.inspection_findings) {
      t.row({std::string(to_string(f.check)), html_escape(f.channel + "/" + f.target),
             std::string(to_string(f.verdict)), html_escape(f.detail)});
    }
    out += t.done();
  }
  return out + "</section>";
}

}  // namespace

std::string render_html(const ReportCard& c) {
  const std::string period = c.period.from.iso() + " – " + c.period.to.iso();
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>政务公开工作成绩单 " << period << "</title><style>" << kStyle << "</style></head><body>"
      << "<h1>政务公开工作成绩单 Report card <span class=\"period\">" << period << "</span></h1><div class=\"summary\">"
      << figure(std::to_string(c.releases_published), "releases published")
      << figure(count(c.followers_growth, true), "lead followers growth")
      << figure(percent(c.coverage), "matrix coverage") << figure(percent(c.in_time_share), "within 20 working days")
      << "</div>" << releases_section(c) << deliveries_section(c) << matrix_section(c)
      << "<section class=\"keep\"><h2>4. 新闻发布会 Press conferences held: " << c.conferences.size() << "</h2>"
      << release_table(c.conferences, "日期 date") << "</section>"
      << "<section class=\"keep\"><h2>5. 政策解读 Interpretations published: " << c.interpretations.size() << "</h2>"
      << release_table(c.interpretations, "解读的政策 policy") << "</section>"
      << "<section class=\"keep\"><h2>6. 时效 Published within 20 working days: " << percent(c.in_time_share) << " ("
      << c.in_time << " of " << c.timeliness_known << ")</h2>"
      << (c.late.empty() ? "" : "<p>Late:</p>" + release_table(c.late, "期限 deadline")) << "</section>"
      << "<section class=\"keep\"><h2>7. 撤回与更正 Retractions: " << c.retractions.size()
      << ", corrections: " << c.corrections.size() << "</h2><p>撤回 Retracted:</p>"
      << release_table(c.retractions, "原因 reason") << "<p>更正 Corrected:</p>"
      << release_table(c.corrections, "修订 revision") << "</section>" << inspection_section(c)
      << "<footer>fabu report card, " << period << " (Asia/Shanghai)</footer></body></html>\n";
  return out.str();
}

}  // namespace fabu
