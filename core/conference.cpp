#include "core/conference.h"

#include <algorithm>
#include <cstdio>

#include "core/text.h"

namespace fabu {
namespace {

constexpr std::int64_t kShanghaiOffsetSeconds = 8 * 3600;  // Asia/Shanghai: UTC+8, no daylight saving
constexpr std::size_t kPostTitleMax = 40;                    // a title never takes the date's room

std::string speaker_list(const ConferenceDetails& c, const SeriesSettings& settings) {
  std::string out;
  for (const auto& id : c.spokespersons) {
    const auto found = settings.speakers.find(id);
    out += (out.empty() ? "" : "、") + (found == settings.speakers.end() ? id : found->second);
  }
  return out;
}

std::string table_cell(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += '\\';
    out += ch == '\n' ? ' ' : ch;
  }
  return out;
}

// A step: the conference release with its own id, time, channels and texts.
Release step_of(const Release& conference, ConferenceStep step, std::vector<std::string> keep_channels, bool keep) {
  Release r = conference;
  r.id = step_release_id(conference.id, step);
  if (step != ConferenceStep::notice) {
    r.doc_number.reset();  // the 文号 names the notice
    r.images.clear();
    r.body.clear();
  }
  std::erase_if(r.targets, [&](const auto& entry) {
    const bool listed = std::find(keep_channels.begin(), keep_channels.end(), entry.first) != keep_channels.end();
    return listed != keep;
  });
  return r;
}

// A fitted summary is at most 140 by Weibo's count, so at most 280 code points: it is its own abstract.
void set_texts(Release& r, const PostText& text) {
  r.title = text.title;
  r.summary = text.summary;
  r.abstract = text.summary;
}

}  // namespace

std::string_view to_string(ConferenceStep step) {
  switch (step) {
    case ConferenceStep::notice: return "notice";
    case ConferenceStep::reminder: return "reminder";
    case ConferenceStep::live: return "live";
    case ConferenceStep::cancellation: return "cancellation";
    case ConferenceStep::record: return "record";
  }
  return "notice";
}

std::string step_release_id(std::string_view conference_id, ConferenceStep step) {
  std::string id(conference_id);
  switch (step) {
    case ConferenceStep::notice: return id;
    case ConferenceStep::reminder: return id + ".reminder";
    case ConferenceStep::live: return id + ".live";
    case ConferenceStep::cancellation: return id + ".cancelled";
    case ConferenceStep::record: return id + ".record";
  }
  return id;
}

std::optional<ConferenceStep> conference_step(const Release& release) {
  if (!release.conference) return std::nullopt;
  for (ConferenceStep step : {ConferenceStep::reminder, ConferenceStep::live, ConferenceStep::cancellation,
                              ConferenceStep::record}) {
    const std::string suffix = step_release_id("", step);
    if (release.id.size() > suffix.size() && release.id.ends_with(suffix)) return step;
  }
  return ConferenceStep::notice;
}

std::string chinese_clock(std::int64_t unix_seconds) {
  const std::int64_t local = unix_seconds + kShanghaiOffsetSeconds;
  const std::int64_t second_of_day = ((local % 86400) + 86400) % 86400;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(second_of_day / 3600),
                static_cast<int>(second_of_day / 60 % 60));
  return buf;
}

std::string chinese_date_time(std::int64_t unix_seconds) {
  using namespace std::chrono;
  static constexpr const char* kWeekdays[] = {"日", "一", "二", "三", "四", "五", "六"};
  const sys_days day = floor<days>(sys_seconds{seconds{unix_seconds + kShanghaiOffsetSeconds}});
  const year_month_day ymd{day};
  return std::to_string(static_cast<unsigned>(ymd.month())) + "月" + std::to_string(static_cast<unsigned>(ymd.day())) +
         "日（星期" + kWeekdays[weekday{day}.c_encoding()] + "）" + chinese_clock(unix_seconds);
}

PostText conference_post(ConferenceStep step, const Release& conference, const SeriesSettings& settings,
                         std::string_view link, std::string_view reason) {
  const ConferenceDetails& c = *conference.conference;
  const std::string when = chinese_date_time(c.starts_at.unix_seconds);
  PostText text;
  switch (step) {
    case ConferenceStep::notice:
      text.title = conference.title;
      text.summary = when + "，" + c.organiser + "在" + c.venue + "召开新闻发布会：" + c.topic + "。发布人：" +
                     speaker_list(c, settings) + "。" + c.registration + "。" + c.livestream.provider + "直播。";
      break;
    case ConferenceStep::reminder:
      text.title = "发布会提醒";
      text.summary = when + "，" + c.topic + "新闻发布会将在" + c.venue + "召开，" + c.livestream.provider + "直播。";
      break;
    case ConferenceStep::live:
      text.title = "正在直播";
      // The stream's link comes early so that a cut takes the topic, not the link.
      text.summary = when + "，" + c.livestream.provider + "直播：" + c.livestream.url + " " + c.topic +
                     "新闻发布会现在开始，地点：" + c.venue + "。";
      break;
    case ConferenceStep::cancellation:
      text.title = "发布会取消";
      text.summary = "原定" + when + "在" + c.venue + "召开的" + c.topic + "新闻发布会取消。" + std::string(reason);
      break;
    case ConferenceStep::record:
      text.title = c.topic + "新闻发布会实录";
      text.summary = when + "，" + c.organiser + "召开" + c.topic + "新闻发布会。实录：";
      break;
  }
  text.title = truncate_weibo(text.title, kPostTitleMax);
  const std::string frame = "【" + text.title + "】" + (link.empty() ? "" : " " + std::string(link));
  const std::size_t used = weibo_length(frame);
  text.summary = truncate_weibo(text.summary, used < 140 ? 140 - used : 0);
  return text;
}

std::string conference_portal_body(const Release& conference, const SeriesSettings& settings) {
  const ConferenceDetails& c = *conference.conference;
  std::string md = "| 项目 | 内容 |\n|---|---|\n";
  const auto row = [&md](std::string_view name, std::string_view value) {
    md += "| " + std::string(name) + " | " + table_cell(value) + " |\n";
  };
  row("主办单位", c.organiser);
  row("时间", chinese_date_time(c.starts_at.unix_seconds) + "—" + chinese_clock(c.ends_at.unix_seconds));
  row("地点", c.venue);
  row("主题", c.topic);
  row("发布人", speaker_list(c, settings));
  row("参加方式", c.registration);
  row("网络直播", c.livestream.provider + " " + c.livestream.url);
  if (c.live_text) row("图文直播", *c.live_text);
  if (!conference.body.empty()) md += "\n" + conference.body;
  return md;
}

std::vector<Release> plan_conference_series(const Release& conference, const SeriesSettings& settings) {
  const ConferenceDetails& c = *conference.conference;
  std::vector<Release> steps;
  Release notice = step_of(conference, ConferenceStep::notice, {}, false);
  set_texts(notice, conference_post(ConferenceStep::notice, conference, settings, settings.notice_link));
  notice.title = conference.title;  // the portal's title; posts use the same
  notice.abstract = conference.abstract;
  notice.body = conference_portal_body(conference, settings);
  steps.push_back(std::move(notice));

  Release reminder = step_of(conference, ConferenceStep::reminder, settings.article_channels, false);
  if (reminder.targets.empty()) return steps;  // no post channel: the notice is the series
  reminder.link = settings.notice_link.empty() ? conference.link : std::optional(settings.notice_link);
  if (reminder.link && reminder.link->empty()) reminder.link.reset();
  const std::int64_t remind_at = c.starts_at.unix_seconds - settings.remind_before.count();
  const bool after_notice = !conference.publish_at || remind_at > conference.publish_at->unix_seconds;
  if (after_notice) {
    set_texts(reminder, conference_post(ConferenceStep::reminder, conference, settings, settings.notice_link));
    reminder.publish_at = Timestamp{remind_at, c.starts_at.utc_offset_minutes};
    steps.push_back(reminder);
  }
  Release live = step_of(conference, ConferenceStep::live, settings.article_channels, false);
  // Weibo takes a post only with a link on the app's safe domain: the notice's link, the stream's in the text.
  set_texts(live, conference_post(ConferenceStep::live, conference, settings, settings.notice_link));
  live.publish_at = c.starts_at;
  live.link = reminder.link;
  steps.push_back(std::move(live));
  return steps;
}

Release conference_cancellation(const Release& notice, std::string_view reason, const SeriesSettings& settings) {
  Release r = step_of(notice, ConferenceStep::cancellation, {}, false);
  set_texts(r, conference_post(ConferenceStep::cancellation, notice, settings, settings.notice_link, reason));
  r.body = r.summary;
  r.publish_at.reset();
  r.revision = 1;
  r.change_note.clear();
  return r;
}

Release conference_record(const Release& notice, std::string_view record_markdown, const SeriesSettings& settings) {
  Release r = step_of(notice, ConferenceStep::record, settings.article_channels, true);
  set_texts(r, conference_post(ConferenceStep::record, notice, settings, settings.notice_link));
  r.body = conference_portal_body(notice, settings) + "\n## 实录\n\n" + std::string(record_markdown);
  r.publish_at.reset();
  r.revision = 1;
  r.change_note.clear();
  return r;
}

}  // namespace fabu
