// Conference actions: an operator cancels a press conference or publishes its record (实录), the same
// whether fabuctl (cli/conference.cpp) or the HTTP API (api_lifecycle.cpp) asks.
//
// Cancelling cancels every step not yet started and, when anything went out, admits the cancellation
// notice (`<id>.cancelled`, now, on the notice's channels). A record is admitted as `<id>.record` on the
// portal's columns; a record with other content than the one stored is its correction (next revision).
// The operator's text (the reason, the record) passes the same privacy screen as every release: a match
// that would hold a release refuses the action. What the derived release repeats from the notice does
// not: it was admitted with the notice (under an override naming its screen digest, or before [screen]
// changed), and the operator cannot change it.
//
// 先审后发 holds for what these actions publish too. With `[approval] require_signature` (the default)
// the derived release goes out only with the reviewers' signatures over it: a `draft` action returns
// the release it would publish (its approval naming the approver, approved now, no signatures), the
// reviewers sign that draft (`fabuctl approve`), and the action is run again with the signed draft,
// which must be the very release the action derives then. The derived release is stored with those
// signatures. A cancel needs them only when it publishes a notice (something had gone out).
// A cancel is screened and its approval checked before any step is cancelled, so a refused cancel
// changes nothing.
//
// Thread rules: free functions; the ledger is the caller's connection (one per thread), the channels a
// snapshot the caller holds for the call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/approval.h"
#include "core/release.h"
#include "core/screen.h"
#include "daemon/channel_set.h"
#include "queue/delivery_ledger.h"

namespace fabu {

enum class ConferenceActionOutcome {
  done,      // the action happened; the counts say what it changed
  unknown,   // no conference with that id was admitted
  closed,    // cancel: nothing was left to cancel and nothing had gone out (cancelled or retracted already)
  refused,   // the derived release was refused (`errors`; `screened` when by the privacy screen); nothing queued
  conflict,  // the derived release's id is stored with other content (see the rejects)
};

struct ConferenceActionResult {
  ConferenceActionOutcome outcome = ConferenceActionOutcome::done;
  int cancelled = 0;           // cancel: steps cancelled before they went out
  std::string release_id;      // the derived release, when one was due: <id>.cancelled or <id>.record
  int revision = 0;            // its revision
  std::size_t deliveries = 0;  // its deliveries, when admitted now
  bool queued_before = false;  // it was admitted before with the same content: nothing changed
  bool screened = false;       // refused by the privacy screen: `errors` name the fields, numbers masked
  bool unapproved = false;     // refused for want of valid signatures (`errors` say which)
  FieldErrors errors;          // refused: each problem (path = the derived release's field, or for the
                               // privacy screen "reason" / "markdown" when in the operator's text)
  std::optional<Release> draft;  // a draft action: the release to sign (outcome done, nothing changed)

  // True when the derived release was admitted by this call.
  bool queued_now() const { return outcome == ConferenceActionOutcome::done && !release_id.empty() && !queued_before; }
};

// The holding screen matches that refuse an action deriving `derived` from `notice` with the operator's
// `text` (named `field`: "reason", "markdown"): every one in `text` (read as a release body is, Markdown
// included), else every one in `derived` that `notice` does not hold too (same kind, same masked form).
std::vector<ScreenMatch> refusing_matches(const Release& derived, const Release& notice, std::string_view text,
                                          std::string_view field, const ScreenPolicy& policy);

// What an operator asks for, beside the conference's id.
struct ConferenceAction {
  std::string text;                    // the cancellation's reason, or the record's Markdown
  bool draft = false;                  // derive and screen only: the result's `draft` is what would go out
  std::string approver;                // a draft's approval.approver; empty: the notice's approver
  std::optional<Release> signed_draft;  // the reviewers' signed draft, when given
};

// Fails only when Redis does (the result says what happened otherwise). `policy` is [approval].
Result<ConferenceActionResult> cancel_conference(DeliveryLedger& ledger, const ChannelSet& channels,
                                                 const ApprovalPolicy& policy, const std::string& id,
                                                 const ConferenceAction& action, std::int64_t now_ms);
Result<ConferenceActionResult> record_conference(DeliveryLedger& ledger, const ChannelSet& channels,
                                                 const ApprovalPolicy& policy, const std::string& id,
                                                 const ConferenceAction& action, std::int64_t now_ms);

}  // namespace fabu
