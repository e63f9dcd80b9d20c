// Run-time token replacements and the lanes' circuit-breaker settings.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "queue/lua_scripts.h"
#include "queue/redis_delivery_ledger.h"

namespace fabu {
namespace {

std::int64_t parse_int(const std::string& text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string override_json(const TokenOverride& t) {
  return nlohmann::json{{"channel", t.channel}, {"destination", t.destination}, {"token", t.token},
                        {"replaces", t.replaces}, {"expires", t.expires}, {"set_at_ms", t.set_at_ms}}
      .dump();
}

// A record that does not parse is skipped: it cannot name a token to use.
std::optional<TokenOverride> override_from(const std::string& lane, const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  TokenOverride t;
  t.lane = lane;
  t.channel = doc.value("channel", "");
  t.destination = doc.value("destination", "");
  t.token = doc.value("token", "");
  t.replaces = doc.value("replaces", "");
  t.expires = doc.value("expires", "");
  t.set_at_ms = doc.value("set_at_ms", std::int64_t{0});
  if (t.channel.empty() || t.destination.empty() || t.token.empty()) return std::nullopt;
  return t;
}

}  // namespace

Result<int> RedisDeliveryLedger::set_token(const TokenOverride& token) {
  if (token.lane.empty() || token.token.empty()) return fail(Error::invalid("set_token: empty lane or token"));
  auto reply = run(lua::set_token, {token.lane, override_json(token)});
  if (!reply) return fail(reply.error());
  return static_cast<int>(reply_integer(reply->get()));
}

Result<std::int64_t> RedisDeliveryLedger::tokens_version() {
  auto reply = redis_.command({"GET", key("tokens_version")});
  if (!reply) return fail(reply.error());
  return parse_int(reply_string(reply->get()));
}

Result<TokenOverrides> RedisDeliveryLedger::token_overrides() {
  // One round trip (MULTI/EXEC) so the version always belongs to the overrides read with it.
  auto replies = redis_.pipeline(
      {{"MULTI"}, {"GET", key("tokens_version")}, {"HGETALL", key("tokens")}, {"EXEC"}});
  if (!replies) return fail(replies.error());
  const redisReply* exec = replies->back().get();
  if (reply_is_error(exec) || reply_size(exec) != 2) {
    return fail(Error::transient("reading the token overrides failed: unexpected reply"));
  }
  TokenOverrides out;
  out.version = parse_int(reply_string(reply_at(exec, 0)));
  const redisReply* hash = reply_at(exec, 1);
  for (std::size_t i = 0; i + 1 < reply_size(hash); i += 2) {
    if (auto t = override_from(reply_string(reply_at(hash, i)), reply_string(reply_at(hash, i + 1)))) {
      out.overrides.push_back(std::move(*t));
    }
  }
  std::sort(out.overrides.begin(), out.overrides.end(),
            [](const TokenOverride& a, const TokenOverride& b) { return a.lane < b.lane; });
  return out;
}

Result<void> RedisDeliveryLedger::set_breaker(const BreakerSettings& settings) {
  auto reply = redis_.command({"HSET", key("breaker"), "failures", std::to_string(std::max(settings.failures, 0)),
                               "cooloff_ms", std::to_string(std::max<std::int64_t>(settings.cooloff.count(), 1))});
  if (!reply) return fail(reply.error());
  return {};
}

}  // namespace fabu
