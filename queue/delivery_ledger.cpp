#include "queue/delivery_ledger.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include <hiredis/hiredis.h>

#include "queue/redis_delivery_ledger.h"

namespace fabu {

std::int64_t to_int64(std::string_view text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

Error script_shape_error(std::string_view script) {
  return Error::transient("script " + std::string(script) + " returned an unexpected reply");
}

Result<std::unique_ptr<DeliveryLedger>> DeliveryLedger::connect(const RedisConfig& config) {
  // The prefix becomes a hash tag; braces inside it would make Redis Cluster hash something else.
  if (config.prefix.empty() || config.prefix.find_first_of("{}") != std::string::npos) {
    return fail(Error::config("redis.prefix must be non-empty and contain no braces, got '" + config.prefix + "'"));
  }
  auto ledger = std::make_unique<RedisDeliveryLedger>(config);
  if (auto ok = ledger->ensure_connected(); !ok) return fail(ok.error());
  return std::unique_ptr<DeliveryLedger>(std::move(ledger));
}

Result<void> DispatchLedger::complete(const std::vector<Completion>& completions, std::int64_t now_ms) {
  if (auto applied = apply_completions(completions, now_ms); !applied) return fail(applied.error());
  return {};
}

Result<std::optional<DeliveryStatus>> LedgerQueries::delivery(const std::string& delivery_id) {
  auto parsed = DeliveryId::parse(delivery_id);
  if (!parsed) return std::optional<DeliveryStatus>();
  const std::string& release_id = parsed->release;
  auto all = deliveries_of(release_id);
  if (!all) return fail(all.error());
  for (auto& status : *all) {
    if (status.id == delivery_id) return std::optional<DeliveryStatus>(std::move(status));
  }
  return std::optional<DeliveryStatus>();
}

RedisDeliveryLedger::RedisDeliveryLedger(const RedisConfig& config)
    : redis_(config), base_(key_base(config)), token_key_(config.token_key) {}

Result<RedisReplyPtr> RedisDeliveryLedger::run(const RedisScript& script, RedisArgs args) {
  args.insert(args.begin(), base_);
  return redis_.eval(script, {key("serial")}, std::move(args));
}

DeliveryStatus delivery_status_from(const std::string& id, const redisReply* hash) {
  DeliveryStatus status;
  status.id = id;
  for (std::size_t i = 0; i + 1 < reply_size(hash); i += 2) {
    std::string field = reply_string(reply_at(hash, i));
    std::string value = reply_string(reply_at(hash, i + 1));
    if (field == "state") {
      status.state = delivery_state_from(value).value_or(DeliveryState::queued);
    } else if (field == "channel") {
      status.channel = std::move(value);
    } else if (field == "dest") {
      status.destination = std::move(value);
    } else if (field == "lane") {
      status.lane = std::move(value);
    } else if (field == "attempt") {
      status.attempt = static_cast<int>(to_int64(value));
    } else if (field == "owner") {
      status.owner = std::move(value);
    } else if (field == "post_id") {
      status.post_id = std::move(value);
    } else if (field == "url") {
      status.url = std::move(value);
    } else if (field == "note") {
      status.note = std::move(value);
    } else if (field == "error") {
      status.last_error = std::move(value);
    } else if (field == "error_kind") {
      status.error_kind = std::move(value);
    } else if (field == "next_at") {
      status.next_at_ms = to_int64(value);
    } else if (field == "updated_ms") {
      status.updated_at_ms = to_int64(value);
    } else if (field == "release") {
      status.release_id = std::move(value);
    } else if (field == "waits_on") {
      status.waits_on = std::move(value);
    } else if (field == "in_doubt") {
      status.in_doubt = value == "1";
    } else if (field == "dropped") {
      status.dropped = value == "1";
    } else if (field == "op") {
      status.operation = operation_from(value).value_or(Operation::publish);
    } else if (field == "rev") {
      status.revision = std::max(1, static_cast<int>(to_int64(value)));
    } else if (field == "prev") {
      status.previous = std::move(value);
    }
  }
  // The scripts leave these two as they were when a delivery moves on (PROTOCOL.md, `d:`): each is
  // reported only in the states that set it.
  if (status.state != DeliveryState::sending) status.owner.clear();
  if (status.state != DeliveryState::queued && status.state != DeliveryState::retrying) status.next_at_ms = 0;
  return status;
}

}  // namespace fabu
