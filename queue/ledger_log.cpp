#include "queue/ledger_log.h"

#include <algorithm>

#include <hiredis/hiredis.h>

namespace fabu {
namespace {

// [[id, [field, value, ...]], ...] -> entries; an entry without a `line` field is skipped.
std::vector<LogEntry> entries_from(const redisReply* list) {
  std::vector<LogEntry> out;
  for (std::size_t i = 0; i < reply_size(list); ++i) {
    const redisReply* entry = reply_at(list, i);
    const redisReply* fields = reply_at(entry, 1);
    for (std::size_t f = 0; f + 1 < reply_size(fields); f += 2) {
      if (reply_string(reply_at(fields, f)) == "line") {
        out.push_back({reply_string(reply_at(entry, 0)), reply_string(reply_at(fields, f + 1))});
        break;
      }
    }
  }
  return out;
}

}  // namespace

LedgerLog::LedgerLog(RedisConfig config, std::int64_t max_len)
    : redis_(config), key_(key_for(config)), max_len_(max_len) {}

std::string LedgerLog::key_for(const RedisConfig& config) {
  return key_base(config) + "log";
}

Result<void> LedgerLog::append(const std::vector<std::string>& lines) {
  if (lines.empty()) return {};
  std::vector<RedisArgs> commands;
  commands.reserve(lines.size());
  for (const auto& line : lines) {
    commands.push_back({"XADD", key_, "MAXLEN", "~", std::to_string(max_len_), "*", "line", line});
  }
  auto replies = redis_.pipeline(commands);
  if (!replies) return std::unexpected(replies.error());
  for (const auto& reply : *replies) {
    if (reply_is_error(reply.get())) return std::unexpected(redis_error_reply(*reply, "XADD to the log stream"));
  }
  return {};
}

Result<std::vector<LogEntry>> LedgerLog::range(const std::string& from, std::size_t count) {
  auto reply = redis_.command({"XRANGE", key_, from, "+", "COUNT", std::to_string(std::max<std::size_t>(count, 1))});
  if (!reply) return std::unexpected(reply.error());
  return entries_from(reply->get());
}

Result<std::vector<LogEntry>> LedgerLog::latest(std::size_t count) {
  auto reply = redis_.command({"XREVRANGE", key_, "+", "-", "COUNT", std::to_string(std::max<std::size_t>(count, 1))});
  if (!reply) return std::unexpected(reply.error());
  auto entries = entries_from(reply->get());
  std::reverse(entries.begin(), entries.end());
  return entries;
}

Result<std::vector<LogEntry>> LedgerLog::read_after(const std::string& after, std::chrono::milliseconds block,
                                                    std::size_t count) {
  const auto wait = std::max<std::int64_t>(block.count(), 1);
  auto reply = redis_.command({"XREAD", "COUNT", std::to_string(std::max<std::size_t>(count, 1)), "BLOCK",
                               std::to_string(wait), "STREAMS", key_, after},
                              block);
  if (!reply) return std::unexpected(reply.error());
  // [[stream, [entry, ...]]], or nil when the wait ended.
  return entries_from(reply_at(reply_at(reply->get(), 0), 1));
}

std::string next_stream_id(const std::string& id) {
  const auto dash = id.find('-');
  if (dash == std::string::npos) return id + "-1";
  return id.substr(0, dash + 1) + std::to_string(std::stoull(id.substr(dash + 1)) + 1);
}

}  // namespace fabu
