// The metrics read from Redis at each scrape of GET /metrics, apart from what the process counts
// (daemon/daemon_metrics.h): they describe the queue every instance shares, so every instance reports
// the same values (aggregate them with max(), not sum()).
//
// Families: fabu_redis_up, fabu_intake_depth, fabu_deliveries_queued, fabu_deliveries_in_flight,
// fabu_queue_deliveries{state}, fabu_queue_due_deliveries, fabu_queue_oldest_due_age_seconds,
// fabu_scheduled_releases, fabu_dead_letters, fabu_held_releases, fabu_accounts{channel,state},
// fabu_accounts_needs_auth, fabu_token_expiry_timestamp_seconds{channel,account}.
//
// Thread rules: the ledger is used by the calling thread only (a DeliveryLedger is not thread-safe).
#pragma once

#include <cstdint>
#include <string>

#include "core/release.h"
#include "daemon/channel_set.h"
#include "queue/delivery_ledger.h"

namespace fabu {

// Appends the families above. When Redis does not answer, fabu_redis_up is 0 and the families read
// from it are left out (a missing series is not a zero). Never throws for a Redis failure.
void render_queue_metrics(std::string& out, DeliveryLedger& ledger, const ChannelSet& channels, std::int64_t now_ms,
                          const Date& today);

// An account lane's state as fabu_accounts names it: needs_auth, token_expired, breaker_open, slowed
// or active (the first that applies).
std::string_view account_state(const LaneStatus& lane, bool token_expired, std::int64_t now_ms);

}  // namespace fabu
