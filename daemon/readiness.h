// Inspection readiness of the running config (core/inspection.h), from what Redis recorded: each
// account's last delivered post and each checked portal column's last article (the ledger's
// `activity`), each account's token expiry (the configured date, or a replacement's), and the broken
// internal links each portal recorded at its last rebuild.
// `fabuctl inspect` prints the findings; GET /metrics exports them as gauges.
//
// Thread rules: the ledger is used by the calling thread only (a DeliveryLedger is not thread-safe).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/inspection.h"
#include "daemon/channel_set.h"
#include "queue/delivery_ledger.h"

namespace fabu {

// The findings for every account of every channel and every checked column (ChannelSet::
// inspected_columns), as core's inspect() gives them, then one per broken link (broken_link_findings).
// Fails only when Redis does not answer.
Result<std::vector<InspectionFinding>> inspection_findings(DeliveryLedger& ledger, const ChannelSet& channels,
                                                           std::int64_t now_ms, const Date& today);

// Appends fabu_account_last_post_timestamp_seconds{channel,account} and
// fabu_portal_column_last_update_timestamp_seconds{channel,column} (unix seconds; no series when nothing
// was recorded), fabu_inspection_status{check,channel,target} (0 ok, 1 warn, 2 fail) and
// fabu_inspection_findings{check,verdict} (how many of each).
void render_inspection_metrics(std::string& out, const std::vector<InspectionFinding>& findings);

}  // namespace fabu
