// Finding fabu's own statuses on an account's timeline (statuses/user_timeline): how an uncertain
// post is reconciled, how a post without a recorded id is found, and whether a post is still there.
//
// StatusMatch and matches() are pure and thread-safe. The lookups run asynchronously on the
// transport's threads and report exactly once through their callback; nothing here blocks or logs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "adapters/weibo/weibo_reply.h"

namespace fabu::weibo {

// What identifies one of our statuses among an account's statuses.
struct StatusMatch {
  // A repost: ours reposts `repost_of`; with no repost_of, ours reposts a status that passes the text
  // rules below (the lead's post, found by the release's link).
  bool repost = false;
  std::string repost_of;
  // The text rules (for a share: its own text; for a repost without repost_of: the reposted text).
  std::string link;              // the release's link, unique per release
  bool link_identifies = true;   // a status containing `link` is ours; false where several do (更正 notes)
  std::string text;              // the exact text sent; also matched up to the link (the platform
                                 // shortens links to t.cn)
  bool correction_note = false;  // ours is a 更正 note (starts with kCorrectionMark); otherwise it is not
  std::string not_id;            // never this status, nor (repost) a repost of it: the one being replaced
  std::string not_text;          // never a status with this text: the replacement of the one sought
  // When the release was admitted (unix ms; 0: unknown). Ours was created after it, so a status the
  // text rules accept only by its wording up to the link (the platform shortened the link) is not ours
  // when its created_at is older than this by more than kCreatedAtSkewMs: two releases with the same
  // title and summary read alike once their links are shortened. A status whose created_at cannot be
  // read is judged by its text alone.
  std::int64_t admitted_ms = 0;
};

// How far the platform's clock may be behind the clock that stamped the admission.
inline constexpr std::int64_t kCreatedAtSkewMs = 5 * 60 * 1000;

bool matches(const StatusMatch& match, const nlohmann::json& status);

// What a search found: an error, or whether (and under which id) the status is there.
// A plain struct rather than Result<optional<string>>, which trips g++ 12's maybe-uninitialized.
struct Lookup {
  std::optional<Error> error;
  std::optional<std::string> post_id;
};
using LookupCallback = std::function<void(Lookup)>;

// Looks for the newest status that `match` accepts among the account's latest 100.
void find_on_timeline(const AccountCall& call, StatusMatch match, LookupCallback then);

enum class Presence {
  present,  // the status is on the account's timeline
  gone,     // the timeline shows an older status in its place: deleted
  unknown,  // older than anything the timeline still shows
};
struct PresenceCheck {
  std::optional<Error> error;
  Presence presence = Presence::unknown;
};

// Whether status `post_id` is still on the account, read as the timeline at and below that id
// (max_id, count 1): exact however old the post, and one small read.
void check_presence(const AccountCall& call, const std::string& post_id, std::function<void(PresenceCheck)> then);

}  // namespace fabu::weibo
