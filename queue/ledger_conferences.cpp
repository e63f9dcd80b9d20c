// The `conferences` index: every conference release admitted, scored by its start (docs/PROTOCOL.md).
// Its deliveries are those of its steps, ordinary releases; only the list of conferences is kept here.
#include "queue/redis_delivery_ledger.h"

namespace fabu {

Result<void> RedisDeliveryLedger::index_conference(const std::string& release_id, std::int64_t starts_ms) {
  auto reply = redis_.command({"ZADD", key("conferences"), std::to_string(starts_ms), release_id});
  if (!reply) return fail(reply.error());
  return {};
}

Result<std::vector<ScheduledRelease>> RedisDeliveryLedger::conferences(std::int64_t from_ms, int limit) {
  auto range = scored_range("conferences", std::to_string(from_ms), "+inf", limit);
  if (!range) return fail(range.error());
  std::vector<ScheduledRelease> out;
  for (auto& [id, starts] : *range) out.push_back({std::move(id), starts});
  return out;
}

}  // namespace fabu
