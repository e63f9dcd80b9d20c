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

// `a` and `b` are the same release, their approval blocks aside.
bool same_but_approval(Release a, const Release& b) {
  a.approval = b.approval;
  return a == b;
}

// The stored release of `derived`'s id when it has the same content (approval aside): a derived release
// admitted before, under whatever approval it went out with. nullopt when none or another.
Result<std::optional<Release>> stored_same(DeliveryLedger& ledger, const Release& derived) {
  auto json = ledger.release_json(derived.id);
  if (!json) return fail(json.error());
  if (!*json) return std::optional<Release>{};
  auto stored = parse_release_json(**json);
  if (!stored || !same_but_approval(*stored, derived)) return std::optional<Release>{};
  return std::optional<Release>(std::move(*stored));
}

// The release to sign: `derived` with an approval naming the approver, approved now, unsigned.
Release draft_of(Release derived, const Release& notice, const ConferenceAction& action, std::int64_t now_ms) {
  derived.approval = Approval{action.approver.empty() ? notice.approval.approver : action.approver,
                              Timestamp::in_shanghai(now_ms / 1000), {}};
  return derived;
}

void refuse(ConferenceActionResult& result, const Release& derived, FieldErrors errors) {
  result.outcome = ConferenceActionOutcome::refused;
  result.unapproved = true;
  result.release_id = derived.id;
  result.errors = std::move(errors);
}

// 先审后发 for a derived release about to go out: false (and `result` refused) unless the action carries
// the reviewers' signed draft of exactly `derived`, or the policy takes unsigned releases. On success
// `derived` carries the signed draft's approval. `what`: "the cancellation notice", "the record".
bool approved(Release& derived, const ConferenceAction& action, const ApprovalPolicy& policy, std::int64_t now_ms,
              std::string_view what, ConferenceActionResult& result) {
  if (!action.signed_draft) {
    if (!policy.require_signature) return true;
    std::string roles;
    for (const auto& role : policy.required_roles) roles += (roles.empty() ? "" : ", ") + role;
    refuse(result, derived,
           {{"approval.signatures", std::string(what) + " is published text and goes out only with the reviewers' "
                                    "signatures (required roles: " + (roles.empty() ? "none" : roles) +
                                    "): have its draft signed (fabuctl: --draft FILE, `fabuctl approve` FILE, then "
                                    "--approved FILE; the API: \"draft\": true, then \"approved\": the signed "
                                    "draft)"}});
    return false;
  }
  const Release& signed_draft = *action.signed_draft;
  if (signed_draft.id != derived.id) {
    refuse(result, derived, {{"approved", "is the draft of " + signed_draft.id + ", not of " + derived.id}});
    return false;
  }
  if (!same_but_approval(signed_draft, derived)) {
    refuse(result, derived,
           {{"approved", "is not " + std::string(what) + " this action publishes now (the text, the conference's "
                         "notice or the stored record changed since it was drafted): draft it again and have it "
                         "signed"}});
    return false;
  }
  derived.approval = signed_draft.approval;
  auto verified = verify_approval(derived, policy, now_ms / 1000);
  if (!verified) {
    refuse(result, derived, std::move(verified.error()));
    return false;
  }
  return true;
}

// True when a step of conference `id` still open has begun to go out: what makes the cancel script
// answer `started` for it, read without changing anything.
Result<bool> any_step_out(DeliveryLedger& ledger, const std::string& id) {
  for (ConferenceStep step : {ConferenceStep::live, ConferenceStep::reminder, ConferenceStep::notice}) {
    const std::string release_id = step_release_id(id, step);
    auto record = ledger.release_record(release_id);
    if (!record) return fail(record.error());
    if (!*record || (*record)->state != "live") continue;
    auto deliveries = ledger.deliveries_of(release_id);
    if (!deliveries) return fail(deliveries.error());
    for (const auto& d : *deliveries) {
      const bool untouched = d.state == DeliveryState::queued || d.state == DeliveryState::waiting ||
                             d.state == DeliveryState::cancelled;
      if (!untouched || d.attempt > 0 || d.in_doubt) return true;
    }
  }
  return false;
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
                                                 const ApprovalPolicy& policy, const std::string& id,
                                                 const ConferenceAction& action, std::int64_t now_ms) {
  auto notice = stored_notice(ledger, id);
  if (!notice || !*notice) return unknown_or_failure(notice);
  ConferenceActionResult result;
  // The reason is screened and the cancellation notice's signatures checked before anything changes: a
  // refused cancel leaves the conference as it was.
  Release cancellation = conference_cancellation(**notice, action.text, channels.conference_settings(**notice));
  if (!passes_screen(cancellation, **notice, action.text, "reason", channels, result)) return result;
  auto stored = stored_same(ledger, cancellation);
  if (!stored) return fail(stored.error());
  if (action.draft) {
    result.release_id = cancellation.id;
    result.draft = draft_of(*stored ? **stored : cancellation, **notice, action, now_ms);
    return result;
  }
  bool signed_now = false;  // the notice may go out: admitted before, signed, or unsigned allowed
  if (*stored) {
    cancellation = std::move(**stored);
    signed_now = true;
  } else if (action.signed_draft || !policy.require_signature) {
    if (!approved(cancellation, action, policy, now_ms, "the cancellation notice", result)) return result;
    signed_now = true;
  } else {
    // Unsigned: fine as long as no notice is needed, i.e. nothing of the conference went out.
    auto out = any_step_out(ledger, id);
    if (!out) return fail(out.error());
    if (*out && !approved(cancellation, action, policy, now_ms, "the cancellation notice", result)) return result;
  }
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
  // A step began to go out between the look above and the cancel: the notice now needs the signatures.
  // The steps stay cancelled; running the cancel again with the signed draft publishes the notice.
  if (!signed_now && !approved(cancellation, action, policy, now_ms, "the cancellation notice", result)) {
    return result;
  }
  if (auto admitted = admit_derived(ledger, channels, cancellation, now_ms, result); !admitted) {
    return fail(admitted.error());
  }
  return result;
}

Result<ConferenceActionResult> record_conference(DeliveryLedger& ledger, const ChannelSet& channels,
                                                 const ApprovalPolicy& policy, const std::string& id,
                                                 const ConferenceAction& action, std::int64_t now_ms) {
  auto notice = stored_notice(ledger, id);
  if (!notice || !*notice) return unknown_or_failure(notice);
  ConferenceActionResult result;
  Release record = conference_record(**notice, action.text, channels.conference_settings(**notice));
  if (record.targets.empty()) {
    result.outcome = ConferenceActionOutcome::refused;
    result.errors.push_back({"targets", "conference " + id + " targets no portal column: the record has nowhere to go"});
    return result;
  }
  // A record published before with other content: this one corrects it.
  auto stored_json = ledger.release_json(record.id);
  if (!stored_json) return fail(stored_json.error());
  auto stored = *stored_json ? parse_release_json(**stored_json) : std::unexpected(FieldErrors{});
  bool published_before = false;
  if (stored) {
    Release same = *stored;
    same.revision = 1;
    same.change_note.clear();
    if (!same_but_approval(same, record)) {
      record.revision = stored->revision + 1;
      record.change_note = "实录更新";
    } else {
      record = *stored;
      published_before = true;
    }
  }
  if (!passes_screen(record, **notice, action.text, "markdown", channels, result)) return result;
  if (action.draft) {
    result.release_id = record.id;
    result.revision = record.revision;
    result.draft = draft_of(record, **notice, action, now_ms);
    return result;
  }
  if (!published_before && !approved(record, action, policy, now_ms, "the record", result)) return result;
  if (auto admitted = admit_derived(ledger, channels, record, now_ms, result); !admitted) return fail(admitted.error());
  return result;
}

}  // namespace fabu
