// ConferenceSeries: the planned series of posts one `conference` release (新闻发布会) becomes.
//
// A conference release is published as up to three releases of its own, each an ordinary scheduled
// release of the delivery engine (its own id, its own `publish_at`), so each step goes out exactly once
// on whichever fabud is alive, and moves or is corrected with the machinery every release has:
//
//   <id>            the notice (预告) at the release's publish_at: every channel it targets; the portal
//                   article carries every field
//   <id>.reminder   a reminder `remind_before` the start, on the post channels (not the portal)
//   <id>.live       "now live" at starts_at with the livestream link, on the post channels
//
// and, by an operator, <id>.cancelled (the cancellation notice) and <id>.record (the record, 实录,
// on the portal only). A revision n of the conference (its new times) is revision n of every step:
// the queue corrects what went out and replaces what did not.
//
// Pure functions of their arguments (no clock, no I/O): thread-safe. Times are shown the Chinese way
// in Asia/Shanghai (UTC+8 all year, no daylight saving): 12月3日（星期四）14:30.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/release.h"

namespace fabu {

enum class ConferenceStep { notice, reminder, live, cancellation, record };
std::string_view to_string(ConferenceStep step);  // "notice", "reminder", "live", "cancellation", "record"

// The step's release id: the conference's own id for the notice, else `<id>.<suffix>`.
std::string step_release_id(std::string_view conference_id, ConferenceStep step);

// Which step of its series a release is, read from its id: nullopt for a release without a conference
// table, `notice` for one whose id has no step suffix.
std::optional<ConferenceStep> conference_step(const Release& release);

// The longest step suffix (".cancelled"): a conference id leaves room for it within ReleaseLimits::id_bytes.
inline constexpr std::size_t kConferenceIdBytes = 54;

// 12月3日（星期四）14:30 for a unix time, in Asia/Shanghai.
std::string chinese_date_time(std::int64_t unix_seconds);
// 14:30 for a unix time, in Asia/Shanghai.
std::string chinese_clock(std::int64_t unix_seconds);

// What the series needs from the config and the channels.
struct SeriesSettings {
  std::chrono::seconds remind_before{std::chrono::hours(1)};
  // Channels that publish articles (the portal): the notice, cancellation and record go there; the
  // reminder and the live post do not.
  std::vector<std::string> article_channels;
  // The notice's public link (its portal article, or the release's `link`), carried by the reminder.
  std::string notice_link;
  // Roster id -> how a notice names the spokesperson: "<full title><name>".
  std::map<std::string, std::string> speakers;
};

// The steps of a conference release, the notice first; a step without a post channel, or a reminder
// that would come before the notice, is left out. REQUIRES: release.conference.
std::vector<Release> plan_conference_series(const Release& conference, const SeriesSettings& settings);

// The cancellation notice (now, on every channel the notice targets) and the record (the portal's
// article channels only, body = `record_markdown`). REQUIRES: notice.conference.
Release conference_cancellation(const Release& notice, std::string_view reason, const SeriesSettings& settings);
Release conference_record(const Release& notice, std::string_view record_markdown, const SeriesSettings& settings);

// A step's microblog text: title and summary such that `【title】summary link` fits Weibo's 140
// (the summary is cut, never the date, which comes first).
struct PostText {
  std::string title;
  std::string summary;
};
PostText conference_post(ConferenceStep step, const Release& conference, const SeriesSettings& settings,
                         std::string_view link, std::string_view reason = {});

// The portal article's Markdown: every field of the conference, then the release's own body.
std::string conference_portal_body(const Release& conference, const SeriesSettings& settings);

}  // namespace fabu
