// ReleasePlanner: turns a validated Release into the deliveries the queue must carry out.
//
// It asks each targeted channel's adapter for its deliveries and wires the order between them: a
// delivery that needs the release's link waits for the link-producing delivery (the portal article),
// and a delivery with `after` waits for that destination in its own channel (a repost waits for the
// lead post). Pure apart from the adapters' const plan(): thread-safe.
#pragma once

#include <string>

#include "core/release.h"
#include "daemon/channel_set.h"
#include "queue/delivery_ledger.h"

namespace fabu {

std::string delivery_id(const std::string& release_id, const std::string& channel, const std::string& destination);

// Every problem is reported with its field path (e.g. "targets.microblog[1]: unknown account 'x'").
std::expected<AdmitRequest, FieldErrors> plan_release(const Release& release, const ChannelSet& channels);

}  // namespace fabu
