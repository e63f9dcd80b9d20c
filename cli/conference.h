// fabuctl conference: the press conferences (kind = conference) and their series of steps
// (core/conference.h): list, show, cancel, record, and the iCalendar feed.
// Exit codes as in commands.h: 0 ok, 1 the operation failed (Redis, unknown id), 2 bad input or config.
#pragma once

#include <string>

#include "cli/commands.h"

namespace fabu::cli {

// Conferences starting from now on (`--all`: every one indexed), earliest first: id, start (Chinese),
// venue, topic, revision, state (scheduled, announced, cancelled).
int conference_list(const Context& ctx, bool all, int limit);
// Every field of one conference and each step's release: its time, state and deliveries.
int conference_show(const Context& ctx, const std::string& id);
// How a cancel or record meets 先审后发 (daemon/conference_actions.h): `draft_file` set writes the
// release it would publish there (JSON, for `fabuctl approve`) and changes nothing; `approved_file` set
// gives the reviewers' signed draft; `approver` names the draft's approver (default: the notice's).
struct ConferenceApprovalOptions {
  std::string draft_file;
  std::string approved_file;
  std::string approver;
};

// Cancels every step not yet started; when anything went out, publishes the cancellation notice
// (`<id>.cancelled`, now, on the notice's channels). Exit 3 when the conference was closed already.
int conference_cancel(const Context& ctx, const std::string& id, const std::string& reason,
                      const ConferenceApprovalOptions& options);
// Publishes the record (实录, Markdown in `file`) on the portal as `<id>.record`; a changed record is
// a correction of it.
int conference_record(const Context& ctx, const std::string& id, const std::string& file,
                      const ConferenceApprovalOptions& options);
// Prints the iCalendar feed (what the API serves and fabud writes to [conference] calendar_file).
int conference_calendar(const Context& ctx);

}  // namespace fabu::cli
