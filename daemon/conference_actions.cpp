#include "daemon/conference_actions.h"

#include <algorithm>

#include "core/conference.h"
#include "core/screen.h"
#include "daemon/planner.h"

namespace fabu {
namespace {

// The conference's notice as stored; nullopt when `id` names no conference.
Result<std::optional<Release>> stored_notice(DeliveryLedger& ledger, const std::string& id) {
  auto json = ledger.release_json(id);
  if (!json) return fail(json.error());
  if (!*json) return std::optional<Release>{};
  auto notice = parse_release_json(**json);
  if (!notice || !notice->conference) return std::optional<Release>{};
  return std::optional<Release>(std::move(*notice));
}

// The answer when stored_notice() found no conference, or Redis failed.
Result<ConferenceActionResult> unknown_or_failure(const Result<std::optional<Release>>& notice) {
  if (!notice) return fail(notice.error());
  return ConferenceActionResult{.outcome = ConferenceActionOutcome::unknown};
}

// False (and `result` refused, naming the matches masked) when refusing_matches() finds any.
bool passes_screen(const Release& derived, const Release& notice, std::string_view text, std::string_view field,
                   const ChannelSet& channels, ConferenceActionResult& result) {
  const auto refusing = refusing_matches(derived, notice, text, field, channels.screen());
  if (refusing.empty()) return true;
  result.outcome = ConferenceActionOutcome::refused;
  result.screened = true;
  result.release_id = derived.id;
  for (const auto& m : refusing) result.errors.push_back({m.field, std::string(to_string(m.kind)) + " " + m.masked});
  return false;
}

// Plans and admits a release derived from a conference (screened already), into `result`.
Result<void> admit_derived(DeliveryLedger& ledger, const ChannelSet& channels, const Release& release,
                           std::int64_t now_ms, ConferenceActionResult& result) {
  result.release_id = release.id;
  result.revision = release.revision;
  auto plan = plan_derived(release, channels);
  if (!plan) {
    result.outcome = ConferenceActionOutcome::refused;
    result.errors = std::move(plan.error());
    return {};
  }
  plan->now_ms = now_ms;
  auto admitted = ledger.admit(*plan);
  if (!admitted) return fail(admitted.error());
  if (admitted->outcome == AdmitOutcome::conflict || admitted->outcome == AdmitOutcome::stale) {
    result.outcome = ConferenceActionOutcome::conflict;
    return {};
  }
  result.queued_before = admitted->outcome == AdmitOutcome::duplicate;
  result.deliveries = result.queued_before ? 0 : plan->deliveries.size();
  return {};
}

}  // namespace

std::vector<ScreenMatch> refusing_matches(const Release& derived, const Release& notice, std::string_view text,
                                          std::string_view field, const ScreenPolicy& policy) {
  std::vector<ScreenMatch> refusing;
  Release alone;
  alone.body = std::string(text);
  for (auto& m : screen_release(alone, policy).matches) {
    if (!m.holds) continue;
    m.field = std::string(field);
    refusing.push_back(std::move(m));
  }
  if (!refusing.empty()) return refusing;
  const ScreenResult screen = screen_release(derived, policy);
  if (!screen.holds()) return refusing;
  const ScreenResult approved = screen_release(notice, policy);
  for (const auto& m : screen.matches) {
    if (!m.holds) continue;
    const bool in_notice = std::ranges::any_of(approved.matches, [&](const ScreenMatch& n) {
      return n.holds && n.kind == m.kind && n.masked == m.masked;
    });
    if (!in_notice) refusing.push_back(m);
  }
  return refusing;
}

Result<ConferenceActionResult> cancel_conference(DeliveryLedger& ledger, const ChannelSet& channels,
                                                 const std::string& id, std::string_view reason, std::int64_t now_ms) {
  auto notice = stored_notice(ledger, id);
  if (!notice || !*notice) return unknown_or_failure(notice);
  ConferenceActionResult result;
  // The reason is screened before anything changes: a refused cancel leaves the conference as it was.
  const Release cancellation = conference_cancellation(**notice, reason, channels.conference_settings(**notice));
  if (!passes_screen(cancellation, **notice, reason, "reason", channels, result)) return result;
  int out = 0, closed = 0;
  for (ConferenceStep step : {ConferenceStep::live, ConferenceStep::reminder, ConferenceStep::notice}) {
    auto change = ledger.cancel_schedule(step_release_id(id, step), now_ms);
    if (!change) return fail(change.error());
    result.cancelled += change->outcome == ScheduleOutcome::changed ? 1 : 0;
    out += change->outcome == ScheduleOutcome::started ? 1 : 0;
    closed += change->outcome == ScheduleOutcome::closed ? 1 : 0;
  }
  if (out == 0) {  // nothing went out: no notice is needed
    if (result.cancelled == 0 && closed > 0) result.outcome = ConferenceActionOutcome::closed;
    return result;
  }
  if (auto admitted = admit_derived(ledger, channels, cancellation, now_ms, result); !admitted) {
    return fail(admitted.error());
  }
  return result;
}

Result<ConferenceActionResult> record_conference(DeliveryLedger& ledger, const ChannelSet& channels,
                                                 const std::string& id, std::string_view markdown,
                                                 std::int64_t now_ms) {
  auto notice = stored_notice(ledger, id);
  if (!notice || !*notice) return unknown_or_failure(notice);
  ConferenceActionResult result;
  Release record = conference_record(**notice, markdown, channels.conference_settings(**notice));
  if (record.targets.empty()) {
    result.outcome = ConferenceActionOutcome::refused;
    result.errors.push_back({"targets", "conference " + id + " targets no portal column: the record has nowhere to go"});
    return result;
  }
  // A record published before with other content: this one corrects it.
  auto stored_json = ledger.release_json(record.id);
  if (!stored_json) return fail(stored_json.error());
  auto stored = *stored_json ? parse_release_json(**stored_json) : std::unexpected(FieldErrors{});
  if (stored) {
    Release same = *stored;
    same.revision = 1;
    same.change_note.clear();
    if (same != record) {
      record.revision = stored->revision + 1;
      record.change_note = "实录更新";
    } else {
      record = *stored;
    }
  }
  if (!passes_screen(record, **notice, markdown, "markdown", channels, result)) return result;
  if (auto admitted = admit_derived(ledger, channels, record, now_ms, result); !admitted) return fail(admitted.error());
  return result;
}

}  // namespace fabu
