// The Lua scripts behind every DeliveryLedger state change.
//
// Each script is one atomic step of the delivery protocol (docs/PROTOCOL.md gives each one's
// atomicity argument). All scripts take the key base "<prefix>:{<prefix>}:" as ARGV[1] and build key
// names from it: every key shares the {<prefix>} hash tag, so a script only ever touches one Redis
// Cluster slot, and KEYS[1] (a key of that slot) lets a cluster client route the call.
// Times are unix milliseconds passed in by the caller, so every instance's scripts agree with the
// caller's clock and tests can move time.
#pragma once

#include "queue/redis_connection.h"

namespace fabu::lua {

// ARGV: base, intake entry id, release id, digest, json, not_before_ms, now_ms (0 = server TIME),
//       revision, link target ("<channel>|<destination>" or ""), n, m, 文号 (or ""), interprets (or ""),
//       the release's public link (or ""),
//       then n x (channel, destination, lane, waits_on) for a first admission,
//       then m x (channel, destination, lane, after, needs_link) for a correction (lua_correction.h).
// Returns {outcome, serial, admitted_ms}; outcome is "admitted", "corrected", "duplicate", "conflict"
// or "stale" (an older revision).
extern const RedisScript admit;
// ARGV: base, intake entry id, record JSON. Pushes the reject record and acknowledges the entry.
extern const RedisScript reject;
// ARGV: base, intake entry id, release id, payload, format, content digest, screen digest, matches
//       JSON, reason, now_ms (0 = server TIME). Returns {outcome, first_held_ms}; outcome is "held",
//       "updated" or "already_admitted".
extern const RedisScript hold;
// ARGV: base, n, then n x (lane, max_in_flight, per_hour, min_gap_ms, group ("" = none), group_per_hour).
extern const RedisScript set_lanes;
// ARGV: base, owner, max, now_ms, lease_ms, reap_limit, reclaim_delay_ms. Returns a flat array of 14 fields per claim:
//       id, lane, attempt, in_doubt, serial, admitted_ms, upstream post_id, upstream url, upstream note,
//       reason, previous post_id, previous url, previous note, the release's link (stored at admission).
//       The release, channel, destination, operation and revision are read from the id (DeliveryId).
extern const RedisScript claim;
inline constexpr int claim_fields = 14;
// ARGV: base, now_ms, n, then n x (id, attempt, outcome, post_id, url, note, error, error_kind,
//       next_at_ms, maybe_sent), then r, then r x (index of a completion, the 8 reach_post_args of its
//       post): entered in the reach book when that completion is applied as delivered. Returns one
//       integer per completion: 1 applied, 0 stale.
extern const RedisScript complete;
inline constexpr int completion_fields = 10;
// ARGV: base, delivery id, now_ms. Returns 1 when requeued, 0 when it was not a live dead letter.
extern const RedisScript retry_dead;
// ARGV: base, delivery id. Returns 1 when dropped from the dead letters, 0 when it was not there.
extern const RedisScript drop_dead;
// ARGV: base, lane, now_ms. Clears the parking and requeues the lane's held deliveries.
extern const RedisScript unpark_lane;
// ARGV: base, release id, reason, now_ms. Returns {outcome, cancelled, retractions queued, retractions
// waiting for a send in flight}; outcome is "retracting", "already" or "unknown".
extern const RedisScript retract;
// ARGV: base, release id, "cancel" | "reschedule", new due ms, now_ms. Returns {outcome, detail}:
// "cancelled"/"rescheduled" with the number of deliveries, "unknown", "closed" with the release's
// state, or "started" with the id of a delivery already under way.
extern const RedisScript change_schedule;
// ARGV: base, cutoff ms, limit. Removes settled releases (lua_lifecycle.cpp); returns how many.
extern const RedisScript expire_settled;
// ARGV: base. Packs one chunk of a settled release (lua_lifecycle.cpp); returns {packed, releases left}.
extern const RedisScript pack_settled;
// ARGV: base, lane, override JSON. Stores the lane's token override, bumps `tokens_version`.
// Returns how many deliveries the lane holds in needs_auth.
extern const RedisScript set_token;
// ARGV: base, now_ms, cap. Returns {queued, retrying, needs_auth, due, oldest due ms (-1 = none),
// sending, scheduled releases, dead letters, held releases} (QueueDepths); lua_queries.cpp.
extern const RedisScript queue_depths;
// ARGV: base, release id ("" = none), then delivery ids. Reads the release's deliveries (when named)
// and the ids given, in either form (lua_settled.h). Returns (id, HGETALL-shaped array) pairs, flat;
// unknown ids are left out. lua_queries.cpp.
extern const RedisScript read_deliveries;

// ARGV: base, instance name, token ("<name>:<epoch>"), lease ms. Renews the instance's liveness key
// and takes free lanes up to its share, or hands back idle lanes above it (lua_owners.cpp). Returns
// {lanes owned, taken, handed back, live instances, lanes}.
extern const RedisScript own_lanes;
// ARGV: base, instance name, token. Hands back every lane the token owns and ends its liveness (a
// clean stop; the name is not used). Returns how many lanes it held.
extern const RedisScript disown_lanes;
// ARGV: base. Every owned lane: (lane, instance name, "1" when that instance is alive), flat.
extern const RedisScript lane_owners;
// ARGV: base. Every live ownership: (instance name, lanes it owns), flat.
extern const RedisScript owned_counts;

}  // namespace fabu::lua
