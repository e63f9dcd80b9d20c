#include "cli/conference.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/accounts.h"
#include "cli/input_file.h"
#include "cli/operator_log.h"
#include "cli/table.h"
#include "conference/calendar.h"
#include "core/clock.h"
#include "core/conference.h"
#include "core/release.h"
#include "daemon/conference_actions.h"

namespace fabu::cli {
namespace {

constexpr ConferenceStep kSteps[] = {ConferenceStep::notice, ConferenceStep::reminder, ConferenceStep::live,
                                     ConferenceStep::cancellation, ConferenceStep::record};

// The conference's notice as stored, or nullopt (reported) when `id` is no conference.
std::optional<Release> stored_notice(DeliveryLedger& ledger, const std::string& id) {
  auto json = ledger.release_json(id);
  if (!json) {
    std::cerr << "fabuctl: " << json.error().message << "\n";
    return std::nullopt;
  }
  auto notice = *json ? parse_release_json(**json) : std::unexpected(FieldErrors{});
  if (!notice || !notice->conference) {
    std::cerr << "fabuctl: no conference '" << id << "' has been admitted\n";
    return std::nullopt;
  }
  return *notice;
}

std::string step_state(LedgerQueries& ledger, const std::string& release_id, std::int64_t& due_ms) {
  auto record = ledger.release_record(release_id);
  if (!record || !*record) return "-";
  due_ms = (*record)->due_ms;
  if ((*record)->state != "live") return (*record)->state;
  auto deliveries = ledger.deliveries_of(release_id);
  if (!deliveries) return "live";
  int delivered = 0;
  for (const auto& d : *deliveries) delivered += d.state == DeliveryState::delivered ? 1 : 0;
  if (delivered == 0) return (*record)->first_out_ms == 0 ? "scheduled" : "sending";
  return std::to_string(delivered) + "/" + std::to_string(deliveries->size()) + " delivered";
}

// Who signed the stored release `release_id`, as "key_id (role)": a record or cancellation notice
// shows its own reviewers, the other steps the notice's. Empty when it is not stored or unsigned.
std::vector<std::string> signers_of(DeliveryLedger& ledger, const std::string& release_id) {
  std::vector<std::string> signers;
  auto json = ledger.release_json(release_id);
  if (!json || !*json) return signers;
  auto release = parse_release_json(**json);
  if (!release) return signers;
  for (const auto& s : release->approval.signatures) signers.push_back(s.key_id + " (" + s.role + ")");
  return signers;
}

SeriesLookup lookup_of(const Setup& setup) {
  return [channels = setup.channels](const Release& notice) { return channels->conference_settings(notice); };
}

// Reports what a cancel or record did (`what`: "cancellation notice", "record") and returns the exit
// code: 0 done, 1 unknown conference or a conflicting release, 2 refused (privacy screen, planning),
// 3 closed already.
int report_action(const ConferenceActionResult& result, const std::string& id, const std::string& what) {
  switch (result.outcome) {
    case ConferenceActionOutcome::unknown:
      std::cerr << "fabuctl: no conference '" << id << "' has been admitted\n";
      return 1;
    case ConferenceActionOutcome::closed:
      std::cerr << "fabuctl: conference " << id << " was closed already (cancelled or retracted)\n";
      return 3;
    case ConferenceActionOutcome::conflict:
      std::cerr << "fabuctl: " << result.release_id << " exists already with other content (see fabuctl rejects)\n";
      return 1;
    case ConferenceActionOutcome::refused:
      if (result.unapproved) {
        std::cerr << "fabuctl: " << what << " " << result.release_id << " is not approved; nothing was queued:\n";
        for (const auto& e : result.errors) std::cerr << "  " << e.path << ": " << e.reason << "\n";
      } else if (result.screened) {
        std::cerr << "fabuctl: " << what << " of " << result.release_id
                  << " refused by the privacy screen; nothing was queued:\n";
        for (const auto& e : result.errors) std::cerr << "  " << e.path << ": " << e.reason << "\n";
      } else {
        for (const auto& e : result.errors) std::cerr << "fabuctl: " << what << ": " << e.path << ": " << e.reason << "\n";
      }
      return 2;
    case ConferenceActionOutcome::done:
      break;
  }
  if (result.release_id.empty()) return 0;
  std::cout << what << " " << result.release_id << ": "
            << (result.queued_before ? "queued before; nothing changed" : std::to_string(result.deliveries) + " deliveries")
            << "\n";
  return 0;
}

// The action's text with the approval options applied: reads the signed draft (exit code on failure).
int prepare(ConferenceAction& action, const ConferenceApprovalOptions& options) {
  action.draft = !options.draft_file.empty();
  action.approver = options.approver;
  if (action.draft && !options.approved_file.empty()) {
    std::cerr << "fabuctl: --draft writes a draft to sign and --approved gives a signed one: use one of them\n";
    return 2;
  }
  if (options.approved_file.empty()) return 0;
  const auto text = read_input_file(options.approved_file, release_file_limit);
  if (!text) {
    std::cerr << options.approved_file << ": " << text.error() << "\n";
    return 2;
  }
  auto signed_draft = read_release(*text, release_format_of(options.approved_file));
  if (!signed_draft) {
    std::cerr << options.approved_file << ": not a release:\n";
    for (const auto& e : signed_draft.error()) std::cerr << "  " << (e.path.empty() ? "(document)" : e.path) << ": " << e.reason << "\n";
    return 2;
  }
  action.signed_draft = std::move(signed_draft->release);
  return 0;
}

// `text` as one word of a POSIX shell command line, for a command to copy: single-quoted, each ' as '\''.
std::string shell_word(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Writes a draft action's release to `file` and says what comes next; the exit code.
int write_draft(const ConferenceActionResult& result, const std::string& id, const std::string& file,
                const std::string& command) {
  if (!result.draft) return report_action(result, id, "draft");
  if (!replace_file(file, nlohmann::ordered_json::parse(to_json(*result.draft)).dump(2) + "\n")) {
    std::cerr << "fabuctl: cannot write " << file << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  std::cout << "wrote " << file << ": " << result.draft->id << " revision " << result.draft->revision
            << ", as it would be published; nothing was changed.\n"
            << "Have each reviewer sign it (fabuctl approve --key KEY --key-id ID --role ROLE " << file << "),\n"
            << "then run: fabuctl conference " << command << " --approved " << shell_word(file) << "\n";
  return 0;
}

}  // namespace

int conference_list(const Context& ctx, bool all, int limit) {
  Setup setup;
  if (int code = open_setup(ctx, setup); code != 0) return code;
  auto events = collect_calendar(*setup.ledger, lookup_of(setup), all ? 0 : unix_now_ms(), limit);
  if (!events) {
    std::cerr << "fabuctl: " << events.error().message << "\n";
    return 1;
  }
  nlohmann::json out = nlohmann::json::array();
  TextTable table({"id", "starts", "venue", "topic", "revision", "state"});
  for (const auto& e : *events) {
    const ConferenceDetails& c = *e.notice.conference;
    const std::string state = e.cancelled ? "cancelled" : "confirmed";
    out.push_back({{"id", e.notice.id}, {"starts_at", c.starts_at.iso()}, {"ends_at", c.ends_at.iso()},
                   {"venue", c.venue}, {"topic", c.topic}, {"revision", e.revision}, {"state", state},
                   {"sequence", calendar_sequence(e)}});
    table.add({e.notice.id, chinese_date_time(c.starts_at.unix_seconds), c.venue, c.topic,
               std::to_string(e.revision), state});
  }
  if (ctx.json) {
    std::cout << nlohmann::json{{"conferences", out}}.dump(2) << "\n";
  } else if (table.empty()) {
    std::cout << "no conferences" << (all ? "" : " from now on (--all lists past ones too)") << "\n";
  } else {
    std::cout << table.render() << "\n";
  }
  return 0;
}

int conference_show(const Context& ctx, const std::string& id) {
  Setup setup;
  if (int code = open_setup(ctx, setup); code != 0) return code;
  auto notice = stored_notice(*setup.ledger, id);
  if (!notice) return 1;
  const ConferenceDetails& c = *notice->conference;
  const SeriesSettings settings = setup.channels->conference_settings(*notice);
  nlohmann::json steps = nlohmann::json::array();
  TextTable table({"step", "release", "due", "state", "signed by"});
  for (ConferenceStep step : kSteps) {
    const std::string release_id = step_release_id(id, step);
    std::int64_t due_ms = 0;
    const std::string state = step_state(*setup.ledger, release_id, due_ms);
    const std::string due = due_ms == 0 ? "-" : chinese_date_time(due_ms / 1000);
    const std::vector<std::string> signers = signers_of(*setup.ledger, release_id);
    std::string signed_by;
    for (const auto& s : signers) signed_by += (signed_by.empty() ? "" : ", ") + s;
    steps.push_back({{"step", to_string(step)}, {"release", release_id}, {"due_ms", due_ms}, {"state", state},
                     {"signed_by", signers}});
    table.add({std::string(to_string(step)), release_id, due, state, signed_by.empty() ? "-" : signed_by});
  }
  if (ctx.json) {
    std::cout << nlohmann::json{{"id", id}, {"conference", nlohmann::json::parse(to_json(*notice))["conference"]},
                                {"steps", steps}}.dump(2) << "\n";
    return 0;
  }
  std::cout << notice->title << "\n"
            << "  organiser      " << c.organiser << "\n"
            << "  time           " << chinese_date_time(c.starts_at.unix_seconds) << "—"
            << chinese_clock(c.ends_at.unix_seconds) << "\n"
            << "  venue          " << c.venue << "\n"
            << "  topic          " << c.topic << "\n"
            << "  spokespersons  ";
  for (std::size_t i = 0; i < c.spokespersons.size(); ++i) {
    const auto found = settings.speakers.find(c.spokespersons[i]);
    std::cout << (i ? "、" : "") << (found == settings.speakers.end() ? c.spokespersons[i] : found->second);
  }
  std::cout << "\n  registration   " << c.registration << "\n"
            << "  livestream     " << c.livestream.provider << " " << c.livestream.url << "\n";
  if (c.live_text) std::cout << "  live text      " << *c.live_text << "\n";
  std::cout << "  revision       " << notice->revision << "\n\n" << table.render() << "\n";
  return 0;
}

int conference_cancel(const Context& ctx, const std::string& id, const std::string& reason,
                      const ConferenceApprovalOptions& options) {
  if (reason.empty()) {
    std::cerr << "fabuctl conference cancel: --reason is required; it is part of the cancellation notice\n";
    return 2;
  }
  ConferenceAction action{.text = reason};
  if (int code = prepare(action, options); code != 0) return code;
  Setup setup;
  if (int code = open_setup(ctx, setup); code != 0) return code;
  auto result = cancel_conference(*setup.ledger, *setup.channels, setup.config->approval, id, action, unix_now_ms());
  if (!result) {
    std::cerr << "fabuctl: " << result.error().message << "\n";
    return 1;
  }
  if (action.draft) return write_draft(*result, id, options.draft_file, "cancel " + id + " --reason " + shell_word(reason));
  if (result->cancelled > 0 || result->queued_now()) {
    record_action(ctx, "conference_cancel", {{"release", id}, {"reason", reason}, {"cancelled", result->cancelled}});
  }
  if (result->outcome != ConferenceActionOutcome::unknown && !result->screened &&
      !(result->unapproved && result->cancelled == 0)) {
    std::cout << "cancelled " << result->cancelled << " step(s) of " << id << " not yet sent\n";
  }
  if (result->outcome == ConferenceActionOutcome::done && result->release_id.empty()) {
    std::cout << "nothing of it had gone out: no cancellation notice is needed\n";
  }
  return report_action(*result, id, "cancellation notice");
}

int conference_record(const Context& ctx, const std::string& id, const std::string& file,
                      const ConferenceApprovalOptions& options) {
  // The record becomes part of a release body (core/conference.h): no longer than a body may be.
  const auto markdown = read_input_file(file, {ReleaseLimits::body_bytes, "body_bytes"});
  if (!markdown) {
    std::cerr << file << ": " << markdown.error() << "\n";
    return 2;
  }
  std::error_code ignored;
  if (!options.draft_file.empty() && std::filesystem::equivalent(file, options.draft_file, ignored)) {
    std::cerr << "fabuctl: --draft " << options.draft_file << " is the record itself; name another file\n";
    return 2;
  }
  ConferenceAction action{.text = *markdown};
  if (int code = prepare(action, options); code != 0) return code;
  Setup setup;
  if (int code = open_setup(ctx, setup); code != 0) return code;
  auto result = record_conference(*setup.ledger, *setup.channels, setup.config->approval, id, action, unix_now_ms());
  if (!result) {
    std::cerr << "fabuctl: " << result.error().message << "\n";
    return 1;
  }
  if (action.draft) return write_draft(*result, id, options.draft_file, "record " + id + " " + shell_word(file));
  if (result->queued_now()) {
    record_action(ctx, "conference_record", {{"release", id}, {"revision", result->revision}});
  }
  return report_action(*result, id, "record");
}

int conference_calendar(const Context& ctx) {
  Setup setup;
  if (int code = open_setup(ctx, setup); code != 0) return code;
  auto events = collect_calendar(*setup.ledger, lookup_of(setup), 0);
  if (!events) {
    std::cerr << "fabuctl: " << events.error().message << "\n";
    return 1;
  }
  std::cout << render_calendar(*events);
  return 0;
}

}  // namespace fabu::cli
