#include "report/report_card.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/conference.h"
#include "core/deadline.h"
#include "core/working_days.h"

namespace fabu {
namespace {

constexpr ReleaseKind kKinds[] = {ReleaseKind::news, ReleaseKind::notice, ReleaseKind::policy_interpretation,
                                  ReleaseKind::conference, ReleaseKind::emergency};

bool went_out(DeliveryState state) { return state == DeliveryState::delivered || state == DeliveryState::retracted; }

bool published(const ReleaseFacts& r) { return r.record.first_out_ms > 0 && r.record.state != "cancelled"; }

std::optional<double> ratio(int part, int whole) {
  if (whole <= 0) return std::nullopt;
  return static_cast<double>(part) / whole;
}

void count_delivery(ChannelFigures& figures, DeliveryState state) {
  if (went_out(state)) {
    ++figures.delivered;
  } else if (state == DeliveryState::dead) {
    ++figures.dead;
  } else if (state == DeliveryState::cancelled) {
    ++figures.cancelled;
  } else {
    ++figures.pending;
  }
}

// A conference is held when its notice went out and stands, it was not called off (no cancellation
// notice), and it started before the period's end.
bool held(const ReleaseFacts& notice, const std::vector<ReleaseFacts>& all, std::int64_t period_end_ms) {
  if (!notice.release.conference || notice.record.state == "retracted") return false;
  if (notice.release.conference->starts_at.unix_seconds * 1000 >= period_end_ms) return false;
  const std::string cancelled = step_release_id(notice.release.id, ConferenceStep::cancellation);
  return std::none_of(all.begin(), all.end(), [&](const ReleaseFacts& r) { return r.release.id == cancelled; });
}

// The policy an interpretation names, by its title when the data has it.
std::string policy_of(const Release& interpretation, const std::vector<ReleaseFacts>& all) {
  const std::string named = interpretation.interprets.value_or("");
  for (const ReleaseFacts& r : all) {
    if (r.release.id == named || (r.release.doc_number && *r.release.doc_number == named)) {
      return r.release.title + (r.release.doc_number ? "（" + *r.release.doc_number + "）" : "");
    }
  }
  return named;
}

void fill_matrix(const ReportData& data, const std::map<std::string, int>& posts, ReportCard& card) {
  const auto posts_of = [&](const std::string& id) {
    const auto it = posts.find(id);
    return it == posts.end() ? 0 : it->second;
  };
  card.matrix_channel = data.matrix_channel;
  card.hall = data.hall;
  card.lead = {data.lead.id, data.lead.name, data.lead.group, posts_of(data.lead.id)};
  std::map<std::string, GroupFigures> groups;
  for (const auto& m : data.members) {
    AccountPosts a{m.id, m.name, m.group, posts_of(m.id)};
    GroupFigures& g = groups[m.group];
    g.group = m.group;
    ++g.members;
    g.posted += a.posts > 0 ? 1 : 0;
    g.posts += a.posts;
    card.member_activity.push_back(std::move(a));
  }
  for (auto& [name, g] : groups) {
    card.members += g.members;
    card.members_posted += g.posted;
    card.member_posts += g.posts;
    card.groups.push_back(g);
  }
  card.coverage = ratio(card.members_posted, card.members);
  card.posts_per_member = ratio(card.member_posts, card.members);
  std::sort(card.member_activity.begin(), card.member_activity.end(),
            [](const auto& a, const auto& b) { return a.posts != b.posts ? a.posts > b.posts : a.id < b.id; });
  if (card.member_posts == 0) return;
  const int most = card.member_activity.front().posts;
  const int least = card.member_activity.back().posts;
  for (const auto& a : card.member_activity) {
    if (a.posts == most) card.most_active.push_back(a);
    if (a.posts == least) card.least_active.push_back(a);
  }
}

void fill_followers(const ReportData& data, ReportCard& card) {
  card.lead_followers = data.lead_followers;
  if (data.lead_followers.empty()) return;
  card.followers_start = data.lead_followers.front().followers;
  card.followers_end = data.lead_followers.back().followers;
  card.followers_growth = *card.followers_end - *card.followers_start;
}

void fill_inspection(const ReportData& data, ReportCard& card) {
  card.inspection_verdict = worst(data.inspection);
  for (const auto& f : data.inspection) {
    card.inspection_fail += f.verdict == InspectionVerdict::fail ? 1 : 0;
    card.inspection_warn += f.verdict == InspectionVerdict::warn ? 1 : 0;
    if (f.verdict != InspectionVerdict::ok) card.inspection_findings.push_back(f);
  }
}

}  // namespace

std::int64_t ReportPeriod::from_ms() const { return china_day_end_ms(date_from_days(days_since_epoch(from) - 1)); }
std::int64_t ReportPeriod::to_ms() const { return china_day_end_ms(to); }

ReportCard compute_report_card(const ReportData& data) {
  ReportCard card;
  card.period = data.period;
  const std::int64_t from = data.period.from_ms(), to = data.period.to_ms();
  std::vector<const ReleaseFacts*> in_period;
  for (const auto& r : data.releases) {
    if (r.record.admitted_ms >= from && r.record.admitted_ms < to) in_period.push_back(&r);
  }
  std::sort(in_period.begin(), in_period.end(), [](const auto* a, const auto* b) {
    return a->record.admitted_ms != b->record.admitted_ms ? a->record.admitted_ms < b->record.admitted_ms
                                                          : a->release.id < b->release.id;
  });
  std::map<ReleaseKind, KindCount> kinds;
  for (ReleaseKind k : kKinds) kinds[k].kind = k;
  std::map<std::string, ChannelFigures> channels;
  std::map<std::string, int> posts;  // matrix account -> posts
  for (const ReleaseFacts* r : in_period) {
    const bool out = published(*r);
    for (const auto& d : r->deliveries) {
      if (d.operation != Operation::publish) continue;
      ChannelFigures& figures = channels[d.channel];
      figures.channel = d.channel;
      count_delivery(figures, d.state);
      if (d.channel == data.matrix_channel && went_out(d.state)) ++posts[d.destination];
    }
    // A conference's reminder, live post, cancellation and record are releases of their own: their posts
    // count (above), but the conference counts once, as its notice.
    const auto step = conference_step(r->release);
    if (step && *step != ConferenceStep::notice) continue;
    KindCount& kind = kinds[r->release.kind];
    ++kind.admitted;
    ++card.releases_admitted;
    kind.published += out ? 1 : 0;
    card.releases_published += out ? 1 : 0;
    const std::string title = r->release.title;
    if (out && held(*r, data.releases, to)) {
      card.conferences.push_back({r->release.id, title, china_date(r->release.conference->starts_at.unix_seconds).iso()});
    }
    if (out && r->release.kind == ReleaseKind::policy_interpretation) {
      card.interpretations.push_back({r->release.id, title, policy_of(r->release, data.releases)});
    }
    if (out && r->record.in_time) {
      ++card.timeliness_known;
      if (*r->record.in_time) {
        ++card.in_time;
      } else {
        card.late.push_back({r->release.id, title, china_date((r->record.deadline_ms - 1) / 1000).iso()});
      }
    }
    if (r->record.state == "retracted") card.retractions.push_back({r->release.id, title, r->record.retract_reason});
    if (r->record.revision > 1) {
      card.corrections.push_back({r->release.id, title, std::to_string(r->record.revision)});
    }
  }
  card.in_time_share = ratio(card.in_time, card.timeliness_known);
  for (ReleaseKind k : kKinds) card.by_kind.push_back(kinds[k]);
  for (auto& [name, figures] : channels) {
    figures.success_rate = ratio(figures.delivered, figures.delivered + figures.dead);
    card.channels.push_back(figures);
  }
  fill_matrix(data, posts, card);
  fill_followers(data, card);
  fill_inspection(data, card);
  return card;
}

}  // namespace fabu
