// DeliveryLedger: every piece of fabu's state that lives in Redis, behind one typed interface.
//
// The intake is a Redis Stream read through a consumer group, so a release read but not yet admitted
// stays pending and is reclaimed if its reader dies. Admission turns a release into deliveries, one per
// (release, channel, destination), each with its own durable state; every state change is one Lua
// script, so a crash between two Redis commands cannot leave a delivery half-recorded. The key layout
// and the scripts' atomicity arguments are in docs/PROTOCOL.md.
//
// The interface is split into roles by caller (IntakeLedger, DispatchLedger, WakeLedger, LedgerQueries,
// OperatorLedger, AccountLedger, below); DeliveryLedger is their union.
//
// Thread rules: a DeliveryLedger owns one hiredis connection and is NOT thread-safe. Give each thread
// its own (hiredis contexts must not be shared). Every call returns an Error of kind `transient` when
// Redis cannot be reached or times out; the caller retries with backoff.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/delivery.h"
#include "core/delivery_id.h"
#include "core/error.h"
#include "core/release.h"
#include "core/screen.h"
#include "queue/reach_book.h"

namespace fabu {

enum class DeliveryState {
  waiting,    // admitted, waits for another delivery (portal article, lead post)
  queued,     // ready once its due time comes
  sending,    // claimed by an instance, lease running
  retrying,   // failed transiently, next attempt scheduled
  needs_auth, // the account's token failed; held until it is replaced
  delivered,
  dead,       // gave up: permanent error, attempts exhausted, or its upstream died
  retracted,  // it went out and a retraction of it has since been delivered
  cancelled,  // never sent: its release was retracted or its schedule cancelled first
};
std::string_view to_string(DeliveryState s);
std::optional<DeliveryState> delivery_state_from(std::string_view s);


// One entry read from the intake stream.
struct IntakeEntry {
  std::string entry_id;  // stream id, e.g. "1700000000000-0"
  std::string payload;   // the `release` field (JSON); see `malformed` for an entry without exactly one
  std::string format;    // the `format` field: "json" (default) or "toml"
  bool has_release = false;  // the entry has exactly one `release` field
  // Why an entry without exactly one `release` field is not a release, naming the fields it has. Its
  // `payload` is then what it carried, so nothing sent is lost: the value of its one other field (a
  // release under a misspelt name, most likely), else every field as a JSON array of [name, value].
  std::string malformed;
  // How often the consumer group has handed this entry out, this time included (XPENDING's delivery
  // count); 1 for an entry read for the first time. An entry handed out again and again was never
  // decided: whatever took it died on it (docs/PROTOCOL.md, poison entries).
  std::int64_t deliveries = 1;
};

struct DeliverySpec {
  std::string channel;
  std::string destination;
  std::string lane;
  std::string waits_on;  // first admission: delivery id that must be delivered first, "" = none
  // Correction: the destination in the same channel whose new delivery this one waits on (a repost
  // waits on its lead), and whether it waits on the link's new delivery (the article corrected first).
  std::string after;
  bool needs_link = false;
};

struct AdmitRequest {
  std::string intake_entry_id;  // acknowledged in the same script; "" when not from the stream
  std::string release_id;
  std::string digest;
  std::string release_json;
  std::int64_t not_before_ms = 0;  // publish_at; 0 = now
  std::int64_t now_ms = 0;         // admission time (unix ms); 0 = the Redis server's clock
  std::vector<DeliverySpec> deliveries;  // when the release is new
  // The release's revision. When a lower one is admitted already, this is a correction and
  // `corrections` say which destinations it concerns (Adapter::plan_correction), `link_target`
  // ("<channel>|<destination>") which of them makes the link.
  int revision = 1;
  std::vector<DeliverySpec> corrections;
  std::string link_target;
  // A policy interpretation's policy (release id or 文号): its link-making delivery waits until the
  // policy's is delivered. And the release's own 文号, by which an interpretation may name it.
  std::string interprets;
  std::string doc_number;
  // The release's public URL (the portal article, or `link`), worked out once at planning and kept
  // from the first admission on: a correction that moves the release's column keeps the old link.
  std::string link;
  // Art. 26 deadline (core/deadline.h): the end of its last day (unix ms); 0 = unknown (the calendar
  // lacks a year). Kept from the first admission; the release stays in `deadlines` until it goes out.
  std::int64_t deadline_ms = 0;
};

enum class AdmitOutcome {
  admitted,   // new release, deliveries created
  corrected,  // a newer revision of an admitted release: its correction deliveries created
  duplicate,  // same id and same content already admitted: nothing changed
  conflict,   // same id and revision, different content (or the release was retracted): refused, in rejects
  stale,      // an older revision than the one admitted: refused, recorded in rejects
};

struct AdmitResult {
  AdmitOutcome outcome = AdmitOutcome::admitted;
  Admission admission;  // of the stored release (the earlier one for duplicates)
};

struct ClaimedDelivery {
  std::string id;  // DeliveryId::str()
  std::string release_id;
  std::string channel;
  std::string destination;
  std::string lane;
  int attempt = 1;
  bool in_doubt = false;
  Admission admission;
  DeliveryReceipt upstream;  // of the delivery it waited on
  Operation operation = Operation::publish;
  int revision = 1;          // of the release this delivery is about
  std::string reason;        // retract: the reason the operator gave
  DeliveryReceipt previous;  // retract, correct: of the delivery it undoes or corrects
  std::string link;          // the release's link as stored at admission ("" for older records)
};

enum class CompletionOutcome {
  delivered,
  retry,         // transient failure; next_at_ms set
  rate_limited,  // not a failure: attempt not counted; next_at_ms set; the lane slows until then
  needs_auth,    // park the lane; the delivery is held at the head of its lane
  dead,          // no more attempts; dependants die too, with this reason
};
// "retrying" for retry: the name the logs, the metrics and the complete script use (queue/ledger_names.cpp).
std::string_view to_string(CompletionOutcome outcome);
std::optional<CompletionOutcome> completion_outcome_from(std::string_view name);

// What a completion's error was: the adapter's ErrorKind, or `returned` (handed back unfinished when an
// instance stopped: not a platform failure, so no backoff and no circuit-breaker count). Stored as its
// to_string() in the delivery's `error_kind` ("" for none).
enum class FailureKind { none, transient, rate_limited, auth, permanent, config, invalid, returned };
FailureKind failure_kind(ErrorKind kind);
std::string_view to_string(FailureKind kind);

// A post a delivery put out, entered in the reach book by the step that records the delivery (so it is
// followed exactly when the delivery is recorded as delivered).
struct ReachNote {
  DeliveredPost post;
  std::int64_t retention_ms = 0;  // the release's reach hash is kept this long after its last checkpoint
};

struct Completion {
  std::string id;
  int attempt = 0;  // must match the claim (fencing): a stale completion is ignored
  CompletionOutcome outcome = CompletionOutcome::delivered;
  DeliveryReceipt receipt;  // delivered
  std::string error;        // human-readable reason for anything else
  FailureKind error_kind = FailureKind::none;
  std::int64_t next_at_ms = 0;
  // retry / needs_auth: the attempt may have reached the platform (a timeout after sending), so the
  // next attempt is marked in doubt and must reconcile before sending again.
  bool maybe_sent = false;
  // delivered, reach on, a publish on a channel that reads reach: the post to follow (ignored when the
  // completion is stale or not a delivery).
  std::optional<ReachNote> reach;
};

struct DeliveryStatus {
  std::string id;
  std::string channel;
  std::string destination;
  std::string lane;
  DeliveryState state = DeliveryState::queued;
  int attempt = 0;
  std::string owner;
  std::string post_id;
  std::string url;
  std::string note;
  std::string last_error;
  std::int64_t next_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  // Added by the queue layer; may be empty/false for fakes.
  std::string release_id;
  std::string waits_on;
  std::string error_kind;
  bool in_doubt = false;
  bool dropped = false;  // a dead letter an operator dropped
  Operation operation = Operation::publish;
  int revision = 1;
  std::string previous;  // retract, correct: the delivery it acts on
};

// True for an interpretation's article held until a policy that was never submitted is admitted and
// published (admit's note says so): only a person submitting the policy moves it on.
bool awaits_unsubmitted_policy(const DeliveryStatus& d);

struct RejectRecord {
  std::string intake_entry_id;
  std::string release_id;  // when it could be read
  std::int64_t at_ms = 0;
  std::vector<FieldError> errors;
  std::string payload;     // the original payload, kept so nothing is lost (as read back: valid UTF-8)
  std::string payload_base64;  // as read back: the payload's exact bytes when they are not UTF-8, else ""
};

// A release the privacy screen holds (core/screen.h, docs/PROTOCOL.md "Held releases"). Its matches
// are masked; the payload is the release as submitted, kept so it can be reviewed and resubmitted.
struct HeldRecord {
  std::string release_id;
  std::string intake_entry_id;   // of the latest submission; "" when not from the stream
  std::string payload;
  std::string format;            // "json" or "toml"
  std::string content_digest;
  std::string screen_digest;     // ScreenResult::digest(): what an override signature names
  std::vector<ScreenMatch> matches;
  std::string reason;            // decide_screen()'s reason
  std::int64_t held_at_ms = 0;        // the latest submission that was held; 0 = the server's clock
  std::int64_t first_held_at_ms = 0;  // read back only
  std::int64_t submissions = 0;       // read back only: how often it was held
  bool released = false;              // read back only: admitted since (the record is kept for audit)
  std::int64_t released_at_ms = 0;
};

enum class HoldOutcome {
  held,              // first time held
  updated,           // held again (resubmitted): the record now describes the latest submission
  already_admitted,  // the release id was admitted before: nothing held, the entry acknowledged
};

struct LaneStatus {
  std::string lane;
  LaneLimits limits;
  int in_flight = 0;
  int queued = 0;
  std::string parked_reason;  // non-empty = needs_auth
  std::int64_t last_sent_ms = 0;
  std::int64_t slow_until_ms = 0;
  int consecutive_failures = 0;      // transient failures since the last delivery (circuit breaker)
  std::int64_t breaker_until_ms = 0; // the lane's breaker is open until then (a probe follows)
};

// A token an operator gave at run time (`fabuctl accounts set-token`), kept in Redis so every fabud
// instance uses it. Sealed with AES-256-GCM (redis.token_key_file) before it is written, bound to its
// lane, so a Redis dump or replica does not hand out the account.
struct TokenOverride {
  std::string lane;         // e.g. "microblog/lanshan_fabu"; one override per lane
  std::string channel;
  std::string destination;  // the account id
  std::string token;
  std::string replaces;     // token_fingerprint() of the configured token this one replaces
  std::string expires;      // "YYYY-MM-DD" when the operator said, else ""
  std::int64_t set_at_ms = 0;
};

struct TokenOverrides {
  std::int64_t version = 0;  // bumped by every set_token
  std::vector<TokenOverride> overrides;
  // Lanes whose stored token does not open with this instance's redis.token_key (another key, no key,
  // or a damaged record): they keep their configured token until someone sets theirs again.
  std::vector<std::string> unreadable;
};

// A release as the queue keeps it: its revision and where it is in its life.
struct ReleaseRecord {
  std::string release_id;
  int revision = 1;
  std::string state;  // "live", "retracted" or "cancelled" (a schedule cancelled before anything went out)
  std::int64_t serial = 0;
  std::int64_t admitted_ms = 0;
  std::int64_t due_ms = 0;        // when its deliveries may start (publish_at, or as rescheduled)
  std::int64_t closed_ms = 0;     // when it was retracted or cancelled
  std::string retract_reason;
  std::int64_t deadline_ms = 0;   // Art. 26 deadline, end of its last day; 0 = unknown
  std::int64_t first_out_ms = 0;  // first delivery that succeeded; 0 = nothing went out yet
  std::optional<bool> in_time;    // first_out_ms <= deadline_ms; unset while either is unknown
};

// A release that has not gone out yet, with its Art. 26 deadline.
struct ReleaseDeadline {
  std::string release_id;
  std::int64_t deadline_ms = 0;
};

enum class RetractOutcome { retracting, already_retracted, unknown_release };

struct RetractResult {
  RetractOutcome outcome = RetractOutcome::retracting;
  int cancelled = 0;    // deliveries that had not gone out: they never will
  int retractions = 0;  // retractions queued now (of deliveries that went out or may have)
  int waiting = 0;      // retractions waiting for a send in flight to finish
};

enum class ScheduleOutcome {
  changed,   // cancelled or moved
  unknown,   // no such release
  closed,    // already retracted or cancelled (detail: which)
  started,   // a delivery is under way or done (detail: its id): retract instead
};

struct ScheduleChange {
  ScheduleOutcome outcome = ScheduleOutcome::changed;
  std::string detail;
  int deliveries = 0;
};

// How much waits where, for the metrics: deliveries by state, read in one atomic step.
struct QueueDepths {
  std::int64_t queued = 0;      // in a lane's queue, due now or later (retrying and held apart)
  std::int64_t retrying = 0;    // waiting for another attempt after a failure or a rate limit
  std::int64_t needs_auth = 0;  // held at the head of a parked account's lane
  std::int64_t due = 0;         // of all three, those whose due time has come
  std::int64_t oldest_due_ms = -1;  // the earliest due time among those; -1 when none is due
  std::int64_t sending = 0;
  std::int64_t scheduled_releases = 0;
  std::int64_t dead_letters = 0;
  std::int64_t held_releases = 0;
};

struct ScheduledRelease {
  std::string release_id;
  std::int64_t due_ms = 0;
};

// Circuit breaker of the account lanes, published by every fabud at start like the lane limits.
struct BreakerSettings {
  int failures = 5;  // consecutive transient failures that open a lane's breaker; 0 = off
  std::chrono::milliseconds cooloff{60000};
};

// The ledger's roles. Each caller takes only the role it uses (a fake needs to implement only that
// role); DeliveryLedger is their union, the Redis implementation. Every role shares the thread rule
// of the whole: one instance per thread, never shared (hiredis contexts are not thread-safe), and
// every call fails with kind `transient` when Redis cannot be reached; the caller retries with backoff.

// IntakeLedger: the intake stream's consumer side (the IntakeWorker). An entry is acknowledged only in
// the same atomic step that admits, rejects or holds it, so a crash in between leaves it pending.
class IntakeLedger {
 public:
  virtual ~IntakeLedger() = default;

  // Creates the intake stream and its consumer group if missing (idempotent).
  virtual Result<void> ensure_intake() = 0;
  // Enters a conference release in the `conferences` index, scored by its start (unix ms); entering
  // it again moves it (a reschedule). Idempotent. The default, for fakes, keeps no index.
  virtual Result<void> index_conference(const std::string& release_id, std::int64_t starts_ms) {
    (void)release_id; (void)starts_ms;
    return {};
  }
  // New entries for `consumer`, blocking up to `block` when there are none.
  virtual Result<std::vector<IntakeEntry>> read_intake(const std::string& consumer, int count,
                                                       std::chrono::milliseconds block) = 0;
  // Entries another consumer read but did not acknowledge for `min_idle` (XAUTOCLAIM), each with its
  // delivery count after this claim.
  virtual Result<std::vector<IntakeEntry>> reclaim_intake(const std::string& consumer, int count,
                                                          std::chrono::milliseconds min_idle) = 0;

  // Atomically: stores the release, creates its deliveries, allocates its serial, acknowledges the
  // intake entry. Idempotent: the same release id twice admits once.
  virtual Result<AdmitResult> admit(const AdmitRequest& request) = 0;
  // Atomically records a rejected release and acknowledges (and deletes) its intake entry. A payload
  // over ReleaseLimits::document_bytes is kept cut to that size, with its full size recorded.
  virtual Result<void> reject(const RejectRecord& record) = 0;
  // Atomically records (or updates) a held release and acknowledges its intake entry; admit() of the
  // same id later marks the record released.
  virtual Result<HoldOutcome> hold(const HeldRecord& record) = 0;
};

// DispatchLedger: the dispatcher's connection, the hot path. Claims hand out due deliveries with a
// lease; completions are fenced on the claimed attempt, so only the current holder's result applies.
class DispatchLedger {
 public:
  virtual ~DispatchLedger() = default;

  // Claims up to `max` due deliveries for `owner` in one round trip, honouring each lane's in-flight
  // limit, rate limits and parking. Also returns deliveries whose lease expired to their lane, in doubt.
  virtual Result<std::vector<ClaimedDelivery>> claim(const std::string& owner, int max, std::int64_t now_ms,
                                                     std::chrono::milliseconds lease) = 0;
  // A delivery whose lease ran out goes back to its lane due this long after claim() finds it
  // (default 0: at once): its send may have reached a platform that shows it late, so the look that
  // comes first should come late enough to see it. Set once, before the first claim.
  virtual void set_reclaim_delay(std::chrono::milliseconds delay) { (void)delay; }
  // Records results in one round trip and says per completion (same order) whether it was applied
  // (false = stale: the delivery is no longer in that attempt, nothing changed). On failure nothing
  // is known to be applied: sending the same batch again is safe (fencing refuses a replay).
  virtual Result<std::vector<bool>> apply_completions(const std::vector<Completion>& completions,
                                                      std::int64_t now_ms) = 0;
  // apply_completions() for a caller that does not need the verdicts.
  virtual Result<void> complete(const std::vector<Completion>& completions, std::int64_t now_ms);
  // Earliest time any lane could send (unix ms), nullopt when nothing is queued.
  virtual Result<std::optional<std::int64_t>> next_due_ms() = 0;
  // The stored release document (JSON) of an admitted release; nullopt when unknown.
  virtual Result<std::optional<std::string>> release_json(const std::string& release_id) = 0;
  // The JSON of one revision of a release (a correction keeps every revision); the default, for
  // fakes, knows only the latest.
  virtual Result<std::optional<std::string>> revision_json(const std::string& release_id, int revision) {
    (void)revision;
    return release_json(release_id);
  }
};

// WakeLedger: wake-ups between instances. A waiting connection can do nothing else while it waits, so
// the dispatcher gives its waiting thread a connection of its own.
class WakeLedger {
 public:
  virtual ~WakeLedger() = default;

  // Wakes a sleeping dispatcher (admit, unpark_lane, retry_dead and releasing waiters already do).
  // One wake-up reaches one waiter; other instances still wake at next_due_ms().
  virtual Result<void> notify() = 0;
  // Blocks up to `timeout` for a wake-up; true when woken.
  virtual Result<bool> wait_notify(std::chrono::milliseconds timeout) = 0;
};

// LedgerQueries: reads for people (the CLI, the HTTP API, metrics). Nothing here changes state.
class LedgerQueries {
 public:
  virtual ~LedgerQueries() = default;

  virtual Result<std::int64_t> intake_depth() = 0;  // entries not yet acknowledged + not yet read
  virtual Result<std::vector<RejectRecord>> rejects(int limit) = 0;
  // Releases held now (not released), latest first.
  virtual Result<std::vector<HeldRecord>> held(int limit) = 0;
  // The held record of one release, released or not; nullopt when it was never held.
  virtual Result<std::optional<HeldRecord>> held_release(const std::string& release_id) = 0;
  // The lifecycle record of a release (docs/PROTOCOL.md, "Retraction", "Schedules"). The default, for
  // fakes, refuses.
  virtual Result<std::optional<ReleaseRecord>> release_record(const std::string& release_id) {
    (void)release_id;
    return fail(Error::config("this ledger keeps no release records"));
  }
  // Releases with a known deadline of at most `until_ms` of which nothing went out yet (not retracted,
  // not cancelled), earliest deadline first.
  virtual Result<std::vector<ReleaseDeadline>> deadlines(std::int64_t until_ms, int limit) {
    (void)until_ms;
    (void)limit;
    return std::vector<ReleaseDeadline>{};
  }
  // Conference releases of the `conferences` index whose start is at or after `from_ms`, earliest first
  // (due_ms = the start). The default, for fakes, knows none.
  virtual Result<std::vector<ScheduledRelease>> conferences(std::int64_t from_ms, int limit) {
    (void)from_ms; (void)limit;
    return std::vector<ScheduledRelease>{};
  }
  // Releases due after `now_ms`, soonest first.
  virtual Result<std::vector<ScheduledRelease>> scheduled(std::int64_t now_ms, int limit) {
    (void)now_ms; (void)limit;
    return std::vector<ScheduledRelease>{};
  }
  // Every admitted release id still kept (not yet removed by retention), unordered: the report card's
  // walk. Reads with SCAN over the `rel:<id>` keys, so it costs a pass over the keyspace: for people's
  // reports, never for a hot path. The default, for fakes, knows none.
  virtual Result<std::vector<std::string>> release_ids() { return std::vector<std::string>{}; }
  virtual Result<std::vector<DeliveryStatus>> deliveries_of(const std::string& release_id) = 0;
  // One delivery by id; nullopt when unknown. The default searches deliveries_of().
  virtual Result<std::optional<DeliveryStatus>> delivery(const std::string& delivery_id);
  virtual Result<std::vector<DeliveryStatus>> dead_letters(int limit) = 0;
  virtual Result<std::vector<LaneStatus>> lanes() = 0;
  // Sends of every lane in `group` (LaneLimits::group) within the hour before `now_ms`: how much of a
  // shared hourly quota is used. The default, for fakes, knows none.
  virtual Result<int> group_sends_last_hour(const std::string& group, std::int64_t now_ms) {
    (void)group;
    (void)now_ms;
    return 0;
  }
  // When each destination last had a publish or a correction delivered, and each target its release
  // named in that channel (docs/PROTOCOL.md, `activity`): "<channel>|<destination>" and
  // "<channel>#<target>" -> unix ms. The default, for fakes, knows none.
  virtual Result<std::map<std::string, std::int64_t>> activity() { return std::map<std::string, std::int64_t>{}; }
  // The queue's depths at `now_ms`. Reads at most `cap` delivery states (the rest count as queued).
  // The default, for fakes, refuses.
  virtual Result<QueueDepths> queue_depths(std::int64_t now_ms, int cap = 50000) {
    (void)now_ms; (void)cap;
    return fail(Error::config("this ledger keeps no queue depths"));
  }
  // Whether Redis has append-only persistence on (fabud warns when it is off).
  virtual Result<bool> aof_enabled() = 0;
};

// OperatorLedger: what a person does to the queue (`fabuctl submit|dlq|retract|schedule`, the HTTP API).
class OperatorLedger {
 public:
  virtual ~OperatorLedger() = default;

  // Appends a release to the intake stream (what `fabuctl submit` and the HTTP API do). Returns the entry id.
  virtual Result<std::string> enqueue(const std::string& payload, const std::string& format = "json") = 0;
  // Requeues a dead delivery (attempts reset); returns false when `id` is not dead.
  virtual Result<bool> retry_dead(const std::string& delivery_id, std::int64_t now_ms) = 0;
  virtual Result<bool> drop_dead(const std::string& delivery_id) = 0;

  // The lifecycle (docs/PROTOCOL.md, "Retraction", "Schedules"). The defaults, for fakes, refuse.
  // Withdraws a release everywhere: what went out is retracted, what did not never goes. Idempotent.
  virtual Result<RetractResult> retract(const std::string& release_id, const std::string& reason,
                                        std::int64_t now_ms) {
    (void)release_id; (void)reason; (void)now_ms;
    return fail(Error::config("this ledger cannot retract"));
  }
  // Cancels or moves a release none of whose deliveries has started.
  virtual Result<ScheduleChange> cancel_schedule(const std::string& release_id, std::int64_t now_ms) {
    (void)release_id; (void)now_ms;
    return fail(Error::config("this ledger keeps no schedules"));
  }
  virtual Result<ScheduleChange> reschedule(const std::string& release_id, std::int64_t due_ms,
                                            std::int64_t now_ms) {
    (void)release_id; (void)due_ms; (void)now_ms;
    return fail(Error::config("this ledger keeps no schedules"));
  }
  // Retention: removes up to `limit` releases whose every delivery settled before `cutoff_ms`, with
  // all their records (deliveries, dead letters). Returns how many were removed. The default, for
  // fakes, keeps everything.
  virtual Result<int> expire_settled(std::int64_t cutoff_ms, int limit) {
    (void)cutoff_ms; (void)limit;
    return 0;
  }
};

// AccountLedger: the settings every fabud publishes at start (lane limits, breaker) and the accounts'
// run-time tokens (`fabuctl accounts set-token`, the AccountWatch).
class AccountLedger {
 public:
  virtual ~AccountLedger() = default;

  // Publishes lane limits from config so every instance enforces the same ones.
  virtual Result<void> set_lanes(const std::vector<LaneLimits>& lanes) = 0;
  // Publishes the lanes' circuit-breaker settings (read by the complete script).
  virtual Result<void> set_breaker(const BreakerSettings& settings) = 0;
  // Unparks a lane (token replaced): its held deliveries become due now.
  virtual Result<void> unpark_lane(const std::string& lane, std::int64_t now_ms) = 0;
  // Stores an account's replacement token (replacing any earlier one for the lane) and bumps the
  // tokens version; every fabud applies it within seconds and then unparks the lane. Returns how many
  // deliveries the lane holds for re-authorisation.
  virtual Result<int> set_token(const TokenOverride& token) = 0;
  // The tokens version alone: one cheap read, to poll for changes.
  virtual Result<std::int64_t> tokens_version() = 0;
  virtual Result<TokenOverrides> token_overrides() = 0;
};

// DeliveryLedger: every role over one Redis connection.
class DeliveryLedger : public IntakeLedger,
                       public DispatchLedger,
                       public WakeLedger,
                       public LedgerQueries,
                       public OperatorLedger,
                       public AccountLedger {
 public:
  // Connects (with the config's timeouts and password) and loads the scripts.
  static Result<std::unique_ptr<DeliveryLedger>> connect(const RedisConfig& config);
  ~DeliveryLedger() override = default;
};

}  // namespace fabu
