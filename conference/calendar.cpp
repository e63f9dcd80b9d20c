#include "conference/calendar.h"

#include <libical/ical.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "core/conference.h"

namespace fabu {
namespace {

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentFree>;

icaltimetype utc_time(std::int64_t unix_seconds) {
  return icaltime_from_timet_with_zone(static_cast<time_t>(unix_seconds), 0, icaltimezone_get_utc_timezone());
}

std::string description(const ConferenceDetails& c, const std::vector<std::string>& speakers) {
  std::string text = "主办单位：" + c.organiser + "\n主题：" + c.topic + "\n发布人：";
  const auto& names = speakers.empty() ? c.spokespersons : speakers;
  for (std::size_t i = 0; i < names.size(); ++i) text += (i ? "、" : "") + names[i];
  text += "\n参加方式：" + c.registration + "\n网络直播：" + c.livestream.provider + " " + c.livestream.url;
  if (c.live_text) text += "\n图文直播：" + *c.live_text;
  return text;
}

icalcomponent* event_component(const CalendarEvent& event) {
  const ConferenceDetails& c = *event.notice.conference;
  icalcomponent* vevent = icalcomponent_new_vevent();
  icalcomponent_add_property(vevent, icalproperty_new_uid((event.notice.id + "@fabu").c_str()));
  icalcomponent_add_property(vevent, icalproperty_new_dtstamp(utc_time(event.changed_ms / 1000)));
  icalcomponent_add_property(vevent, icalproperty_new_dtstart(utc_time(c.starts_at.unix_seconds)));
  icalcomponent_add_property(vevent, icalproperty_new_dtend(utc_time(c.ends_at.unix_seconds)));
  icalcomponent_add_property(vevent, icalproperty_new_summary(event.notice.title.c_str()));
  icalcomponent_add_property(vevent, icalproperty_new_location(c.venue.c_str()));
  icalcomponent_add_property(vevent, icalproperty_new_description(description(c, event.speakers).c_str()));
  icalcomponent_add_property(vevent, icalproperty_new_organizer(("CN=" + c.organiser).c_str()));
  icalcomponent_add_property(vevent, icalproperty_new_sequence(calendar_sequence(event)));
  icalcomponent_add_property(
      vevent, icalproperty_new_status(event.cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
  if (!event.url.empty()) icalcomponent_add_property(vevent, icalproperty_new_url(event.url.c_str()));
  return vevent;
}

}  // namespace

int calendar_sequence(const CalendarEvent& event) { return event.revision - 1 + (event.cancelled ? 1 : 0); }

std::string render_calendar(const std::vector<CalendarEvent>& events) {
  ComponentPtr calendar(icalcomponent_new_vcalendar());
  icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_prodid("-//fabu//press conferences//ZH"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_method(ICAL_METHOD_PUBLISH));
  for (const auto& event : events) {
    if (event.notice.conference) icalcomponent_add_component(calendar.get(), event_component(event));
  }
  char* text = icalcomponent_as_ical_string_r(calendar.get());
  std::string out = text == nullptr ? std::string() : std::string(text);
  std::free(text);
  return out;
}

Result<std::vector<CalendarEvent>> collect_calendar(DeliveryLedger& ledger, const SeriesLookup& lookup,
                                                    std::int64_t from_ms, int limit) {
  auto listed = ledger.conferences(from_ms, limit);
  if (!listed) return fail(listed.error());
  std::vector<CalendarEvent> events;
  for (const auto& entry : *listed) {
    auto record = ledger.release_record(entry.release_id);
    if (!record) return fail(record.error());
    auto json = ledger.release_json(entry.release_id);
    if (!json) return fail(json.error());
    if (!*record || !*json) continue;  // indexed, then refused or expired
    auto notice = parse_release_json(**json);
    if (!notice || !notice->conference) continue;
    auto cancellation = ledger.release_record(step_release_id(entry.release_id, ConferenceStep::cancellation));
    if (!cancellation) return fail(cancellation.error());
    CalendarEvent event;
    event.notice = std::move(*notice);
    event.revision = (*record)->revision;
    event.cancelled = (*record)->state != "live" || cancellation->has_value();
    event.changed_ms = std::max({(*record)->admitted_ms, (*record)->closed_ms,
                                 *cancellation ? (*cancellation)->admitted_ms : 0});
    const SeriesSettings settings = lookup(event.notice);
    event.url = settings.notice_link;
    for (const auto& id : event.notice.conference->spokespersons) {
      const auto found = settings.speakers.find(id);
      event.speakers.push_back(found == settings.speakers.end() ? id : found->second);
    }
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace fabu
