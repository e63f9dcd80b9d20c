// The report card's Markdown, JSON and HTML forms carry the card's figures.
#include "report/report_render.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace fabu {
namespace {

ReportCard sample_card() {
  ReportCard c;
  c.period = {{2026, 1, 1}, {2026, 6, 30}};
  c.releases_admitted = 12;
  c.releases_published = 11;
  c.by_kind = {{ReleaseKind::news, 7, 6},
               {ReleaseKind::notice, 2, 2},
               {ReleaseKind::policy_interpretation, 1, 1},
               {ReleaseKind::conference, 2, 2},
               {ReleaseKind::emergency, 0, 0}};
  c.channels = {{"microblog", 40, 2, 1, 0, 40.0 / 42.0}, {"portal", 11, 0, 0, 0, 1.0}};
  c.matrix_channel = "microblog";
  c.hall = "临沂政务微博发布厅";
  c.lead = {"linyi_fabu", "临沂发布", "lead", 11};
  c.followers_start = 100000;
  c.followers_end = 101234;
  c.followers_growth = 1234;
  c.lead_followers = {{1767225600000, 100000}, {1770000000000, 100500}, {1782000000000, 101234}};
  c.members = 4;
  c.members_posted = 3;
  c.member_posts = 29;
  c.coverage = 0.75;
  c.posts_per_member = 7.25;
  c.groups = {{"county", 3, 2, 19}, {"zone", 1, 1, 10}};
  c.member_activity = {{"a", "兰山发布", "county", 10},
                       {"z", "高新发布", "zone", 10},
                       {"b", "罗庄发布", "county", 9},
                       {"c", "河东发布", "county", 0}};
  c.most_active = {c.member_activity[0], c.member_activity[1]};
  c.least_active = {c.member_activity[3]};
  c.conferences = {{"k1", "第一场新闻发布会", "2026-03-05"}, {"k2", "第二场 <b>发布会</b>", "2026-05-07"}};
  c.interpretations = {{"i1", "解读 A|B", "关于X的通知（临政办发〔2026〕12号）"}};
  c.timeliness_known = 11;
  c.in_time = 10;
  c.in_time_share = 10.0 / 11.0;
  c.late = {{"l1", "迟到的通知", "2026-02-10"}};
  c.retractions = {{"r1", "撤回的稿件", "数据有误"}};
  c.corrections = {{"k1", "第一场新闻发布会", "2"}};
  c.inspection_verdict = InspectionVerdict::warn;
  c.inspection_warn = 1;
  c.inspection_findings = {{InspectionCheck::token_expiry, "microblog", "c", 3.0, 7, InspectionVerdict::warn,
                            "token expires in 3 days", std::nullopt}};
  return c;
}

TEST(ReportRenderTest, FormatNames) {
  EXPECT_EQ(report_format_from("md"), ReportFormat::markdown);
  EXPECT_EQ(report_format_from("html"), ReportFormat::html);
  EXPECT_EQ(report_format_from("json"), ReportFormat::json);
  EXPECT_FALSE(report_format_from("pdf").has_value());
}

TEST(ReportRenderTest, JsonHasTheDocumentedFields) {
  const auto j = nlohmann::json::parse(render_json(sample_card()));
  EXPECT_EQ(j["period"]["from"], "2026-01-01");
  EXPECT_EQ(j["period"]["to"], "2026-06-30");
  EXPECT_EQ(j["releases"]["published"], 11);
  EXPECT_EQ(j["releases"]["by_kind"][2]["kind"], "policy_interpretation");
  EXPECT_EQ(j["deliveries"][0]["channel"], "microblog");
  EXPECT_DOUBLE_EQ(j["deliveries"][0]["success_rate"].get<double>(), 40.0 / 42.0);
  EXPECT_EQ(j["lead"]["account"], "linyi_fabu");
  EXPECT_EQ(j["lead"]["posts"], 11);
  EXPECT_EQ(j["lead"]["followers_growth"], 1234);
  EXPECT_EQ(j["lead"]["followers"].size(), 3u);
  EXPECT_EQ(j["matrix"]["members"], 4);
  EXPECT_EQ(j["matrix"]["posted"], 3);
  EXPECT_DOUBLE_EQ(j["matrix"]["coverage"].get<double>(), 0.75);
  EXPECT_EQ(j["matrix"]["groups"][1]["group"], "zone");
  EXPECT_EQ(j["matrix"]["most_active"].size(), 2u);
  EXPECT_EQ(j["matrix"]["least_active"][0]["account"], "c");
  EXPECT_EQ(j["conferences"]["held"], 2);
  EXPECT_EQ(j["interpretations"]["items"][0]["policy"], "关于X的通知（临政办发〔2026〕12号）");
  EXPECT_EQ(j["timeliness"]["in_time"], 10);
  EXPECT_EQ(j["timeliness"]["late"][0]["deadline"], "2026-02-10");
  EXPECT_EQ(j["retractions"]["items"][0]["reason"], "数据有误");
  EXPECT_EQ(j["corrections"]["items"][0]["revision"], 2);
  EXPECT_EQ(j["inspection"]["verdict"], "warn");
  EXPECT_EQ(j["inspection"]["findings"][0]["check"], "token_expiry");
}

TEST(ReportRenderTest, JsonWritesUnknownSharesAsNull) {
  ReportCard c;
  c.period = {{2026, 1, 1}, {2026, 1, 2}};
  const auto j = nlohmann::json::parse(render_json(c));
  EXPECT_TRUE(j["timeliness"]["share"].is_null());
  EXPECT_TRUE(j["lead"]["followers_growth"].is_null());
  EXPECT_TRUE(j["matrix"]["coverage"].is_null());
}

TEST(ReportRenderTest, MarkdownCarriesTheFigures) {
  const std::string md = render_markdown(sample_card());
  EXPECT_NE(md.find("2026-01-01 – 2026-06-30"), std::string::npos);
  EXPECT_NE(md.find("| conference | 新闻发布会 | 2 | 2 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| microblog | 40 | 2 | 1 | 0 | 95.2% |"), std::string::npos) << md;
  EXPECT_NE(md.find("growth: +1,234"), std::string::npos) << md;
  EXPECT_NE(md.find("members that posted: 3 / 4 (coverage 75.0%)"), std::string::npos) << md;
  EXPECT_NE(md.find("posts per member: 7.25"), std::string::npos) << md;
  EXPECT_NE(md.find("most active: 兰山发布 (a), 高新发布 (z), 10 posts"), std::string::npos) << md;
  EXPECT_NE(md.find("Press conferences held: 2"), std::string::npos) << md;
  ReportCard tied = sample_card();
  tied.most_active.assign(7, tied.member_activity[2]);
  const std::string many = render_markdown(tied);
  EXPECT_NE(many.find("罗庄发布 (b) and 2 more, 9 posts"), std::string::npos) << many;
  EXPECT_NE(md.find("解读 A\\|B"), std::string::npos) << md;  // a '|' does not break the table
  EXPECT_NE(md.find("Published within 20 working days: 90.9% (10 of 11)"), std::string::npos) << md;
  EXPECT_NE(md.find("Retractions: 1, corrections: 1"), std::string::npos) << md;
  EXPECT_NE(md.find("Inspection readiness: 有预警 warn (0 fail, 1 warn)"), std::string::npos) << md;
}

TEST(ReportRenderTest, HtmlIsSelfContainedWithChartsAndAPrintStyle) {
  const std::string html = render_html(sample_card());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_NE(html.find("@page { size: A4"), std::string::npos);
  EXPECT_NE(html.find("break-inside: avoid"), std::string::npos);
  std::size_t charts = 0;
  for (auto at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++charts;
  EXPECT_EQ(charts, 4u);                                   // kinds, channels, followers, coverage
  EXPECT_NE(html.find("<path d=\"M"), std::string::npos);  // the followers line
  EXPECT_NE(html.find(">101234</text>"), std::string::npos);
  EXPECT_NE(html.find("第二场 &lt;b&gt;发布会&lt;/b&gt;"), std::string::npos);  // titles escaped
  EXPECT_NE(html.find("95.2%"), std::string::npos);
  ReportCard one = sample_card();
  one.lead_followers.resize(1);  // a single reading is drawn as a dot with its value
  const std::string dot = render_html(one);
  EXPECT_NE(dot.find("class=\"dot\""), std::string::npos);
  EXPECT_NE(dot.find(">100000</text>"), std::string::npos);
  EXPECT_NE(html.find("+1,234"), std::string::npos);
}

}  // namespace
}  // namespace fabu
