// The intake stream, rejects, wake-ups and server facts.
#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/bounded_text.h"
#include "core/text.h"
#include "queue/lua_scripts.h"
#include "queue/redis_delivery_ledger.h"

namespace fabu {
namespace {

constexpr const char* kGroup = "fabud";

// An entry with no `release` field or several: the reason names its fields, and the payload keeps
// what it carried (IntakeEntry::malformed).
void describe_malformed(const redisReply* fields, int releases, IntakeEntry& out) {
  constexpr std::size_t kNamesShown = 8;
  std::string names;
  std::size_t count = 0, others = 0;  // fields, and fields other than `format`
  const redisReply* other_value = nullptr;
  nlohmann::json all = nlohmann::json::array();
  for (std::size_t i = 0; i + 1 < reply_size(fields); i += 2) {
    const std::string name = reply_string(reply_at(fields, i));
    all.push_back({name, reply_string(reply_at(fields, i + 1))});
    if (count < kNamesShown) names += (count == 0 ? "" : ", ") + bounded(name, 64);
    ++count;
    if (name != "format") {
      ++others;
      other_value = reply_at(fields, i + 1);
    }
  }
  if (count > kNamesShown) names += ", and " + std::to_string(count - kNamesShown) + " more";
  if (releases > 1) {
    out.malformed = "entry has " + std::to_string(releases) + " `release` fields: one release per entry (its fields: " +
                    names + ")";
  } else {
    out.malformed = "entry has no `release` field (its fields: " + (names.empty() ? std::string("none") : names) +
                    "): the release goes in a field named `release`";
  }
  out.payload = releases == 0 && others == 1 ? reply_string(other_value)
                                             : all.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// One stream entry: [id, [field, value, ...]]. The field list is nil for an entry deleted after it
// was delivered (already admitted or rejected): such entries are skipped.
std::optional<IntakeEntry> entry_from(const redisReply* entry) {
  const redisReply* fields = reply_at(entry, 1);
  if (reply_size(entry) < 2 || reply_is_nil(fields)) return std::nullopt;
  IntakeEntry out;
  out.entry_id = reply_string(reply_at(entry, 0));
  out.format = "json";
  int releases = 0;
  for (std::size_t i = 0; i + 1 < reply_size(fields); i += 2) {
    const std::string name = reply_string(reply_at(fields, i));
    if (name == "release") {
      if (++releases == 1) out.payload = reply_string(reply_at(fields, i + 1));
    }
    if (name == "format") out.format = reply_string(reply_at(fields, i + 1));
  }
  out.has_release = releases == 1;
  if (!out.has_release) describe_malformed(fields, releases, out);
  return out;
}

std::string string_field(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<void> RedisDeliveryLedger::ensure_intake() {
  auto reply = redis_.command({"XGROUP", "CREATE", key("intake"), kGroup, "0", "MKSTREAM"});
  if (!reply && !reply.error().message.starts_with("BUSYGROUP")) return fail(reply.error());
  return {};
}

Result<std::string> RedisDeliveryLedger::enqueue(const std::string& payload, const std::string& format) {
  auto reply = redis_.command({"XADD", key("intake"), "*", "release", payload, "format", format});
  if (!reply) return fail(reply.error());
  return reply_string(reply->get());
}

Result<std::vector<IntakeEntry>> RedisDeliveryLedger::read_intake(const std::string& consumer, int count,
                                                                 std::chrono::milliseconds block) {
  RedisArgs args{"XREADGROUP", "GROUP", kGroup, consumer, "COUNT", std::to_string(std::max(count, 1))};
  // BLOCK 0 would mean "forever"; a non-positive wait is a plain poll.
  if (block.count() > 0) {
    args.push_back("BLOCK");
    args.push_back(std::to_string(block.count()));
  }
  args.insert(args.end(), {"STREAMS", key("intake"), ">"});
  auto reply = redis_.command(args, block);
  if (!reply && reply.error().message.starts_with("NOGROUP")) {
    // Someone deleted the stream (FLUSHDB, a new Redis): recreate it rather than fail forever.
    if (auto ok = ensure_intake(); !ok) return fail(ok.error());
    reply = redis_.command(args, block);
  }
  if (!reply) return fail(reply.error());
  std::vector<IntakeEntry> entries;
  // [[stream, [entry, ...]]], or nil when the block timed out.
  const redisReply* stream_entries = reply_at(reply_at(reply->get(), 0), 1);
  for (std::size_t i = 0; i < reply_size(stream_entries); ++i) {
    if (auto entry = entry_from(reply_at(stream_entries, i))) entries.push_back(std::move(*entry));
  }
  return entries;
}

Result<std::vector<IntakeEntry>> RedisDeliveryLedger::reclaim_intake(const std::string& consumer, int count,
                                                                    std::chrono::milliseconds min_idle) {
  std::vector<IntakeEntry> entries;
  std::string cursor = "0-0";
  // XAUTOCLAIM scans the pending list in pages; follow the cursor until a full batch or the end.
  for (int page = 0; page < 64 && static_cast<int>(entries.size()) < count; ++page) {
    auto reply = redis_.command({"XAUTOCLAIM", key("intake"), kGroup, consumer, std::to_string(min_idle.count()),
                                 cursor, "COUNT", std::to_string(count - static_cast<int>(entries.size()))});
    if (!reply) {
      if (reply.error().message.starts_with("NOGROUP")) return entries;  // nothing was ever read
      return fail(reply.error());
    }
    const redisReply* claimed = reply_at(reply->get(), 1);
    for (std::size_t i = 0; i < reply_size(claimed); ++i) {
      if (auto entry = entry_from(reply_at(claimed, i))) entries.push_back(std::move(*entry));
    }
    cursor = reply_string(reply_at(reply->get(), 0), "0-0");
    if (cursor == "0-0") break;
  }
  if (entries.empty()) return entries;
  // XAUTOCLAIM does not say how often an entry was handed out; XPENDING's extended form does.
  std::vector<RedisArgs> queries;
  for (const auto& entry : entries) {
    queries.push_back({"XPENDING", key("intake"), kGroup, entry.entry_id, entry.entry_id, "1"});
  }
  auto replies = redis_.pipeline(queries);
  if (!replies) return fail(replies.error());
  for (std::size_t i = 0; i < entries.size() && i < replies->size(); ++i) {
    // [[id, consumer, idle_ms, delivery_count]]; empty when the entry was acknowledged meanwhile.
    const redisReply* row = reply_at((*replies)[i].get(), 0);
    if (reply_size(row) >= 4) entries[i].deliveries = reply_integer(reply_at(row, 3));
  }
  return entries;
}

Result<std::int64_t> RedisDeliveryLedger::intake_depth() {
  // admit and reject delete the entry they acknowledge, so the stream holds exactly the entries not
  // yet read plus those read and still pending. (XINFO's `lag` would do, but Redis withholds it once
  // entries were deleted near the group's last-read id, which here is always.)
  auto length = redis_.command({"XLEN", key("intake")});
  if (!length) return fail(length.error());
  return reply_integer(length->get());
}

Result<void> RedisDeliveryLedger::reject(const RejectRecord& record) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& error : record.errors) errors.push_back({{"path", error.path}, {"reason", error.reason}});
  nlohmann::json json{{"intake_entry_id", record.intake_entry_id},
                      {"release_id", bounded(record.release_id, quoted_value_bytes)},
                      {"at_ms", record.at_ms != 0 ? record.at_ms : now_unix_ms()},
                      {"errors", errors}};
  // The payload is kept so that nothing is lost, but a record never grows past the document limit:
  // anything that large was refused unread, and its first bytes are enough to recognise it.
  const bool cut = record.payload.size() > ReleaseLimits::document_bytes;
  const std::string kept = cut ? bounded(record.payload, ReleaseLimits::document_bytes) : record.payload;
  if (cut) {
    json["payload_bytes"] = record.payload.size();
    json["payload_cut"] = true;
  }
  // A payload that is not UTF-8 reads as text with replacement characters, and its exact bytes are
  // kept beside it.
  if (!is_valid_utf8(kept)) json["payload_base64"] = base64_encode(kept);
  json["payload"] = kept;
  auto reply = run(lua::reject, {record.intake_entry_id, json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  if (!reply) return fail(reply.error());
  return {};
}

Result<std::vector<RejectRecord>> RedisDeliveryLedger::rejects(int limit) {
  std::vector<RejectRecord> records;
  if (limit <= 0) return records;
  auto reply = redis_.command({"LRANGE", key("rejects"), "0", std::to_string(limit - 1)});
  if (!reply) return fail(reply.error());
  for (std::size_t i = 0; i < reply_size(reply->get()); ++i) {
    auto json = nlohmann::json::parse(reply_string(reply_at(reply->get(), i)), nullptr, false);
    if (json.is_discarded() || !json.is_object()) continue;
    RejectRecord record;
    // Anyone who can write to Redis can write here: a field of the wrong type reads as empty.
    record.intake_entry_id = string_field(json, "intake_entry_id");
    record.release_id = string_field(json, "release_id");
    if (auto at = json.find("at_ms"); at != json.end() && at->is_number_integer()) record.at_ms = at->get<std::int64_t>();
    record.payload = string_field(json, "payload");
    record.payload_base64 = string_field(json, "payload_base64");
    // Lua's cjson writes an empty array as {}; only arrays carry errors.
    if (auto it = json.find("errors"); it != json.end() && it->is_array()) {
      for (const auto& error : *it) {
        if (error.is_object()) record.errors.push_back({string_field(error, "path"), string_field(error, "reason")});
      }
    }
    records.push_back(std::move(record));
  }
  return records;
}

Result<void> RedisDeliveryLedger::notify() {
  auto replies = redis_.pipeline({{"LPUSH", key("wake"), "1"}, {"LTRIM", key("wake"), "0", "63"}});
  if (!replies) return fail(replies.error());
  for (const auto& reply : *replies) {
    if (reply_is_error(reply.get())) return fail(redis_error_reply(*reply, "notify"));
  }
  return {};
}

Result<bool> RedisDeliveryLedger::wait_notify(std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) {
    auto reply = redis_.command({"LPOP", key("wake")});
    if (!reply) return fail(reply.error());
    return !reply_is_nil(reply->get());
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(timeout.count()) / 1000.0);
  auto reply = redis_.command({"BLPOP", key("wake"), seconds}, timeout);
  if (!reply) return fail(reply.error());
  return !reply_is_nil(reply->get());
}

Result<bool> RedisDeliveryLedger::aof_enabled() {
  // INFO works where CONFIG is renamed away, as managed Redis services often do.
  auto reply = redis_.command({"INFO", "persistence"});
  if (!reply) return fail(reply.error());
  return reply_string(reply->get()).find("aof_enabled:1") != std::string::npos;
}

}  // namespace fabu
