// Retraction, schedules and the release record: the operator's verbs on a whole release.
#include <hiredis/hiredis.h>

#include <charconv>

#include "queue/lua_scripts.h"
#include "queue/redis_delivery_ledger.h"

namespace fabu {
namespace {


ScheduleChange schedule_change_from(const redisReply* reply) {
  const std::string outcome = reply_string(reply_at(reply, 0));
  const std::string detail = reply_string(reply_at(reply, 1));
  ScheduleChange change;
  if (outcome == "cancelled" || outcome == "rescheduled") {
    change.outcome = ScheduleOutcome::changed;
    change.deliveries = static_cast<int>(to_int64(detail));
  } else {
    change.outcome = outcome == "unknown" ? ScheduleOutcome::unknown
                     : outcome == "closed" ? ScheduleOutcome::closed
                                           : ScheduleOutcome::started;
    change.detail = detail;
  }
  return change;
}

}  // namespace

Result<std::optional<std::string>> RedisDeliveryLedger::revision_json(const std::string& release_id, int revision) {
  auto reply = redis_.command({"HMGET", key("rel:" + release_id), "json." + std::to_string(revision), "json", "rev"});
  if (!reply) return fail(reply.error());
  const redisReply* fields = reply->get();
  if (reply_size(fields) != 3) return fail(script_shape_error("HMGET"));
  if (!reply_is_nil(reply_at(fields, 0))) return std::optional<std::string>(reply_string(reply_at(fields, 0)));
  // Before its first correction a release keeps one revision, under `json`.
  if (reply_is_nil(reply_at(fields, 1))) return std::optional<std::string>();
  const std::string stored = reply_string(reply_at(fields, 2), "1");
  if (stored != std::to_string(revision)) return std::optional<std::string>();
  return std::optional<std::string>(reply_string(reply_at(fields, 1)));
}

Result<std::optional<ReleaseRecord>> RedisDeliveryLedger::release_record(const std::string& release_id) {
  auto reply = redis_.command({"HMGET", key("rel:" + release_id), "rev", "state", "serial", "admitted_ms", "due_ms",
                               "retracted_ms", "cancelled_ms", "retract_reason", "digest", "deadline_ms",
                               "first_out_ms", "in_time"});
  if (!reply) return fail(reply.error());
  const redisReply* f = reply->get();
  if (reply_size(f) != 12) return fail(script_shape_error("HMGET"));
  if (reply_is_nil(reply_at(f, 8))) return std::optional<ReleaseRecord>();
  ReleaseRecord record;
  record.release_id = release_id;
  record.revision = static_cast<int>(to_int64(reply_string(reply_at(f, 0), "1")));
  record.state = reply_string(reply_at(f, 1), "live");
  if (record.state.empty()) record.state = "live";
  record.serial = to_int64(reply_string(reply_at(f, 2)));
  record.admitted_ms = to_int64(reply_string(reply_at(f, 3)));
  record.due_ms = to_int64(reply_string(reply_at(f, 4)));
  if (record.due_ms == 0) record.due_ms = record.admitted_ms;
  record.closed_ms = to_int64(reply_string(reply_at(f, record.state == "cancelled" ? 6 : 5)));
  record.retract_reason = reply_string(reply_at(f, 7));
  record.deadline_ms = to_int64(reply_string(reply_at(f, 9)));
  record.first_out_ms = to_int64(reply_string(reply_at(f, 10)));
  if (const std::string in_time = reply_string(reply_at(f, 11)); !in_time.empty()) record.in_time = in_time == "1";
  return std::optional<ReleaseRecord>(std::move(record));
}

Result<RetractResult> RedisDeliveryLedger::retract(const std::string& release_id, const std::string& reason,
                                                   std::int64_t now_ms) {
  if (reason.empty()) return fail(Error::invalid("a retraction needs a reason"));
  auto reply = run(lua::retract, {release_id, reason, std::to_string(now_ms)});
  if (!reply) return fail(reply.error());
  const redisReply* r = reply->get();
  if (reply_size(r) != 4) return fail(script_shape_error("retract"));
  const std::string outcome = reply_string(reply_at(r, 0));
  RetractResult result;
  result.outcome = outcome == "retracting" ? RetractOutcome::retracting
                   : outcome == "already"  ? RetractOutcome::already_retracted
                                           : RetractOutcome::unknown_release;
  result.cancelled = static_cast<int>(reply_integer(reply_at(r, 1)));
  result.retractions = static_cast<int>(reply_integer(reply_at(r, 2)));
  result.waiting = static_cast<int>(reply_integer(reply_at(r, 3)));
  return result;
}

Result<ScheduleChange> RedisDeliveryLedger::cancel_schedule(const std::string& release_id, std::int64_t now_ms) {
  auto reply = run(lua::change_schedule, {release_id, "cancel", "0", std::to_string(now_ms)});
  if (!reply) return fail(reply.error());
  if (reply_size(reply->get()) != 2) return fail(script_shape_error("change_schedule"));
  return schedule_change_from(reply->get());
}

Result<ScheduleChange> RedisDeliveryLedger::reschedule(const std::string& release_id, std::int64_t due_ms,
                                                       std::int64_t now_ms) {
  auto reply = run(lua::change_schedule, {release_id, "reschedule", std::to_string(due_ms), std::to_string(now_ms)});
  if (!reply) return fail(reply.error());
  if (reply_size(reply->get()) != 2) return fail(script_shape_error("change_schedule"));
  return schedule_change_from(reply->get());
}

Result<std::vector<std::pair<std::string, std::int64_t>>> RedisDeliveryLedger::scored_range(
    const std::string& name, const std::string& min, const std::string& max, int limit) {
  auto reply = redis_.command({"ZRANGEBYSCORE", key(name), min, max, "WITHSCORES", "LIMIT", "0",
                               std::to_string(std::max(limit, 1))});
  if (!reply) return fail(reply.error());
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (std::size_t i = 0; i + 1 < reply_size(reply->get()); i += 2) {
    const std::string score = reply_string(reply_at(reply->get(), i + 1));
    double value = 0;
    std::from_chars(score.data(), score.data() + score.size(), value);
    out.emplace_back(reply_string(reply_at(reply->get(), i)), static_cast<std::int64_t>(value));
  }
  return out;
}

Result<std::vector<ScheduledRelease>> RedisDeliveryLedger::scheduled(std::int64_t now_ms, int limit) {
  auto range = scored_range("scheduled", "(" + std::to_string(now_ms), "+inf", limit);
  if (!range) return fail(range.error());
  std::vector<ScheduledRelease> out;
  for (auto& [id, due] : *range) out.push_back({std::move(id), due});
  return out;
}

Result<std::vector<ReleaseDeadline>> RedisDeliveryLedger::deadlines(std::int64_t until_ms, int limit) {
  auto range = scored_range("deadlines", "-inf", std::to_string(until_ms), limit);
  if (!range) return fail(range.error());
  std::vector<ReleaseDeadline> out;
  for (auto& [id, deadline] : *range) out.push_back({std::move(id), deadline});
  return out;
}

Result<int> RedisDeliveryLedger::expire_settled(std::int64_t cutoff_ms, int limit) {
  auto reply = run(lua::expire_settled, {std::to_string(cutoff_ms), std::to_string(std::max(limit, 1))});
  if (!reply) return fail(reply.error());
  const int removed = static_cast<int>(reply_integer(reply->get()));
  // Packing goes on in calls of one chunk each, so other clients run between them; the cap keeps one
  // sweep finite whatever it finds (the next sweep goes on from where this one stopped).
  constexpr int kPackCallsPerSweep = 1000;
  for (int i = 0; i < kPackCallsPerSweep; ++i) {
    auto step = pack_settled_chunk();
    if (!step) return fail(step.error());
    if (step->releases_left == 0) break;
  }
  return removed;
}

Result<RedisDeliveryLedger::PackStep> RedisDeliveryLedger::pack_settled_chunk() {
  auto reply = run(lua::pack_settled, {});
  if (!reply) return fail(reply.error());
  return PackStep{static_cast<int>(reply_integer(reply_at(reply->get(), 0))),
                  static_cast<int>(reply_integer(reply_at(reply->get(), 1)))};
}

}  // namespace fabu
