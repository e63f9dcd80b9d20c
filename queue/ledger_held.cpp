// Releases held by the privacy screen: the hold script, the list of held releases and one record.
#include <hiredis/hiredis.h>

#include <charconv>

#include <nlohmann/json.hpp>

#include "core/bounded_text.h"
#include "queue/lua_scripts.h"
#include "queue/redis_delivery_ledger.h"

namespace fabu {
namespace {

std::int64_t to_int(const std::string& text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

HeldRecord held_from(const redisReply* hash) {
  HeldRecord r;
  for (std::size_t i = 0; i + 1 < reply_size(hash); i += 2) {
    const std::string field = reply_string(reply_at(hash, i));
    std::string value = reply_string(reply_at(hash, i + 1));
    if (field == "release_id") r.release_id = std::move(value);
    else if (field == "intake_entry_id") r.intake_entry_id = std::move(value);
    else if (field == "payload") r.payload = std::move(value);
    else if (field == "format") r.format = std::move(value);
    else if (field == "content_digest") r.content_digest = std::move(value);
    else if (field == "screen_digest") r.screen_digest = std::move(value);
    else if (field == "matches") r.matches = screen_matches_from_json(value);
    else if (field == "reason") r.reason = std::move(value);
    else if (field == "held_ms") r.held_at_ms = to_int(value);
    else if (field == "first_held_ms") r.first_held_at_ms = to_int(value);
    else if (field == "submissions") r.submissions = to_int(value);
    else if (field == "state") r.released = value == "released";
    else if (field == "released_ms") r.released_at_ms = to_int(value);
  }
  return r;
}

}  // namespace

Result<HoldOutcome> RedisDeliveryLedger::hold(const HeldRecord& record) {
  if (record.release_id.empty()) return fail(Error::invalid("hold: a held release needs its id"));
  auto reply = run(lua::hold, {record.intake_entry_id, record.release_id, record.payload, record.format,
                               record.content_digest, record.screen_digest, screen_matches_json(record.matches),
                               bounded(record.reason, 2048), std::to_string(record.held_at_ms)});
  if (!reply) return fail(reply.error());
  const std::string outcome = reply_string(reply_at(reply->get(), 0));
  if (outcome == "held") return HoldOutcome::held;
  if (outcome == "updated") return HoldOutcome::updated;
  if (outcome == "already_admitted") return HoldOutcome::already_admitted;
  return fail(Error::transient("hold: unexpected reply '" + bounded(outcome, quoted_value_bytes) + "'"));
}

Result<std::vector<HeldRecord>> RedisDeliveryLedger::held(int limit) {
  std::vector<HeldRecord> records;
  if (limit <= 0) return records;
  auto ids = redis_.command({"ZREVRANGE", key("held"), "0", std::to_string(limit - 1)});
  if (!ids) return fail(ids.error());
  std::vector<RedisArgs> reads;
  for (std::size_t i = 0; i < reply_size(ids->get()); ++i) {
    reads.push_back({"HGETALL", key("held:" + reply_string(reply_at(ids->get(), i)))});
  }
  if (reads.empty()) return records;
  auto hashes = redis_.pipeline(reads);
  if (!hashes) return fail(hashes.error());
  for (const auto& hash : *hashes) {
    if (reply_size(hash.get()) == 0) continue;
    HeldRecord record = held_from(hash.get());
    if (!record.released) records.push_back(std::move(record));  // released between the two reads
  }
  return records;
}

Result<std::optional<HeldRecord>> RedisDeliveryLedger::held_release(const std::string& release_id) {
  auto hash = redis_.command({"HGETALL", key("held:" + release_id)});
  if (!hash) return fail(hash.error());
  if (reply_size(hash->get()) == 0) return std::optional<HeldRecord>{};
  return std::optional<HeldRecord>{held_from(hash->get())};
}

}  // namespace fabu
