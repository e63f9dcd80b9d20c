#include "core/conference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace fabu {
namespace {

using nlohmann::json;

json conference_json() {
  return json{
      {"id", "2026-conf-12"},
      {"kind", "conference"},
      {"title", "临沂市2026年教育工作新闻发布会预告"},
      {"summary", "市政府新闻办将举行新闻发布会。"},
      {"issuer", "临沂市人民政府新闻办公室"},
      {"formed_at", "2026-11-30"},
      {"disclosure", "主动公开"},
      {"publish_at", "2026-12-01T09:00:00+08:00"},
      {"targets", {{"portal", {"xwfbh"}}, {"microblog", {"lead", "all"}}}},
      {"approval", {{"approver", "王晓明"}, {"approved_at", "2026-11-30T08:30:00+08:00"}}},
      {"conference",
       {{"organiser", "临沂市人民政府新闻办公室"},
        {"starts_at", "2026-12-03T14:30:00+08:00"},
        {"ends_at", "2026-12-03T15:30:00+08:00"},
        {"venue", "市政府新闻发布厅（市行政办公中心A区201）"},
        {"topic", "2026年全市教育工作情况"},
        {"spokespersons", {"edu_deputy", "city_spokes"}},
        {"registration", "请于12月2日17:00前电话报名"},
        {"livestream", {{"provider", "临沂发布"}, {"url", "https://live.example.cn/linyi/1203"}}}}},
  };
}

SeriesSettings settings() {
  SeriesSettings s;
  s.article_channels = {"portal"};
  s.notice_link = "https://www.linyi.gov.cn/xwfbh/2026/2026-conf-12.html";
  s.speakers = {{"edu_deputy", "市教育局党组成员、副局长张明"}, {"city_spokes", "市政府新闻发言人李华"}};
  return s;
}

Release parsed(const json& doc) {
  auto r = parse_release_json(doc.dump());
  EXPECT_TRUE(r.has_value()) << (r ? "" : join(r.error()));
  return r ? *r : Release{};
}

TEST(ConferenceRelease, JsonAndTomlParseToTheSameDetails) {
  const Release r = parsed(conference_json());
  ASSERT_TRUE(r.conference);
  EXPECT_EQ(r.conference->organiser, "临沂市人民政府新闻办公室");
  EXPECT_EQ(r.conference->spokespersons, (std::vector<std::string>{"edu_deputy", "city_spokes"}));
  EXPECT_EQ(r.conference->livestream.url, "https://live.example.cn/linyi/1203");
  EXPECT_EQ(r.conference->starts_at.iso(), "2026-12-03T14:30:00+08:00");
  auto again = parse_release_json(to_json(r));
  ASSERT_TRUE(again) << join(again.error());
  EXPECT_EQ(*again, r);

  const auto toml = parse_release_toml(R"(id = "2026-conf-12"
kind = "conference"
title = "临沂市2026年教育工作新闻发布会预告"
summary = "市政府新闻办将举行新闻发布会。"
issuer = "临沂市人民政府新闻办公室"
formed_at = 2026-11-30
disclosure = "主动公开"
publish_at = 2026-12-01T09:00:00+08:00
targets.portal = ["xwfbh"]
targets.microblog = ["lead", "all"]
[approval]
approver = "王晓明"
approved_at = 2026-11-30T08:30:00+08:00
[conference]
organiser = "临沂市人民政府新闻办公室"
starts_at = 2026-12-03T14:30:00+08:00
ends_at = 2026-12-03T15:30:00+08:00
venue = "市政府新闻发布厅（市行政办公中心A区201）"
topic = "2026年全市教育工作情况"
spokespersons = ["edu_deputy", "city_spokes"]
registration = "请于12月2日17:00前电话报名"
livestream = { provider = "临沂发布", url = "https://live.example.cn/linyi/1203" }
)");
  ASSERT_TRUE(toml) << join(toml.error());
  EXPECT_EQ(toml->conference, r.conference);
}

TEST(ConferenceRelease, EveryWrongFieldIsNamed) {
  json doc = conference_json();
  auto& c = doc["conference"];
  c.erase("organiser");
  c["ends_at"] = "2026-12-03T14:00:00+08:00";
  c["spokespersons"] = json::array();
  c["livestream"]["url"] = "ftp://x";
  c["colour"] = "red";
  auto r = parse_release_json(doc.dump());
  ASSERT_FALSE(r);
  std::vector<std::string> paths;
  for (const auto& e : r.error()) paths.push_back(e.path);
  for (const char* want : {"conference.organiser", "conference.ends_at", "conference.spokespersons",
                           "conference.livestream.url", "conference.colour"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), want), paths.end()) << want << " in " << join(r.error());
  }
}

TEST(ConferenceRelease, ALivestreamAddressWithAHashIsRefusedWithTheReason) {
  json doc = conference_json();
  doc["conference"]["livestream"]["url"] = "https://live.example.cn/#/room/1203";
  auto r = parse_release_json(doc.dump());
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u) << join(r.error());
  EXPECT_EQ(r.error()[0].path, "conference.livestream.url");
  EXPECT_NE(r.error()[0].reason.find("must not contain '#'"), std::string::npos) << r.error()[0].reason;
}

TEST(ConferenceRelease, TheTableBelongsToConferencesOnly) {
  json doc = conference_json();
  doc.erase("conference");
  auto missing = parse_release_json(doc.dump());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().front().path, "conference");
  json news = conference_json();
  news["kind"] = "news";
  auto extra = parse_release_json(news.dump());
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error().front().path, "conference");
}

TEST(ConferenceText, ChineseDateWithWeekdayInShanghai) {
  // 2026-12-03 is a Thursday; 06:30 UTC is 14:30 in Beijing.
  EXPECT_EQ(chinese_date_time(1796279400), "12月3日（星期四）14:30");
  // 17:00 UTC on Saturday 2026-01-31 is already Sunday 1 February in Beijing.
  EXPECT_EQ(chinese_date_time(1769878800), "2月1日（星期日）01:00");
  EXPECT_EQ(chinese_clock(1796279400 + 3600), "15:30");
}

TEST(ConferenceText, EveryPostFits140AndStartsWithItsDate) {
  json doc = conference_json();
  doc["conference"]["topic"] = std::string(60, 'x') + "关于全市义务教育阶段学校课后服务和集团化办学有关情况";
  doc["conference"]["registration"] = std::string("请各新闻单位于12月2日17:00前通过电话0539-12345报名，") + std::string(80, 'y');
  const Release r = parsed(doc);
  const SeriesSettings s = settings();
  for (ConferenceStep step : {ConferenceStep::notice, ConferenceStep::reminder, ConferenceStep::live,
                              ConferenceStep::cancellation, ConferenceStep::record}) {
    const std::string& link = s.notice_link;
    const PostText text = conference_post(step, r, s, link, "因故推迟，时间另行通知。");
    const std::string post = "【" + text.title + "】" + text.summary + " " + link;
    EXPECT_LE(weibo_length(post), 140u) << to_string(step) << ": " << post;
    EXPECT_NE(post.find("12月3日（星期四）14:30"), std::string::npos) << to_string(step) << ": " << post;
    if (step == ConferenceStep::live) {
      EXPECT_NE(post.find(r.conference->livestream.url), std::string::npos) << post;
    }
  }
}

TEST(ConferenceSeries, NoticeReminderAndLiveAtTheirTimes) {
  const Release r = parsed(conference_json());
  auto steps = plan_conference_series(r, settings());
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].id, "2026-conf-12");
  EXPECT_EQ(steps[0].publish_at, r.publish_at);
  EXPECT_EQ(steps[0].targets.size(), 2u);
  for (const char* field : {"主办单位", "市教育局党组成员、副局长张明", "请于12月2日17:00前电话报名", "临沂发布",
                            "https://live.example.cn/linyi/1203", "12月3日（星期四）14:30—15:30"}) {
    EXPECT_NE(steps[0].body.find(field), std::string::npos) << field;
  }
  EXPECT_EQ(steps[1].id, "2026-conf-12.reminder");
  EXPECT_EQ(steps[1].publish_at->unix_seconds, r.conference->starts_at.unix_seconds - 3600);
  EXPECT_EQ(steps[1].targets.count("portal"), 0u);
  EXPECT_EQ(steps[1].link, settings().notice_link);
  EXPECT_EQ(steps[2].id, "2026-conf-12.live");
  EXPECT_EQ(steps[2].publish_at, r.conference->starts_at);
  EXPECT_EQ(steps[2].link, settings().notice_link);  // Weibo wants a link on the safe domain
  EXPECT_NE(steps[2].summary.find("https://live.example.cn/linyi/1203"), std::string::npos);
  for (const auto& step : steps) {
    auto again = parse_release_json(to_json(step));
    EXPECT_TRUE(again) << step.id << ": " << (again ? "" : join(again.error()));
  }
}

TEST(ConferenceSeries, AReminderBeforeTheNoticeIsLeftOut) {
  json doc = conference_json();
  doc["publish_at"] = "2026-12-03T14:00:00+08:00";
  auto steps = plan_conference_series(parsed(doc), settings());
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[1].id, "2026-conf-12.live");
}

TEST(ConferenceSeries, CancellationAndRecord) {
  const Release r = parsed(conference_json());
  const Release cancel = conference_cancellation(r, "因故取消。", settings());
  EXPECT_EQ(cancel.id, "2026-conf-12.cancelled");
  EXPECT_FALSE(cancel.publish_at);
  EXPECT_EQ(cancel.targets, r.targets);
  EXPECT_NE(cancel.summary.find("取消"), std::string::npos);
  const Release record = conference_record(r, "**主持人**：各位记者朋友，下午好。", settings());
  EXPECT_EQ(record.id, "2026-conf-12.record");
  EXPECT_EQ(record.targets.size(), 1u);
  EXPECT_EQ(record.targets.count("portal"), 1u);
  EXPECT_NE(record.body.find("各位记者朋友"), std::string::npos);
  EXPECT_TRUE(parse_release_json(to_json(record)));
}

}  // namespace
}  // namespace fabu
