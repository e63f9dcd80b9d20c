// fabuctl held, and the held part of fabuctl status: releases the privacy screen holds, shown with
// their masked matches, the screen digest and the commands that override it.
#pragma once

#include "cli/commands.h"
#include "queue/delivery_ledger.h"

namespace fabu::cli {

// Lists the releases held now, latest first (`--json`: the same fields as GET /v1/held).
// Returns 0, or 1 when Redis fails.
int held_list(DeliveryLedger& ledger, const ScreenPolicy& policy, int limit, bool json);

// One held record on stdout: when, each match (field, byte offset, kind, masked text), the digest,
// and how to override it with the first of policy.override_roles; or, with `json`, the fields of
// GET /v1/held plus "state" ("held" or "released").
void show_held(const HeldRecord& record, const ScreenPolicy& policy, bool json);

}  // namespace fabu::cli
