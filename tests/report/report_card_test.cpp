// The report card's figures on a hand-built data set: each figure counted here by hand.
#include "report/report_card.h"

#include <gtest/gtest.h>

#include "core/deadline.h"

namespace fabu {
namespace {

constexpr std::int64_t kDay = 86'400'000;
const ReportPeriod kPeriod{{2026, 3, 1}, {2026, 3, 31}};
const std::int64_t kMarch10 = kPeriod.from_ms() + 9 * kDay + 3'600'000;  // 2026-03-10 01:00+08:00

DeliveryStatus delivery(const std::string& channel, const std::string& destination, DeliveryState state,
                        Operation operation = Operation::publish) {
  DeliveryStatus d;
  d.channel = channel;
  d.destination = destination;
  d.state = state;
  d.operation = operation;
  return d;
}

ReleaseFacts release(const std::string& id, ReleaseKind kind, std::int64_t admitted_ms,
                     std::vector<DeliveryStatus> deliveries, bool out = true) {
  ReleaseFacts r;
  r.release.id = id;
  r.release.kind = kind;
  r.release.title = "标题 " + id;
  r.record.release_id = id;
  r.record.admitted_ms = admitted_ms;
  r.record.first_out_ms = out ? admitted_ms + 1000 : 0;
  r.record.deadline_ms = admitted_ms + 30 * kDay;
  r.record.in_time = out ? std::optional<bool>(true) : std::nullopt;
  r.deliveries = std::move(deliveries);
  return r;
}

ConferenceDetails conference_at(std::int64_t starts_ms) {
  ConferenceDetails c;
  c.starts_at = Timestamp::in_shanghai(starts_ms / 1000);
  c.ends_at = Timestamp::in_shanghai(starts_ms / 1000 + 3600);
  return c;
}

ReportData data_set() {
  ReportData data;
  data.period = kPeriod;
  data.matrix_channel = "microblog";
  data.hall = "临沂政务微博发布厅";
  data.lead = {"lead", "临沂发布", "lead"};
  data.members = {{"c1", "兰山发布", "county"},
                  {"c2", "罗庄发布", "county"},
                  {"c3", "河东发布", "county"},
                  {"d1", "市教育局", "department"},
                  {"d2", "市卫健委", "department"}};
  using S = DeliveryState;
  // news: portal + lead + c1 + d1 out, c2 dead.
  data.releases.push_back(
      release("n1", ReleaseKind::news, kMarch10,
              {delivery("portal", "xwfbh", S::delivered), delivery("microblog", "lead", S::delivered),
               delivery("microblog", "c1", S::delivered), delivery("microblog", "c2", S::dead),
               delivery("microblog", "d1", S::delivered)}));
  // a policy (notice with 文号) and its interpretation naming it by 文号.
  auto policy = release("p1", ReleaseKind::notice, kMarch10 + kDay, {delivery("portal", "zcfg", S::delivered)});
  policy.release.doc_number = "临政办发〔2026〕12号";
  data.releases.push_back(policy);
  auto interp = release("i1", ReleaseKind::policy_interpretation, kMarch10 + 2 * kDay,
                        {delivery("portal", "zcjd", S::delivered), delivery("microblog", "lead", S::delivered),
                         delivery("microblog", "c1", S::delivered)});
  interp.release.interprets = "临政办发〔2026〕12号";
  data.releases.push_back(interp);
  // a conference, corrected to revision 2 (its correct deliveries are not posts).
  auto conf = release("k1", ReleaseKind::conference, kMarch10 + 3 * kDay,
                      {delivery("microblog", "lead", S::delivered), delivery("microblog", "c1", S::delivered),
                       delivery("microblog", "lead", S::delivered, Operation::correct)});
  conf.record.revision = 2;
  conf.release.conference = conference_at(kMarch10 + 3 * kDay);
  data.releases.push_back(conf);
  // retracted after it went out: its posts still count as posts, now retracted.
  auto gone = release("r1", ReleaseKind::news, kMarch10 + 4 * kDay,
                      {delivery("microblog", "lead", S::retracted), delivery("microblog", "c3", S::cancelled),
                       delivery("microblog", "lead", S::delivered, Operation::retract)});
  gone.record.state = "retracted";
  gone.record.retract_reason = "数据有误";
  data.releases.push_back(gone);
  // late.
  auto late = release("l1", ReleaseKind::notice, kMarch10 + 5 * kDay, {delivery("portal", "tzgg", S::delivered)});
  late.record.in_time = false;
  data.releases.push_back(late);
  // not out yet.
  data.releases.push_back(
      release("q1", ReleaseKind::news, kMarch10 + 6 * kDay, {delivery("microblog", "lead", S::queued)}, false));
  // outside the period: counts nowhere.
  data.releases.push_back(
      release("old", ReleaseKind::conference, kPeriod.from_ms() - 1, {delivery("microblog", "d2", S::delivered)}));
  data.lead_followers = {{kMarch10, 1000}, {kMarch10 + kDay, 1100}, {kMarch10 + 9 * kDay, 1250}};
  data.inspection = {
      {InspectionCheck::account_idle, "microblog", "d2", 20.0, 14, InspectionVerdict::fail, "idle", std::nullopt},
      {InspectionCheck::account_idle, "microblog", "c1", 1.0, 14, InspectionVerdict::ok, "", std::nullopt},
      {InspectionCheck::token_expiry, "microblog", "c3", 3.0, 7, InspectionVerdict::warn, "soon", std::nullopt}};
  return data;
}

TEST(ReportPeriodTest, DaysAreChinaCalendarDays) {
  // 2026-03-01T00:00+08:00 = 2026-02-28T16:00Z.
  EXPECT_EQ(kPeriod.from_ms(), 1772294400000);
  EXPECT_EQ(kPeriod.to_ms() - kPeriod.from_ms(), 31 * kDay);
}

TEST(ReportCardTest, CountsReleasesByKindInThePeriodOnly) {
  const auto card = compute_report_card(data_set());
  EXPECT_EQ(card.releases_admitted, 7);
  EXPECT_EQ(card.releases_published, 6);
  ASSERT_EQ(card.by_kind.size(), 5u);
  EXPECT_EQ(card.by_kind[0].kind, ReleaseKind::news);
  EXPECT_EQ(card.by_kind[0].admitted, 3);
  EXPECT_EQ(card.by_kind[0].published, 2);
  EXPECT_EQ(card.by_kind[1].kind, ReleaseKind::notice);
  EXPECT_EQ(card.by_kind[1].published, 2);
  EXPECT_EQ(card.by_kind[3].kind, ReleaseKind::conference);
  EXPECT_EQ(card.by_kind[3].published, 1);  // "old" is outside
}

TEST(ReportCardTest, DeliveriesPerChannelWithSuccessRate) {
  const auto card = compute_report_card(data_set());
  ASSERT_EQ(card.channels.size(), 2u);
  EXPECT_EQ(card.channels[0].channel, "microblog");
  // Publishes: n1 lead c1 c2(dead) d1, i1 lead c1, k1 lead c1, r1 lead(retracted) c3(cancelled), q1 lead(queued).
  EXPECT_EQ(card.channels[0].delivered, 8);
  EXPECT_EQ(card.channels[0].dead, 1);
  EXPECT_EQ(card.channels[0].cancelled, 1);
  EXPECT_EQ(card.channels[0].pending, 1);
  EXPECT_DOUBLE_EQ(*card.channels[0].success_rate, 8.0 / 9.0);
  EXPECT_EQ(card.channels[1].channel, "portal");
  EXPECT_EQ(card.channels[1].delivered, 4);
  EXPECT_DOUBLE_EQ(*card.channels[1].success_rate, 1.0);
}

TEST(ReportCardTest, LeadPostsAndFollowerGrowth) {
  const auto card = compute_report_card(data_set());
  EXPECT_EQ(card.lead.id, "lead");
  EXPECT_EQ(card.lead.posts, 4);  // n1, i1, k1, r1 (retracted since); q1 not out
  EXPECT_EQ(card.followers_start, 1000);
  EXPECT_EQ(card.followers_end, 1250);
  EXPECT_EQ(card.followers_growth, 250);
}

TEST(ReportCardTest, MatrixCoverageByGroupAndMostAndLeastActive) {
  const auto card = compute_report_card(data_set());
  EXPECT_EQ(card.members, 5);
  EXPECT_EQ(card.members_posted, 2);  // c1 (3 posts), d1 (1)
  EXPECT_EQ(card.member_posts, 4);
  EXPECT_DOUBLE_EQ(*card.coverage, 0.4);
  EXPECT_DOUBLE_EQ(*card.posts_per_member, 0.8);
  ASSERT_EQ(card.groups.size(), 2u);
  EXPECT_EQ(card.groups[0].group, "county");
  EXPECT_EQ(card.groups[0].members, 3);
  EXPECT_EQ(card.groups[0].posted, 1);
  EXPECT_EQ(card.groups[0].posts, 3);
  EXPECT_EQ(card.groups[1].group, "department");
  EXPECT_EQ(card.groups[1].posted, 1);
  ASSERT_EQ(card.most_active.size(), 1u);
  EXPECT_EQ(card.most_active[0].id, "c1");
  EXPECT_EQ(card.most_active[0].posts, 3);
  ASSERT_EQ(card.least_active.size(), 3u);  // c2, c3, d2: none
  EXPECT_EQ(card.least_active[0].id, "c2");
  EXPECT_EQ(card.least_active[2].id, "d2");
  EXPECT_EQ(card.least_active[0].posts, 0);
}

TEST(ReportCardTest, ConferencesInterpretationsTimelinessRetractionsCorrections) {
  const auto card = compute_report_card(data_set());
  ASSERT_EQ(card.conferences.size(), 1u);
  EXPECT_EQ(card.conferences[0].id, "k1");
  EXPECT_EQ(card.conferences[0].detail, "2026-03-13");
  ASSERT_EQ(card.interpretations.size(), 1u);
  EXPECT_EQ(card.interpretations[0].detail, "标题 p1（临政办发〔2026〕12号）");
  EXPECT_EQ(card.timeliness_known, 6);
  EXPECT_EQ(card.in_time, 5);
  EXPECT_DOUBLE_EQ(*card.in_time_share, 5.0 / 6.0);
  ASSERT_EQ(card.late.size(), 1u);
  EXPECT_EQ(card.late[0].id, "l1");
  ASSERT_EQ(card.retractions.size(), 1u);
  EXPECT_EQ(card.retractions[0].detail, "数据有误");
  ASSERT_EQ(card.corrections.size(), 1u);
  EXPECT_EQ(card.corrections[0].id, "k1");
  EXPECT_EQ(card.corrections[0].detail, "2");
}

TEST(ReportCardTest, AConferenceCountsOnceAndOnlyOneHeldCounts) {
  ReportData data = data_set();
  const auto before = compute_report_card(data);
  using S = DeliveryState;
  // k1's reminder: a release of its own, whose posts count, but not a second conference.
  auto reminder = release("k1.reminder", ReleaseKind::conference, kMarch10 + 3 * kDay - 3'600'000,
                          {delivery("microblog", "lead", S::delivered)});
  reminder.release.conference = conference_at(kMarch10 + 3 * kDay);
  data.releases.push_back(reminder);
  // k2 was called off after its notice went out; k3 starts after the period.
  for (const std::string id : {"k2", "k2.cancelled", "k3"}) {
    auto r = release(id, ReleaseKind::conference, kMarch10 + 7 * kDay, {delivery("microblog", "lead", S::delivered)});
    r.release.conference = conference_at(id == "k3" ? kPeriod.to_ms() + kDay : kMarch10 + 8 * kDay);
    data.releases.push_back(r);
  }
  const auto card = compute_report_card(data);
  EXPECT_EQ(card.releases_admitted, before.releases_admitted + 2);  // k2 and k3, not the steps
  EXPECT_EQ(card.by_kind[3].admitted, before.by_kind[3].admitted + 2);
  EXPECT_EQ(card.lead.posts, before.lead.posts + 4);  // every step's post is a post
  EXPECT_EQ(card.channels[0].delivered, before.channels[0].delivered + 4);
  ASSERT_EQ(card.conferences.size(), 1u);
  EXPECT_EQ(card.conferences[0].id, "k1");
}

TEST(ReportCardTest, InspectionKeepsWhatIsNotOk) {
  const auto card = compute_report_card(data_set());
  EXPECT_EQ(card.inspection_verdict, InspectionVerdict::fail);
  EXPECT_EQ(card.inspection_fail, 1);
  EXPECT_EQ(card.inspection_warn, 1);
  ASSERT_EQ(card.inspection_findings.size(), 2u);
  EXPECT_EQ(card.inspection_findings[0].target, "d2");
}

TEST(ReportCardTest, AnEmptyPeriodHasNoSharesRatherThanZeroes) {
  ReportData data = data_set();
  data.period = {{2025, 1, 1}, {2025, 1, 31}};
  data.lead_followers.clear();
  const auto card = compute_report_card(data);
  EXPECT_EQ(card.releases_admitted, 0);
  EXPECT_TRUE(card.channels.empty());
  EXPECT_FALSE(card.in_time_share.has_value());
  EXPECT_FALSE(card.followers_growth.has_value());
  EXPECT_DOUBLE_EQ(*card.coverage, 0.0);
  EXPECT_TRUE(card.most_active.empty());
}

}  // namespace
}  // namespace fabu
