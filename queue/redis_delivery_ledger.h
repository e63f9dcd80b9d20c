// RedisDeliveryLedger: the DeliveryLedger over one RedisConnection. Private to queue/; callers use
// DeliveryLedger::connect(). The implementation is split by concern:
//   ledger_intake.cpp      intake stream, rejects, wake-ups, server facts
//   ledger_dispatch.cpp    admission, lanes, claim, complete
//   ledger_operations.cpp  reads for people and the operator actions (dead letters, parking)
//   ledger_accounts.cpp    run-time token replacements, circuit-breaker settings
//   ledger_held.cpp        releases held by the privacy screen
//
// Thread rules: as DeliveryLedger (one instance per thread).
#pragma once

#include <algorithm>
#include <string>

#include "queue/delivery_ledger.h"
#include "queue/redis_connection.h"

namespace fabu {

class RedisDeliveryLedger final : public DeliveryLedger {
 public:
  explicit RedisDeliveryLedger(const RedisConfig& config);

  Result<void> ensure_connected() { return redis_.ensure_connected(); }

  Result<void> ensure_intake() override;
  Result<std::string> enqueue(const std::string& payload, const std::string& format) override;
  Result<std::vector<IntakeEntry>> read_intake(const std::string& consumer, int count,
                                               std::chrono::milliseconds block) override;
  Result<std::vector<IntakeEntry>> reclaim_intake(const std::string& consumer, int count,
                                                  std::chrono::milliseconds min_idle) override;
  Result<std::int64_t> intake_depth() override;

  Result<AdmitResult> admit(const AdmitRequest& request) override;
  Result<void> reject(const RejectRecord& record) override;
  Result<std::vector<RejectRecord>> rejects(int limit) override;
  Result<void> set_lanes(const std::vector<LaneLimits>& lanes) override;

  // ledger_held.cpp: releases held by the privacy screen.
  Result<HoldOutcome> hold(const HeldRecord& record) override;
  Result<std::vector<HeldRecord>> held(int limit) override;
  Result<std::optional<HeldRecord>> held_release(const std::string& release_id) override;

  void set_reclaim_delay(std::chrono::milliseconds delay) override { reclaim_delay_ = std::max(delay.count(), std::int64_t{0}); }
  Result<std::vector<ClaimedDelivery>> claim(const std::string& owner, int max, std::int64_t now_ms,
                                             std::chrono::milliseconds lease) override;
  Result<std::vector<bool>> apply_completions(const std::vector<Completion>& completions,
                                              std::int64_t now_ms) override;
  Result<std::optional<std::int64_t>> next_due_ms() override;

  Result<std::optional<std::string>> release_json(const std::string& release_id) override;
  Result<std::optional<std::string>> revision_json(const std::string& release_id, int revision) override;

  // ledger_lifecycle.cpp: retraction and schedules.
  Result<std::optional<ReleaseRecord>> release_record(const std::string& release_id) override;
  Result<RetractResult> retract(const std::string& release_id, const std::string& reason,
                                std::int64_t now_ms) override;
  Result<ScheduleChange> cancel_schedule(const std::string& release_id, std::int64_t now_ms) override;
  Result<ScheduleChange> reschedule(const std::string& release_id, std::int64_t due_ms, std::int64_t now_ms) override;
  Result<std::vector<ScheduledRelease>> scheduled(std::int64_t now_ms, int limit) override;
  Result<void> index_conference(const std::string& release_id, std::int64_t starts_ms) override;
  Result<std::vector<ScheduledRelease>> conferences(std::int64_t from_ms, int limit) override;
  Result<std::vector<ReleaseDeadline>> deadlines(std::int64_t until_ms, int limit) override;
  // Also packs the settled releases whose packing is under way, one chunk per Redis call.
  Result<int> expire_settled(std::int64_t cutoff_ms, int limit) override;
  // One call of pack_settled (queue/lua_settled.h): packs at most one chunk of a settled release.
  struct PackStep {
    int packed = 0;          // deliveries packed by this call
    int releases_left = 0;   // releases in `packing` after it
  };
  Result<PackStep> pack_settled_chunk();
  Result<std::vector<DeliveryStatus>> deliveries_of(const std::string& release_id) override;
  Result<std::optional<DeliveryStatus>> delivery(const std::string& delivery_id) override;
  Result<std::vector<DeliveryStatus>> dead_letters(int limit) override;
  Result<bool> retry_dead(const std::string& delivery_id, std::int64_t now_ms) override;
  Result<bool> drop_dead(const std::string& delivery_id) override;
  Result<std::vector<LaneStatus>> lanes() override;
  Result<int> group_sends_last_hour(const std::string& group, std::int64_t now_ms) override;
  Result<QueueDepths> queue_depths(std::int64_t now_ms, int cap) override;
  Result<std::map<std::string, std::int64_t>> activity() override;
  Result<std::vector<std::string>> release_ids() override;
  Result<void> unpark_lane(const std::string& lane, std::int64_t now_ms) override;

  // ledger_accounts.cpp: run-time tokens and the breaker settings.
  Result<int> set_token(const TokenOverride& token) override;
  Result<std::int64_t> tokens_version() override;
  Result<TokenOverrides> token_overrides() override;
  Result<void> set_breaker(const BreakerSettings& settings) override;

  Result<void> notify() override;
  Result<bool> wait_notify(std::chrono::milliseconds timeout) override;
  Result<bool> aof_enabled() override;

 private:
  std::int64_t reclaim_delay_ = 0;  // ms, set_reclaim_delay()
  // "<prefix>:{<prefix>}:<name>"
  std::string key(std::string_view name) const { return base_ + std::string(name); }
  // Runs a script with a key of the ledger's slot as KEYS[1] and the key base as ARGV[1].
  Result<RedisReplyPtr> run(const RedisScript& script, RedisArgs args);
  // The deliveries of `release_id` (when not empty) and those named in `ids`, in either form (compacted
  // or not, lua_settled.h), in that order; unknown ids are left out.
  Result<std::vector<DeliveryStatus>> statuses(const std::string& release_id, const std::vector<std::string>& ids);
  // ZRANGEBYSCORE <name> min max WITHSCORES LIMIT 0 limit, as (member, score) pairs.
  Result<std::vector<std::pair<std::string, std::int64_t>>> scored_range(const std::string& name, const std::string& min,
                                                                         const std::string& max, int limit);

  RedisConnection redis_;
  std::string base_;
  std::optional<SealingKey> token_key_;  // seals run-time tokens (redis.token_key)
};

// Decodes HGETALL of a delivery hash; `id` is the delivery id.
DeliveryStatus delivery_status_from(const std::string& id, const redisReply* hash);

// A decimal field as Redis stores it; 0 when it is empty or not a number.
std::int64_t to_int64(std::string_view text);
// The error for a script or command whose reply has not the shape the ledger expects.
Error script_shape_error(std::string_view script);

}  // namespace fabu
