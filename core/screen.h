// Screen: the pre-publication privacy and wording check (《政府信息公开条例》 Art. 15: personal data in a
// release must be caught before it goes out).
//
// screen_release() scans the text fields of a Release for resident ID numbers (GB 11643, 18 and 15
// digits), mainland mobile numbers, bank card numbers (Luhn), unified social credit codes (GB 32100,
// a warning only: they name companies and are meant to be public) and the office's sensitive terms.
// A match never carries the matched text: only its place and a masked form (`110105********002X`), so
// a ScreenResult may be logged, stored and shown as it is.
//
// decide_screen() is the intake's step: a release with holding matches is held unless a verified
// override signature names the result's digest. Everything here is pure (no I/O, no clock) and
// thread-safe; a ScreenPolicy is an immutable value taken from the config snapshot.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/release.h"

namespace fabu {

enum class ScreenKind { resident_id, resident_id_15, mobile, bank_card, credit_code, sensitive_term };
std::string_view to_string(ScreenKind kind);  // "resident_id", "mobile", ...
std::optional<ScreenKind> screen_kind_from(std::string_view name);

// What a unified social credit code found in a release does.
enum class CreditCodeMode { warn, ignore };

// `[screen]` of fabu.toml, validated once by config/.
struct ScreenPolicy {
  bool enabled = true;
  std::vector<std::string> sensitive_terms;  // matched byte for byte (case-sensitive)
  // Numbers published on purpose (hotlines): a match whose digits equal one of these, separators
  // ignored, is not reported. "0539-12345" and "053912345" are the same number.
  std::vector<std::string> public_numbers;
  // Roles whose verified signature may override a held result. Empty: nobody may override.
  std::vector<std::string> override_roles{"保密审查"};
  CreditCodeMode credit_codes = CreditCodeMode::warn;
};

struct ScreenMatch {
  ScreenKind kind = ScreenKind::mobile;
  std::string field;        // "title", "summary", "body", "conference.venue", ..., "body as shown"
  std::size_t offset = 0;   // byte offset of the match in that field (UTF-8)
  std::size_t length = 0;   // bytes the match spans there, separators included
  std::string masked;       // e.g. "138****5678"; the configured term for sensitive_term
  bool holds = true;        // false for a warning (credit_code)
  friend bool operator==(const ScreenMatch&, const ScreenMatch&) = default;
};

struct ScreenResult {
  // content_digest() of the release screened, its signatures left out. Only taken when something
  // matched: a release with no match has no digest to override or to record (empty then).
  std::string content_digest;
  std::vector<ScreenMatch> matches;  // in field order, then by offset

  // True when any match holds the release.
  bool holds() const;
  // Hex SHA-256 over "fabu-screen-v1", the content digest and every holding match's kind, field,
  // offset and length, one per line. An override signature names this value; a changed release
  // (or a changed match list) gives another digest, so an old override never covers new content.
  std::string digest() const;
};

// "mobile in summary at byte 12: 138****5678": how logs, the CLI and the API name a screen match
// (masked; a warning says so: "credit_code (warning) in ...").
std::string describe_match(const ScreenMatch& match);

// Why `text`, published as `field` outside a release (a retraction's reason, on the portal's
// withdrawal notice), may not be: its holding matches, masked; nullopt when none holds or the screen
// is off. A release has overrides; a text like this is simply said again without the number.
std::optional<std::string> screen_refusal(std::string_view text, std::string_view field, const ScreenPolicy& policy);

// The digits the screen reads in `text`, in order, as ASCII: digits of every form it knows, the
// Chinese numerals included. For checking a match's span (the fuzz target does).
std::string screen_digits(std::string_view text);

// The matches in one piece of text, reported against `field`. Exposed for tests and for channels
// that screen text of their own.
std::vector<ScreenMatch> screen_text(std::string_view text, std::string_view field, const ScreenPolicy& policy);

// Screens every published text of the release: title, summary, body, issuer, change_note, abstract
// (when not the summary), doc_number, link, subjects and a conference's organiser, venue, topic,
// registration, livestream and live_text, each under its field path; and the body as its Markdown is
// shown (what only that finds is reported under "body as shown"). A disabled policy finds nothing.
ScreenResult screen_release(const Release& release, const ScreenPolicy& policy);

// [{"kind","field","offset","length","masked","holds"}, ...]. Reading skips any entry that does not
// have that shape (records in Redis may have been written by anyone with access).
std::string screen_matches_json(const std::vector<ScreenMatch>& matches);
std::vector<ScreenMatch> screen_matches_from_json(std::string_view text);

// A signature verified at intake that says "publish despite the screen result with this digest".
struct VerifiedOverride {
  std::string key_id;
  std::string role;
  std::string digest;
};

enum class ScreenVerdict { admit, held };

struct ScreenDecision {
  ScreenVerdict verdict = ScreenVerdict::admit;
  std::string reason;                       // one line for logs and the held record
  std::optional<VerifiedOverride> override_by;  // the override that admitted a result with hits
};

// admit: the policy is disabled, no match holds, or an override by one of policy.override_roles
// names result.digest(). held otherwise; the reason says why an offered override did not count.
ScreenDecision decide_screen(const ScreenResult& result, const std::vector<VerifiedOverride>& overrides,
                             const ScreenPolicy& policy);

}  // namespace fabu
