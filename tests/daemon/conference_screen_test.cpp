// What the privacy screen refuses in a conference's cancel and record: the operator's own text always,
// and what the derived release repeats from its notice never (the notice was admitted with it).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/conference.h"
#include "core/text.h"
#include "daemon/conference_actions.h"

namespace fabu {
namespace {

// A notice whose registration names a contact's mobile number: held by the screen, admitted only
// under an override a secrecy reviewer signed for its digest.
Release notice_with_a_number() {
  const nlohmann::json doc = {
      {"id", "conf-9"},
      {"kind", "conference"},
      {"title", "寻亲专场新闻发布会预告"},
      {"summary", "市公安局将举行寻亲专场新闻发布会。"},
      {"issuer", "临沂市公安局"},
      {"formed_at", "2026-11-30"},
      {"disclosure", "主动公开"},
      {"publish_at", "2026-12-01T09:00:00+08:00"},
      {"targets", {{"portal", {"xwfbh"}}, {"microblog", {"lead"}}}},
      {"approval", {{"approver", "王晓明"}, {"approved_at", "2026-11-30T08:30:00+08:00"}}},
      {"conference",
       {{"organiser", "临沂市公安局"},
        {"starts_at", "2026-12-03T14:30:00+08:00"},
        {"ends_at", "2026-12-03T15:30:00+08:00"},
        {"venue", "市公安局新闻发布厅"},
        {"topic", "寻亲专场"},
        {"spokespersons", {"police_spokes"}},
        {"registration", "报名联系寻亲志愿者王女士13812345678"},
        {"livestream", {{"provider", "临沂发布"}, {"url", "https://live.example.cn/linyi/1203"}}}}},
  };
  auto r = parse_release_json(doc.dump());
  EXPECT_TRUE(r.has_value()) << (r ? "" : join(r.error()));
  return r ? *r : Release{};
}

SeriesSettings settings() {
  SeriesSettings s;
  s.article_channels = {"portal"};
  s.notice_link = "https://www.linyi.gov.cn/xwfbh/2026/conf-9.html";
  s.speakers = {{"police_spokes", "市公安局新闻发言人李华"}};
  return s;
}

TEST(ConferenceScreen, WhatTheNoticeCarriedDoesNotBlockItsCancellationOrRecord) {
  const Release notice = notice_with_a_number();
  const ScreenPolicy policy;
  ASSERT_TRUE(screen_release(notice, policy).holds());
  const Release cancellation = conference_cancellation(notice, "因故取消，另行通知。", settings());
  ASSERT_TRUE(screen_release(cancellation, policy).holds()) << "the cancellation repeats the registration";
  EXPECT_TRUE(refusing_matches(cancellation, notice, "因故取消，另行通知。", "reason", policy).empty());
  const Release record = conference_record(notice, "**主持人**：下午好。", settings());
  EXPECT_TRUE(refusing_matches(record, notice, "**主持人**：下午好。", "markdown", policy).empty());
}

TEST(ConferenceScreen, TheOperatorsOwnTextIsAlwaysScreened) {
  const Release notice = notice_with_a_number();
  const ScreenPolicy policy;
  // The very number the notice carries, written again by the operator, is the operator's to answer for.
  for (const std::string reason : {"改期，联系13812345678。", "改期，联系13900001111。"}) {
    const auto refusing =
        refusing_matches(conference_cancellation(notice, reason, settings()), notice, reason, "reason", policy);
    ASSERT_EQ(refusing.size(), 1u) << reason;
    EXPECT_EQ(refusing[0].field, "reason");
    EXPECT_EQ(refusing[0].kind, ScreenKind::mobile);
  }
  // A record is read as the page shows it: Markdown emphasis does not split a number away.
  const std::string markdown = "**记者**：我的电话是139**0000**1111。";
  const auto refusing =
      refusing_matches(conference_record(notice, markdown, settings()), notice, markdown, "markdown", policy);
  ASSERT_EQ(refusing.size(), 1u);
  EXPECT_EQ(refusing[0].field, "markdown");
  EXPECT_EQ(refusing[0].masked, "139****1111");
}

TEST(ConferenceScreen, ANumberOnlyTheDerivedReleaseHasRefusesIt) {
  Release notice = notice_with_a_number();
  notice.conference->registration = "电话报名";  // a clean notice
  Release cancellation = conference_cancellation(notice, "因故取消。", settings());
  cancellation.title += "13812345678";  // as if a setting or a template brought one in
  const auto refusing = refusing_matches(cancellation, notice, "因故取消。", "reason", ScreenPolicy{});
  ASSERT_EQ(refusing.size(), 1u);
  EXPECT_EQ(refusing[0].field, "title");
}

}  // namespace
}  // namespace fabu
