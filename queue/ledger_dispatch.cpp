// Admission, lane limits, claim and complete: the delivery engine's hot path.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "core/delivery_id.h"
#include "queue/lua_scripts.h"
#include "queue/redis_delivery_ledger.h"

namespace fabu {
namespace {

// Leases reaped per claim. Bounded so one claim stays short after a mass expiry (an instance died
// with a full pipeline); the rest are reaped by the following claims.
constexpr int kReapLimit = 256;

// Sorted-set scores come back as decimal text; ours are whole milliseconds but parse them as doubles.
std::optional<std::int64_t> first_score(const redisReply* with_scores) {
  if (reply_size(with_scores) < 2) return std::nullopt;
  std::string text = reply_string(reply_at(with_scores, 1));
  double score = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), score);
  if (ec != std::errc()) return std::nullopt;
  return static_cast<std::int64_t>(score);
}


}  // namespace

Result<AdmitResult> RedisDeliveryLedger::admit(const AdmitRequest& request) {
  if (request.release_id.empty()) return fail(Error::invalid("admit: empty release id"));
  std::set<std::string> ids;
  for (const auto& spec : request.deliveries) {
    ids.insert(DeliveryId{request.release_id, spec.channel, spec.destination, Operation::publish, request.revision}.str());
  }
  // A delivery waiting on something this release does not create would wait forever.
  for (const auto& spec : request.deliveries) {
    if (spec.lane.empty()) return fail(Error::invalid("admit " + request.release_id + ": delivery without a lane"));
    if (!spec.waits_on.empty() && !ids.contains(spec.waits_on)) {
      return fail(Error::invalid("admit " + request.release_id + ": " + spec.channel + "/" + spec.destination +
                                 " waits on '" + spec.waits_on + "', which is not a delivery of this release"));
    }
  }

  if (request.revision < 1) return fail(Error::invalid("admit " + request.release_id + ": revision below 1"));
  RedisArgs args{request.intake_entry_id,
                 request.release_id,
                 request.digest,
                 request.release_json,
                 std::to_string(request.not_before_ms),
                 std::to_string(request.now_ms),
                 std::to_string(request.revision),
                 request.link_target,
                 std::to_string(request.deliveries.size()),
                 std::to_string(request.corrections.size()),
                 request.doc_number,
                 request.interprets,
                 request.link};
  for (const auto& spec : request.deliveries) {
    args.insert(args.end(), {spec.channel, spec.destination, spec.lane, spec.waits_on});
  }
  for (const auto& spec : request.corrections) {
    args.insert(args.end(), {spec.channel, spec.destination, spec.lane, spec.after, spec.needs_link ? "1" : "0"});
  }
  args.push_back(std::to_string(request.deadline_ms));  // always last (the script reads ARGV[#ARGV])
  auto reply = run(lua::admit, std::move(args));
  if (!reply) return fail(reply.error());
  if (reply_size(reply->get()) != 3) return fail(script_shape_error("admit"));

  AdmitResult result;
  std::string outcome = reply_string(reply_at(reply->get(), 0));
  result.outcome = outcome == "admitted"    ? AdmitOutcome::admitted
                   : outcome == "corrected" ? AdmitOutcome::corrected
                   : outcome == "duplicate" ? AdmitOutcome::duplicate
                   : outcome == "stale"     ? AdmitOutcome::stale
                                            : AdmitOutcome::conflict;
  result.admission.serial = reply_integer(reply_at(reply->get(), 1));
  result.admission.admitted_at_ms = reply_integer(reply_at(reply->get(), 2));
  return result;
}

Result<void> RedisDeliveryLedger::set_lanes(const std::vector<LaneLimits>& lanes) {
  RedisArgs args{std::to_string(lanes.size())};
  for (const auto& lane : lanes) {
    const bool grouped = !lane.group.empty() && lane.group_per_hour > 0;
    args.insert(args.end(), {lane.lane, std::to_string(std::max(lane.max_in_flight, 1)),
                             std::to_string(std::max(lane.per_hour, 0)),
                             std::to_string(std::max<std::int64_t>(lane.min_gap.count(), 0)),
                             grouped ? lane.group : std::string(), std::to_string(grouped ? lane.group_per_hour : 0)});
  }
  auto reply = run(lua::set_lanes, std::move(args));
  if (!reply) return fail(reply.error());
  return {};
}

Result<std::vector<ClaimedDelivery>> RedisDeliveryLedger::claim(const std::string& owner, int max,
                                                                std::int64_t now_ms,
                                                                std::chrono::milliseconds lease) {
  std::vector<ClaimedDelivery> claimed;
  auto reply = run(lua::claim, {owner, std::to_string(std::max(max, 0)), std::to_string(now_ms),
                                std::to_string(std::max<std::int64_t>(lease.count(), 1)),
                                std::to_string(kReapLimit), std::to_string(reclaim_delay_)});
  if (!reply) return fail(reply.error());
  const redisReply* flat = reply->get();
  if (reply_size(flat) % lua::claim_fields != 0) return fail(script_shape_error("claim"));
  claimed.reserve(reply_size(flat) / lua::claim_fields);
  for (std::size_t row = 0; row < reply_size(flat); row += lua::claim_fields) {
    auto field = [&](std::size_t i) { return reply_string(reply_at(flat, row + i)); };
    ClaimedDelivery d;
    d.id = field(0);
    auto id = DeliveryId::parse(d.id);
    if (!id) return fail(script_shape_error("claim"));
    d.release_id = std::move(id->release);
    d.channel = std::move(id->channel);
    d.destination = std::move(id->destination);
    d.operation = id->operation;
    d.revision = id->revision;
    d.lane = field(1);
    d.attempt = static_cast<int>(to_int64(field(2)));
    d.in_doubt = field(3) == "1";
    d.admission.serial = to_int64(field(4));
    d.admission.admitted_at_ms = to_int64(field(5));
    d.upstream.post_id = field(6);
    d.upstream.url = field(7);
    d.upstream.note = field(8);
    d.reason = field(9);
    d.previous.post_id = field(10);
    d.previous.url = field(11);
    d.previous.note = field(12);
    d.link = field(13);
    claimed.push_back(std::move(d));
  }
  return claimed;
}

Result<std::vector<bool>> RedisDeliveryLedger::apply_completions(const std::vector<Completion>& completions,
                                                                 std::int64_t now_ms) {
  std::vector<bool> applied;
  if (completions.empty()) return applied;
  RedisArgs args{std::to_string(now_ms), std::to_string(completions.size())};
  args.reserve(2 + completions.size() * lua::completion_fields);
  for (const auto& c : completions) {
    args.insert(args.end(), {c.id, std::to_string(c.attempt), std::string(to_string(c.outcome)),
                             c.receipt.post_id, c.receipt.url, c.receipt.note, c.error, std::string(to_string(c.error_kind)),
                             std::to_string(c.next_at_ms), c.maybe_sent ? "1" : "0"});
  }
  const auto notes = std::ranges::count_if(completions, [](const Completion& c) { return c.reach.has_value(); });
  args.push_back(std::to_string(notes));
  for (std::size_t i = 0; i < completions.size(); ++i) {
    const auto& note = completions[i].reach;
    if (!note) continue;
    args.push_back(std::to_string(i));
    for (auto& arg : reach_post_args(note->post, note->retention_ms)) args.push_back(std::move(arg));
  }
  auto reply = run(lua::complete, std::move(args));
  if (!reply) return fail(reply.error());
  if (reply_size(reply->get()) != completions.size()) return fail(script_shape_error("complete"));
  applied.reserve(completions.size());
  for (std::size_t i = 0; i < completions.size(); ++i) applied.push_back(reply_integer(reply_at(reply->get(), i)) == 1);
  return applied;
}

Result<std::optional<std::int64_t>> RedisDeliveryLedger::next_due_ms() {
  auto replies = redis_.pipeline({{"ZRANGE", key("ready"), "0", "0", "WITHSCORES"},
                                  {"ZRANGE", key("inflight"), "0", "0", "WITHSCORES"}});
  if (!replies) return fail(replies.error());
  for (const auto& reply : *replies) {
    if (reply_is_error(reply.get())) return fail(redis_error_reply(*reply, "next_due_ms"));
  }
  std::optional<std::int64_t> due = first_score((*replies)[0].get());
  // A lease is reaped once `now` is past it; an idle dispatcher must still wake for that.
  if (auto lease_end = first_score((*replies)[1].get())) {
    due = due ? std::min(*due, *lease_end + 1) : *lease_end + 1;
  }
  return due;
}

}  // namespace fabu
