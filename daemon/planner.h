// ReleasePlanner: turns a validated Release into the deliveries the queue must carry out.
//
// It asks each targeted channel's adapter for its deliveries and wires the order between them: a
// delivery that needs the release's link waits for the link-producing delivery (the portal article),
// and a delivery with `after` waits for that destination in its own channel (a repost waits for the
// lead post). A release of revision > 1 also carries what a correction needs (Adapter::plan_correction):
// the queue uses that plan when an earlier revision is admitted, the first one otherwise. Pure apart from the adapters' const plan(): thread-safe.
#pragma once

#include <string>

#include "core/release.h"
#include "daemon/channel_set.h"
#include "queue/delivery_ledger.h"

namespace fabu {

// Every problem is reported with its field path (e.g. "targets.microblog[1]: unknown account 'x'").
// A conference's spokespersons must be in the roster (conference.spokespersons[i]).
std::expected<AdmitRequest, FieldErrors> plan_release(const Release& release, const ChannelSet& channels);

// A conference release's series (core/conference.h), each step planned as its own release, the
// notice first; digest and release_json are set. For any other release: the release alone.
// (daemon/conference_plan.cpp)
std::expected<std::vector<AdmitRequest>, FieldErrors> plan_series(const Release& release, const ChannelSet& channels);

// One derived release (a conference step, its cancellation or record) planned, with digest and json.
std::expected<AdmitRequest, FieldErrors> plan_derived(const Release& release, const ChannelSet& channels);

}  // namespace fabu
