// ConferenceCalendar: the press conferences as an iCalendar feed (RFC 5545), for spokespersons and
// newsrooms to subscribe to. One VEVENT per conference, UID `<release id>@fabu`; SEQUENCE counts its
// changes (each revision of the conference, and its cancellation), STATUS is CONFIRMED or CANCELLED,
// so a calendar that subscribed updates the event in place.
//
// Written with libical rather than by hand (escaping, line folding, CRLF). collect_calendar() reads
// the conferences from the ledger; render_calendar() is pure. Neither keeps state: call them from any
// thread, each with its own ledger (hiredis connections are not shared).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/conference.h"
#include "core/release.h"
#include "queue/delivery_ledger.h"

namespace fabu {

struct CalendarEvent {
  Release notice;                // the conference's notice (it carries the conference table)
  int revision = 1;
  bool cancelled = false;        // cancelled (a cancellation notice went out, or nothing had) or retracted
  std::string url;               // the notice's public link; "" = none
  std::vector<std::string> speakers;  // the spokespersons as a notice names them (full title and name)
  std::int64_t changed_ms = 0;   // DTSTAMP: its admission, last correction or cancellation
};

// SEQUENCE of an event: 0 for a conference as first announced, +1 per revision and for a cancellation.
int calendar_sequence(const CalendarEvent& event);

// The VCALENDAR text (CRLF line ends), events in the order given.
std::string render_calendar(const std::vector<CalendarEvent>& events);

// What the channels and the roster say of a notice: its link and its spokespersons' names
// (ChannelSet::conference_settings). The calendar cannot see the config itself.
using SeriesLookup = std::function<SeriesSettings(const Release& notice)>;

// The conferences starting at or after `from_ms` (at most `limit`), earliest first, as events.
Result<std::vector<CalendarEvent>> collect_calendar(DeliveryLedger& ledger, const SeriesLookup& lookup,
                                                    std::int64_t from_ms, int limit = 1000);

}  // namespace fabu
