// The API's lifecycle routes: retract, correct, reschedule, cancel, the list of schedules, the conference
// calendar, and a conference's cancel and record.
#include <nlohmann/json.hpp>

#include "conference/calendar.h"
#include "core/clock.h"
#include "core/release_document.h"
#include "core/screen.h"
#include "daemon/conference_actions.h"
#include "daemon/api_replies.h"
#include "daemon/api_routes.h"

namespace fabu {
namespace {

using api::errors_json;
using api::json_response;
using nlohmann::json;

// How deep a body may nest: a signed draft (`approved`) is a release, whose reader allows 32 levels.
constexpr int kMaxBodyDepth = 40;

// The body as a JSON object, or nullopt (a 422 names the problem). nlohmann's parser keeps its own
// stack, but writing a value back out (dump) recurses once per level: a body nested deeper than
// kMaxBodyDepth is refused here, so nothing taken from it can exhaust the thread's stack.
std::optional<json> body_object(const HttpServerRequest& request) {
  bool too_deep = false;
  const json::parser_callback_t depth_guard = [&too_deep](int depth, json::parse_event_t, json&) {
    too_deep = too_deep || depth > kMaxBodyDepth;
    return !too_deep;
  };
  json body = json::parse(request.body, depth_guard, false);
  if (too_deep || body.is_discarded() || !body.is_object()) return std::nullopt;
  return body;
}

std::string string_member(const json& body, const char* name) {
  const auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

HttpServerResponse schedule_reply(const std::string& id, const ScheduleChange& change, json done) {
  switch (change.outcome) {
    case ScheduleOutcome::changed:
      done["id"] = id;
      done["deliveries"] = change.deliveries;
      return json_response(200, done);
    case ScheduleOutcome::unknown:
      return json_response(404, {{"error", "no release '" + id + "' was admitted"}});
    case ScheduleOutcome::closed:
      return json_response(409, {{"error", "release " + id + " was " + change.detail + " already"}});
    case ScheduleOutcome::started:
      return json_response(409, {{"error", "release " + id + " is already going out (" + change.detail +
                                               " has started): retract it instead"}});
  }
  return json_response(500, {{"error", "unexpected schedule outcome"}});
}

std::string shanghai(std::int64_t unix_ms) { return Timestamp::in_shanghai(unix_ms / 1000).iso(); }

// A conference action's refusals and failures; nullopt when it was done. `field`: the request's member
// holding the operator's text, which a privacy-screen refusal names (as fabuctl's exit 2 does).
std::optional<HttpServerResponse> conference_refusal(const ConferenceActionResult& result, const std::string& id,
                                                     const char* field, bool has_draft) {
  switch (result.outcome) {
    case ConferenceActionOutcome::done:
      return std::nullopt;
    case ConferenceActionOutcome::unknown:
      return json_response(404, {{"error", "no conference '" + id + "' has been admitted"}});
    case ConferenceActionOutcome::closed:
      return json_response(409, {{"error", "conference " + id + " was closed already (cancelled or retracted)"}});
    case ConferenceActionOutcome::conflict:
      return json_response(409, {{"error", result.release_id + " exists already with other content (GET /v1/rejects)"}});
    case ConferenceActionOutcome::refused:
      break;
  }
  if (result.unapproved) {
    // Named as the request's members: the signed draft is `approved`, its fields below it.
    FieldErrors errors;
    for (const auto& e : result.errors) {
      const bool in_draft = has_draft && !e.path.starts_with("approved");
      errors.push_back({in_draft ? "approved." + e.path : "approved", e.reason});
    }
    // A step began to go out while the cancel ran: the rest are cancelled, the notice waits for its
    // signatures (daemon/conference_actions.h). The reply says so rather than "nothing changed".
    return json_response(422, {{"id", id}, {"cancelled", result.cancelled}, {"errors", errors_json(errors)}});
  }
  if (!result.screened) return json_response(422, {{"id", id}, {"errors", errors_json(result.errors)}});
  FieldErrors errors;
  for (const auto& e : result.errors) {
    errors.push_back({field, "refused by the privacy screen, nothing was queued: " + e.reason + " (in " +
                                 result.release_id + " " + e.path + ")"});
  }
  return json_response(422, {{"id", id}, {"errors", errors_json(errors)}});
}


}  // namespace

HttpServerResponse ApiRoutes::lifecycle(const HttpServerRequest& request, const std::vector<std::string>& path,
                                        const std::string& caller) {
  const std::string& id = path[2];
  const std::string& verb = path[3];
  const auto record = [&](std::string_view action, json fields) {
    fields["release"] = id;
    log_.operator_action(operator_event(action, caller, "api", fields));
  };
  if (path.size() == 4 && verb == "retract") {
    const auto body = body_object(request);
    const std::string reason = body ? string_member(*body, "reason") : std::string();
    if (reason.empty()) {
      return json_response(422, {{"errors", errors_json({{"reason", "required: a non-empty string saying why"}})}});
    }
    // The reason is published on the withdrawal notice: the privacy screen reads it first.
    if (auto refusal = screen_refusal(reason, "reason", channels_.get()->screen())) {
      return json_response(422, {{"errors", errors_json({{"reason", *refusal}})}});
    }
    Result<RetractResult> result;
    {
      std::lock_guard lock(ledger_mu_);
      result = ledger_->retract(id, reason, unix_now_ms());
    }
    if (!result) return json_response(503, {{"error", result.error().message}});
    if (result->outcome == RetractOutcome::unknown_release) {
      return json_response(404, {{"error", "no release '" + id + "' was admitted"}});
    }
    if (result->outcome == RetractOutcome::already_retracted) {
      return json_response(200, {{"id", id}, {"retracted", true}, {"note", "retracted already; nothing changed"}});
    }
    record("retract", {{"reason", reason}, {"cancelled", result->cancelled}, {"retractions", result->retractions},
                       {"waiting", result->waiting}});
    return json_response(202, {{"id", id}, {"cancelled", result->cancelled}, {"retractions", result->retractions},
                                {"waiting", result->waiting}});
  }
  if (path.size() == 4 && verb == "corrections") {
    const bool toml = request.header("content-type").find("toml") != std::string::npos;
    if (auto read = read_release(request.body, toml ? DocumentFormat::toml : DocumentFormat::json)) {
      FieldErrors wrong;
      if (read->release.id != id) wrong.push_back({"id", "is '" + read->release.id + "', not the release in the path"});
      if (read->release.revision < 2) wrong.push_back({"revision", "a correction needs revision 2 or higher"});
      if (!wrong.empty()) {
        api::log_refused_submission(422, caller, id, wrong);
        return json_response(422, {{"id", id}, {"errors", errors_json(wrong)}});
      }
    }
    return submit(request, caller);  // validates fully, queues, answers as POST /v1/releases
  }
  if (path.size() == 4 && verb == "reschedule") {
    const auto body = body_object(request);
    const std::string when = body ? string_member(*body, "publish_at") : std::string();
    auto at = release_detail::parse_iso_timestamp(when);
    if (!at) {
      return json_response(422, {{"errors", errors_json({{"publish_at", "expected ISO 8601 with a UTC offset, e.g. "
                                                                        "2026-12-10T09:00:00+08:00"}})}});
    }
    Result<ScheduleChange> change;
    {
      std::lock_guard lock(ledger_mu_);
      change = ledger_->reschedule(id, at->unix_seconds * 1000, unix_now_ms());
    }
    if (!change) return json_response(503, {{"error", change.error().message}});
    if (change->outcome == ScheduleOutcome::changed) {
      record("reschedule", {{"due", shanghai(at->unix_seconds * 1000)}, {"deliveries", change->deliveries}});
    }
    return schedule_reply(id, *change, {{"due", shanghai(at->unix_seconds * 1000)}});
  }
  if (path.size() == 5 && verb == "schedule" && path[4] == "cancel") {
    Result<ScheduleChange> change;
    {
      std::lock_guard lock(ledger_mu_);
      change = ledger_->cancel_schedule(id, unix_now_ms());
    }
    if (!change) return json_response(503, {{"error", change.error().message}});
    if (change->outcome == ScheduleOutcome::changed) record("schedule_cancel", {{"deliveries", change->deliveries}});
    return schedule_reply(id, *change, {{"cancelled", true}});
  }
  return json_response(404, {{"error", "no such endpoint"}});
}

HttpServerResponse ApiRoutes::conference(const HttpServerRequest& request, const std::vector<std::string>& path,
                                         const std::string& caller) {
  const std::string& id = path[2];
  const bool cancel = path[3] == "cancel";
  if (!cancel && path[3] != "record") return json_response(404, {{"error", "no such endpoint"}});
  const char* field = cancel ? "reason" : "markdown";
  const auto body = body_object(request);
  const std::string text = body ? string_member(*body, field) : std::string();
  if (text.empty()) {
    return json_response(422, {{"errors", errors_json({{field, cancel ? "required: a non-empty string saying why; it is "
                                                                         "part of the cancellation notice"
                                                                       : "required: the record (实录) as Markdown"}})}});
  }
  ConferenceAction action{.text = text};
  if (const auto draft = body->find("draft"); draft != body->end()) {
    if (!draft->is_boolean()) return json_response(422, {{"errors", errors_json({{"draft", "must be true or false"}})}});
    action.draft = draft->get<bool>();
  }
  action.approver = string_member(*body, "approver");
  if (const auto approved = body->find("approved"); approved != body->end()) {
    if (action.draft) {
      return json_response(422, {{"errors", errors_json({{"approved", "a draft request takes no signed draft: "
                                                                      "send one or the other"}})}});
    }
    if (!approved->is_object()) {
      return json_response(422, {{"errors", errors_json({{"approved", "must be the signed draft: the release "
                                                                      "object a draft request returned, with "
                                                                      "approval.signatures added"}})}});
    }
    auto signed_draft = read_release(approved->dump(), DocumentFormat::json);
    if (!signed_draft) {
      FieldErrors errors;
      for (const auto& e : signed_draft.error()) errors.push_back({"approved" + (e.path.empty() ? "" : "." + e.path), e.reason});
      return json_response(422, {{"id", id}, {"errors", errors_json(errors)}});
    }
    action.signed_draft = std::move(signed_draft->release);
  }
  Result<ConferenceActionResult> result;
  {
    std::lock_guard lock(ledger_mu_);
    const auto channels = channels_.get();
    const auto approval = approval_.get();
    result = cancel ? cancel_conference(*ledger_, *channels, *approval, id, action, unix_now_ms())
                    : record_conference(*ledger_, *channels, *approval, id, action, unix_now_ms());
  }
  if (!result) return json_response(503, {{"error", result.error().message}});
  if (action.draft) {
    if (auto refused = conference_refusal(*result, id, field, false)) return *refused;
    return json_response(200, {{"id", id}, {"draft", json::parse(to_json(*result->draft))}});
  }
  if (cancel && (result->cancelled > 0 || result->queued_now())) {
    log_.operator_action(operator_event("conference_cancel", caller, "api",
                                        {{"release", id}, {"reason", text}, {"cancelled", result->cancelled}}));
  }
  if (auto refused = conference_refusal(*result, id, field, action.signed_draft.has_value())) {
    // What would have been published was refused (unsigned, a signature that fails, the privacy screen):
    // ops see it in fabud's log as they see a refused submission.
    if (result->outcome == ConferenceActionOutcome::refused) {
      api::log_refused_submission(422, caller, result->release_id.empty() ? id : result->release_id, result->errors);
    }
    return *refused;
  }
  if (!cancel && result->queued_now()) {
    log_.operator_action(operator_event("conference_record", caller, "api", {{"release", id}, {"revision", result->revision}}));
  }
  json reply = {{"id", id}, {"deliveries", result->deliveries}, {"queued_before", result->queued_before}};
  if (cancel) {
    reply["cancelled"] = result->cancelled;
    reply["notice"] = result->release_id.empty() ? json() : json(result->release_id);
  } else {
    reply["record"] = result->release_id;
    reply["revision"] = result->revision;
  }
  return json_response(result->queued_now() ? 202 : 200, reply);
}

HttpServerResponse ApiRoutes::schedules(const HttpServerRequest& request) {
  const auto limit = api::limit_of(request, 100);
  if (!limit) return limit.error();
  Result<std::vector<ScheduledRelease>> due;
  {
    std::lock_guard lock(ledger_mu_);
    due = ledger_->scheduled(unix_now_ms(), *limit);
  }
  if (!due) return json_response(503, {{"error", due.error().message}});
  json out = json::array();
  for (const auto& s : *due) out.push_back({{"id", s.release_id}, {"due", shanghai(s.due_ms)}, {"due_ms", s.due_ms}});
  return json_response(200, {{"schedules", out}});
}

HttpServerResponse ApiRoutes::conference_calendar() {
  Result<std::vector<CalendarEvent>> events;
  {
    std::lock_guard lock(ledger_mu_);
    const auto channels = channels_.get();
    events = collect_calendar(*ledger_, [&](const Release& notice) { return channels->conference_settings(notice); }, 0);
  }
  if (!events) return json_response(503, {{"error", events.error().message}});
  HttpServerResponse response;
  response.content_type = "text/calendar; charset=utf-8";
  response.body = render_calendar(*events);
  return response;
}

}  // namespace fabu
