// The report card as Markdown (GitHub-flavoured tables).
#include <sstream>

#include "report/report_render.h"
#include "report/report_text.h"

namespace fabu {
namespace {

using namespace report_text;

// A table cell: a '|' would end the cell, a newline the row.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void release_list(std::ostringstream& out, const std::vector<ReleaseLine>& lines, std::string_view detail_name) {
  if (lines.empty()) {
    out << "无 (none)\n\n";
    return;
  }
  out << "| id | 标题 title | " << detail_name << " |\n|---|---|---|\n";
  for (const auto& l : lines) out << "| " << cell(l.id) << " | " << cell(l.title) << " | " << cell(l.detail) << " |\n";
  out << "\n";
}

void matrix(std::ostringstream& out, const ReportCard& c) {
  out << "## 3. 政务微博 The lead account and the matrix hall\n\n";
  if (c.matrix_channel.empty()) {
    out << "No matrix hall is configured.\n\n";
    return;
  }
  out << "- 主账号 lead account: " << c.lead.name << " (" << c.lead.id << "), posts: " << c.lead.posts << "\n"
      << "- 粉丝 followers: " << count(c.followers_start) << " → " << count(c.followers_end)
      << ", growth: " << count(c.followers_growth, true) << "\n"
      << "- 发布厅 " << c.hall << ": members that posted: " << c.members_posted << " / " << c.members << " (coverage "
      << percent(c.coverage) << "), member posts: " << c.member_posts
      << ", posts per member: " << decimal(c.posts_per_member) << "\n"
      << "- 最活跃 most active: " << account_names(c.most_active, false) << "\n"
      << "- 最不活跃 least active: " << account_names(c.least_active, false) << "\n\n";
  out << "| group | members | posted | coverage | posts | posts per member |\n|---|---:|---:|---:|---:|---:|\n";
  for (const auto& g : c.groups) {
    out << "| " << cell(g.group) << " | " << g.members << " | " << g.posted << " | "
        << percent(g.members ? std::optional<double>(double(g.posted) / g.members) : std::nullopt) << " | " << g.posts
        << " | " << decimal(g.members ? std::optional<double>(double(g.posts) / g.members) : std::nullopt) << " |\n";
  }
  out << "\n";
}

}  // namespace

std::string render_markdown(const ReportCard& c) {
  std::ostringstream out;
  out << "# 政务公开工作成绩单 Report card " << c.period.from.iso() << " – " << c.period.to.iso() << "\n\n";
  out << "## 1. 信息发布 Releases by kind\n\n"
      << "Admitted: " << c.releases_admitted << ", published: " << c.releases_published << "\n\n"
      << "| kind | 类别 | admitted | published |\n|---|---|---:|---:|\n";
  for (const auto& k : c.by_kind) {
    out << "| " << to_string(k.kind) << " | " << kind_label(k.kind) << " | " << k.admitted << " | " << k.published
        << " |\n";
  }
  out << "\n## 2. 渠道投递 Deliveries per channel\n\n"
      << "| channel | delivered | dead | cancelled | pending | success rate |\n|---|---:|---:|---:|---:|---:|\n";
  for (const auto& ch : c.channels) {
    out << "| " << cell(ch.channel) << " | " << ch.delivered << " | " << ch.dead << " | " << ch.cancelled << " | "
        << ch.pending << " | " << percent(ch.success_rate) << " |\n";
  }
  out << "\n";
  matrix(out, c);
  out << "## 4. 新闻发布会 Press conferences held: " << c.conferences.size() << "\n\n";
  release_list(out, c.conferences, "日期 date");
  out << "## 5. 政策解读 Interpretations published: " << c.interpretations.size() << "\n\n";
  release_list(out, c.interpretations, "解读的政策 policy");
  out << "## 6. 时效 Published within 20 working days: " << percent(c.in_time_share) << " (" << c.in_time << " of "
      << c.timeliness_known << ")\n\n";
  if (!c.late.empty()) {
    out << "Late:\n\n";
    release_list(out, c.late, "期限 deadline");
  }
  out << "## 7. 撤回与更正 Retractions: " << c.retractions.size() << ", corrections: " << c.corrections.size()
      << "\n\n";
  out << "撤回 Retracted:\n\n";
  release_list(out, c.retractions, "原因 reason");
  out << "更正 Corrected:\n\n";
  release_list(out, c.corrections, "修订 revision");
  out << "## 8. 检查准备 Inspection readiness: " << verdict_label(c.inspection_verdict) << " (" << c.inspection_fail
      << " fail, " << c.inspection_warn << " warn)\n\n";
  if (!c.inspection_findings.empty()) {
    out << "| check | target | verdict | detail |\n|---|---|---|---|\n";
    for (const auto& f : c.inspection_findings) {
      out << "| " << to_string(f.check) << " | " << cell(f.channel + "/" + f.target) << " | " << to_string(f.verdict)
          << " | " << cell(f.detail) << " |\n";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace fabu
