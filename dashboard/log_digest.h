// LogDigest: what the dashboard's panels take from the delivery log stream (queue/ledger_log.h): the
// deliveries of a stretch of time counted by outcome, and the releases most recently admitted. The log
// is a record, not the authority: a release's state comes from the ledger, this only finds its id.
//
// Pure: the entries come in as arguments. Thread rules: none (values only).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "queue/ledger_log.h"

namespace fabu {

struct OutcomeCounts {
  std::map<std::string, std::int64_t> deliveries;  // "delivery" events by outcome (delivered, retrying, ...)
  std::map<std::string, std::int64_t> intake;      // intake events by name (admitted, rejected, held, ...)
};

// Counts the entries whose stream time (the id's milliseconds) is `since_ms` or later. Lines that are
// not JSON objects are skipped.
OutcomeCounts count_outcomes(const std::vector<LogEntry>& entries, std::int64_t since_ms);

struct RecentRelease {
  std::string id;
  std::int64_t at_ms = 0;  // when it was last admitted or corrected (stream time)
};

// The releases of "admitted" and "corrected" events, newest first, each once, at most `limit`.
// `entries` oldest first, as LedgerLog returns them.
std::vector<RecentRelease> recent_releases(const std::vector<LogEntry>& entries, std::size_t limit);

// The milliseconds of a stream id ("1765000000123-0" -> 1765000000123); 0 when it has none.
std::int64_t stream_id_ms(const std::string& id);

}  // namespace fabu
