// The report card as JSON: the field names are the contract of docs/PROTOCOL.md ("The report card").
#include <nlohmann/json.hpp>

#include "report/report_render.h"

namespace fabu {
namespace {

using nlohmann::json;

template <typename T>
json optional(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json lines(const std::vector<ReleaseLine>& items, const char* detail_name) {
  json out = json::array();
  for (const auto& l : items) out.push_back({{"id", l.id}, {"title", l.title}, {detail_name, l.detail}});
  return out;
}

// A correction's detail is its revision number.
json corrections(const std::vector<ReleaseLine>& items) {
  json out = json::array();
  for (const auto& l : items) out.push_back({{"id", l.id}, {"title", l.title}, {"revision", std::stoi(l.detail)}});
  return out;
}

json accounts(const std::vector<AccountPosts>& items) {
  json out = json::array();
  for (const auto& a : items)
    out.push_back({{"account", a.id}, {"name", a.name}, {"group", a.group}, {"posts", a.posts}});
  return out;
}

json matrix(const ReportCard& c) {
  json groups = json::array();
  for (const auto& g : c.groups) {
    groups.push_back({{"group", g.group}, {"members", g.members}, {"posted", g.posted}, {"posts", g.posts}});
  }
  return {{"channel", c.matrix_channel},
          {"hall", c.hall},
          {"members", c.members},
          {"posted", c.members_posted},
          {"posts", c.member_posts},
          {"coverage", optional(c.coverage)},
          {"posts_per_member", optional(c.posts_per_member)},
          {"groups", groups},
          {"accounts", accounts(c.member_activity)},
          {"most_active", accounts(c.most_active)},
          {"least_active", accounts(c.least_active)}};
}

json lead(const ReportCard& c) {
  json samples = json::array();
  for (const auto& s : c.lead_followers) samples.push_back({{"at_ms", s.at_ms}, {"followers", s.followers}});
  return {{"channel", c.matrix_channel},
          {"account", c.lead.id},
          {"name", c.lead.name},
          {"posts", c.lead.posts},
          {"followers_start", optional(c.followers_start)},
          {"followers_end", optional(c.followers_end)},
          {"followers_growth", optional(c.followers_growth)},
          {"followers", samples}};
}

}  // namespace

std::optional<ReportFormat> report_format_from(std::string_view name) {
  if (name == "md") return ReportFormat::markdown;
  if (name == "html") return ReportFormat::html;
  if (name == "json") return ReportFormat::json;
  return std::nullopt;
}

std::string render_json(const ReportCard& c) {
  json kinds = json::array();
  for (const auto& k : c.by_kind) {
    kinds.push_back({{"kind", std::string(to_string(k.kind))}, {"admitted", k.admitted}, {"published", k.published}});
  }
  json channels = json::array();
  for (const auto& ch : c.channels) {
    channels.push_back({{"channel", ch.channel},
                        {"delivered", ch.delivered},
                        {"dead", ch.dead},
                        {"cancelled", ch.cancelled},
                        {"pending", ch.pending},
                        {"success_rate", optional(ch.success_rate)}});
  }
  json findings = json::array();
  for (const auto& f : c.inspection_findings) {
    findings.push_back({{"check", std::string(to_string(f.check))},
                        {"channel", f.channel},
                        {"target", f.target},
                        {"verdict", std::string(to_string(f.verdict))},
                        {"detail", f.detail}});
  }
  json out = {
      {"period", {{"from", c.period.from.iso()}, {"to", c.period.to.iso()}}},
      {"releases", {{"admitted", c.releases_admitted}, {"published", c.releases_published}, {"by_kind", kinds}}},
      {"deliveries", channels},
      {"lead", lead(c)},
      {"matrix", matrix(c)},
      {"conferences", {{"held", c.conferences.size()}, {"items", lines(c.conferences, "date")}}},
      {"interpretations", {{"published", c.interpretations.size()}, {"items", lines(c.interpretations, "policy")}}},
      {"timeliness",
       {{"known", c.timeliness_known},
        {"in_time", c.in_time},
        {"share", optional(c.in_time_share)},
        {"late", lines(c.late, "deadline")}}},
      {"retractions", {{"count", c.retractions.size()}, {"items", lines(c.retractions, "reason")}}},
      {"corrections", {{"count", c.corrections.size()}, {"items", corrections(c.corrections)}}},
      {"inspection",
       {{"verdict", std::string(to_string(c.inspection_verdict))},
        {"fail", c.inspection_fail},
        {"warn", c.inspection_warn},
        {"findings", findings}}},
  };
  return out.dump(2) + "\n";
}

}  // namespace fabu
