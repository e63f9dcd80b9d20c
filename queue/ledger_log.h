// LedgerLog: the capped Redis stream `<prefix>:{<prefix>}:log` that keeps fabu's delivery log in
// Redis, so that `fabuctl logs` shows every instance's deliveries in one place.
//
// Each entry has one field, `line`: the JSON object of the log line (time, level, event, release, ...:
// the same fields as fabud's log file; see README.md "The log"). The stream is trimmed with
// `XADD MAXLEN ~ max_len` on every write, so it holds roughly the last max_len events; entry ids are
// Redis's (`<unix ms>-<seq>`), so a time is also a place in the stream.
//
// The log is a record, not the authority: the ledger's hashes are. A failed append loses those lines
// from the stream only (the log file still has them).
//
// Thread rules: NOT thread-safe (one Redis connection). Give each thread its own, or guard it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "queue/redis_connection.h"

namespace fabu {

struct LogEntry {
  std::string id;    // the stream entry id, "1765000000123-0"
  std::string line;  // the JSON object
};

class LedgerLog {
 public:
  // Connects on first use. `max_len` caps the stream (approximately); REQUIRES: max_len > 0 for append.
  LedgerLog(RedisConfig config, std::int64_t max_len);

  // "<prefix>:{<prefix>}:log".
  static std::string key_for(const RedisConfig& config);

  // Appends the lines in order, all in one round trip (pipelined XADDs). Fails as a whole on an I/O
  // error or on the first error reply.
  Result<void> append(const std::vector<std::string>& lines);

  // Up to `count` entries with ids >= `from` ("-" for the oldest, or "<ms>" for a time), oldest first.
  Result<std::vector<LogEntry>> range(const std::string& from, std::size_t count);

  // The newest `count` entries, oldest first (XREVRANGE, reversed).
  Result<std::vector<LogEntry>> latest(std::size_t count);

  // Entries after id `after` ("$" for only new ones), waiting up to `block` for the first (> 0).
  // An empty vector means the wait ended with nothing new.
  Result<std::vector<LogEntry>> read_after(const std::string& after, std::chrono::milliseconds block,
                                           std::size_t count);

 private:
  RedisConnection redis_;
  std::string key_;
  std::int64_t max_len_;
};

// The id right after `id` in a stream ("5-1" -> "5-2"), for paging with XRANGE.
std::string next_stream_id(const std::string& id);

}  // namespace fabu
