// Release: one approved press release, as the press office wrote it, before any channel formats it.
//
// Humans write releases as TOML files, machines send JSON; both parse into the same Release and pass
// the same structural validation. Validation here needs no config and does no I/O: whether a target
// names a known account is decided later by the channel that owns it (see adapters/adapter.h).
// A Release is an immutable value once parsed; share it freely across threads as `const`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace fabu {

enum class ReleaseKind { news, policy_interpretation, notice, conference, emergency };

// 公开属性. Only `proactive` (主动公开) releases may be distributed.
enum class Disclosure { proactive, on_request, withheld };

std::string_view to_string(ReleaseKind kind);
std::string_view to_string(Disclosure d);  // the Chinese term, e.g. "主动公开"

// A calendar date, ISO `YYYY-MM-DD`.
struct Date {
  int year = 0, month = 0, day = 0;
  std::string iso() const;
  friend auto operator<=>(const Date&, const Date&) = default;  // earlier dates first
};

// A point in time given with its UTC offset, ISO 8601 `YYYY-MM-DDTHH:MM:SS+08:00`.
struct Timestamp {
  std::int64_t unix_seconds = 0;
  int utc_offset_minutes = 0;  // kept so that what is shown to people uses the writer's local time
  std::string iso() const;
  // The calendar day this instant falls on in its own offset (the day its writer dated it).
  Date local_date() const;
  // The same instant as Asia/Shanghai shows it (UTC+8 all year): how fabu shows times to people.
  static Timestamp in_shanghai(std::int64_t unix_seconds) { return {unix_seconds, 8 * 60}; }
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

// One reviewer's Ed25519 signature of the release (docs/PROTOCOL.md, "Approval signatures").
// Parsing checks only its shape; core/approval.h decides whether it verifies.
struct ApprovalSignature {
  std::string key_id;     // names a key of the config's [[approval.keys]]
  std::string role;       // the review level signed for, e.g. 内容审核
  Timestamp signed_at;
  std::string signature;  // base64 of the 64-byte signature
  // Hex digest of a privacy-screen result this signer overrides (carried and verified, not judged here).
  std::optional<std::string> override_screen;
  friend bool operator==(const ApprovalSignature&, const ApprovalSignature&) = default;
};

// 先审后发: who approved the release and when, and the reviewers' signatures.
struct Approval {
  std::string approver;  // display name; what authorises is the signatures
  Timestamp approved_at;
  std::vector<ApprovalSignature> signatures;
  friend bool operator==(const Approval&, const Approval&) = default;
};

// A press conference (新闻发布会) a `conference` release announces (docs/DOMAIN: organiser, date with
// weekday and time, venue, spokespersons with full titles, topic, how to attend, livestream).
struct Livestream {
  std::string provider;  // who streams it, e.g. 临沂发布
  std::string url;       // http(s) link to the stream
  friend bool operator==(const Livestream&, const Livestream&) = default;
};

struct ConferenceDetails {
  std::string organiser;                    // 主办单位
  Timestamp starts_at;
  Timestamp ends_at;                        // after starts_at
  std::string venue;                        // 地点
  std::string topic;                        // 主题
  std::vector<std::string> spokespersons;   // roster ids ([[spokespersons]]), checked at intake; at least one
  std::string registration;                 // how news organisations attend (报名方式)
  Livestream livestream;
  std::optional<std::string> live_text;     // 图文直播 page (http/https), optional
  friend bool operator==(const ConferenceDetails&, const ConferenceDetails&) = default;
};

struct Release {
  std::string id;  // chosen by the press office; the idempotency key. [A-Za-z0-9._-], 1..64 bytes
  ReleaseKind kind = ReleaseKind::news;
  std::string title;
  std::string summary;   // microblog text (formatted and shortened per channel)
  std::string body;      // Markdown, rendered by the portal
  std::string abstract;  // 内容概述 for the portal catalogue (<= 300 characters); defaults to summary
  std::string issuer;    // 发布机构, full name
  std::optional<std::string> doc_number;  // 文号, e.g. 临政办发〔2026〕12号
  Date formed_at;                         // 生成日期
  Disclosure disclosure = Disclosure::proactive;
  std::vector<std::string> subjects;      // 主题分类, e.g. 综合政务\政务公开
  std::optional<std::string> interprets;  // id of the document a policy interpretation explains
  std::optional<std::string> link;        // explicit link for microblog posts when no portal is targeted
  std::vector<std::string> images;        // local file paths readable by fabud
  std::optional<Timestamp> publish_at;    // not before this time; absent = as soon as possible
  // 1 for the release as first issued; a correction is the same id with a higher revision and a note
  // saying what changed (docs/PROTOCOL.md, "Corrections"). Revisions only move forward.
  int revision = 1;
  std::string change_note;                // required when revision > 1 (<= 200 characters)
  // 废止: a correction (revision > 1) may say the document is repealed from a date, and by which
  // document. The portal keeps its page, marked repealed (有效性); Weibo posts nothing for it.
  std::optional<Date> repealed_on;
  std::optional<std::string> repealed_by;  // 文号 of the repealing document; only with repealed_on
  // channel name -> target names in that channel (accounts, groups, "all", columns).
  std::map<std::string, std::vector<std::string>> targets;
  Approval approval;
  // Present exactly for kind = conference (the `conference` table).
  std::optional<ConferenceDetails> conference;
  friend bool operator==(const Release&, const Release&) = default;
};

// One problem with one field. `path` is the dotted path of the field as the writer sees it,
// e.g. "targets.microblog[1]" or "approval.approved_at"; empty for the document as a whole.
struct FieldError {
  std::string path;
  std::string reason;
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

using FieldErrors = std::vector<FieldError>;

// "path: reason; path: reason" for logs and single-line messages.
std::string join(const FieldErrors& errors);

// Size limits, documented in README. Exceeding one is a FieldError naming the field.
struct ReleaseLimits {
  static constexpr std::size_t id_bytes = 64;
  static constexpr std::size_t title_chars = 200;
  static constexpr std::size_t summary_chars = 2000;
  static constexpr std::size_t abstract_chars = 300;
  static constexpr std::size_t body_bytes = 256 * 1024;
  static constexpr std::size_t short_field_chars = 200;  // issuer, doc_number, subject, approver,
                                                          // interprets, each target name
  static constexpr std::size_t link_chars = 2048;        // link, each image path
  static constexpr std::size_t signature_bytes = 256;       // each signature's base64 text
  static constexpr std::size_t override_screen_bytes = 128;  // a hex digest
  static constexpr std::size_t max_signatures = 16;
  static constexpr std::size_t max_subjects = 16;
  static constexpr std::size_t max_images = 9;
  static constexpr std::size_t max_channels = 16;
  static constexpr std::size_t max_targets_per_channel = 2000;
  static constexpr std::size_t document_bytes = 512 * 1024;
  static constexpr int max_revision = 9999;
  static constexpr std::size_t max_spokespersons = 16;
};

// Parse and validate. On failure every problem found is returned, not just the first.
// Unknown fields, invalid UTF-8, control characters (other than \n and \t in body/summary/abstract)
// and over-limit fields are errors. A non-proactive disclosure is an error ("only 主动公开 (proactive)
// releases may be distributed"). Dates may be TOML native dates or "YYYY-MM-DD" strings; timestamps
// TOML native offset date-times or ISO 8601 strings, always with a UTC offset. In JSON, null is the
// same as an absent field. A document over ReleaseLimits::document_bytes is rejected unread.
std::expected<Release, FieldErrors> parse_release_toml(std::string_view text);
std::expected<Release, FieldErrors> parse_release_json(std::string_view text);

enum class DocumentFormat { json, toml };

// A valid release together with the exact bytes its signatures cover, read in one pass.
struct SubmittedRelease {
  Release release;
  // RFC 8785 canonical JSON of the document as submitted (a TOML document mapped to JSON as
  // docs/PROTOCOL.md says): what `fabuctl submit` queues, and it verifies like the original.
  std::string canonical_document;
  // signed_messages[i]: the bytes release.approval.signatures[i] signs, i.e. the canonical document
  // with approval.signatures replaced by [that entry without its `signature` member].
  std::vector<std::string> signed_messages;
};
std::expected<SubmittedRelease, FieldErrors> read_release(std::string_view text, DocumentFormat format);

// The bytes a new signature entry would sign if it were added to this document (`fabuctl approve`).
// `entry.signature` is ignored. The document must be a valid release.
std::expected<std::string, FieldErrors> message_to_sign(std::string_view text, DocumentFormat format,
                                                        const ApprovalSignature& entry);

// Canonical JSON of a release: sorted keys, no whitespace, so equal releases give equal bytes.
// Absent optionals, an empty body and an empty signature list are left out; parse_release_json reads it back equal.
std::string to_json(const Release& release);

// Hex SHA-256 of to_json(release); two submissions with the same id and different digests conflict.
std::string content_digest(const Release& release);
// content_digest() of the release with its approval signatures left out, without copying it.
std::string unsigned_content_digest(const Release& release);

}  // namespace fabu
