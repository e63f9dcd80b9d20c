// Run-time token replacements and the lanes' circuit-breaker settings.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "queue/lua_scripts.h"
#include "queue/redis_delivery_ledger.h"

namespace fabu {
namespace {

std::string override_json(const TokenOverride& t, const std::string& sealed_token) {
  return nlohmann::json{{"channel", t.channel},   {"destination", t.destination}, {"sealed_token", sealed_token},
                        {"replaces", t.replaces}, {"expires", t.expires},         {"set_at_ms", t.set_at_ms}}
      .dump();
}

enum class Readable { yes, no, skip };

// A record that does not parse is skipped: it cannot name a token to use. One whose token does not
// open is reported as unreadable. Records written before tokens were sealed carry "token" in clear.
Readable override_from(const std::string& lane, const std::string& text, const std::optional<SealingKey>& key,
                       TokenOverride& t) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Readable::skip;
  t.lane = lane;
  t.channel = doc.value("channel", "");
  t.destination = doc.value("destination", "");
  t.replaces = doc.value("replaces", "");
  t.expires = doc.value("expires", "");
  t.set_at_ms = doc.value("set_at_ms", std::int64_t{0});
  if (t.channel.empty() || t.destination.empty()) return Readable::skip;
  if (const std::string sealed = doc.value("sealed_token", ""); !sealed.empty()) {
    if (!key) return Readable::no;
    auto opened = unseal(*key, sealed, lane);
    if (!opened) return Readable::no;
    t.token = std::move(*opened);
  } else {
    t.token = doc.value("token", "");
  }
  return t.token.empty() ? Readable::skip : Readable::yes;
}

}  // namespace

Result<int> RedisDeliveryLedger::set_token(const TokenOverride& token) {
  if (token.lane.empty() || token.token.empty()) return fail(Error::invalid("set_token: empty lane or token"));
  if (!token_key_) {
    return fail(Error::config(
        "tokens set at run time are kept sealed in Redis, and no key is configured: set redis.token_key_file "
        "to a file holding `openssl rand -base64 32` (mode 0600, the same file for every fabud)"));
  }
  auto sealed = seal(*token_key_, token.token, token.lane);
  if (!sealed) return fail(sealed.error());
  auto reply = run(lua::set_token, {token.lane, override_json(token, *sealed)});
  if (!reply) return fail(reply.error());
  return static_cast<int>(reply_integer(reply->get()));
}

Result<std::int64_t> RedisDeliveryLedger::tokens_version() {
  auto reply = redis_.command({"GET", key("tokens_version")});
  if (!reply) return fail(reply.error());
  return to_int64(reply_string(reply->get()));
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
  out.version = to_int64(reply_string(reply_at(exec, 0)));
  const redisReply* hash = reply_at(exec, 1);
  for (std::size_t i = 0; i + 1 < reply_size(hash); i += 2) {
    TokenOverride t;
    const std::string lane = reply_string(reply_at(hash, i));
    switch (override_from(lane, reply_string(reply_at(hash, i + 1)), token_key_, t)) {
      case Readable::yes: out.overrides.push_back(std::move(t)); break;
      case Readable::no: out.unreadable.push_back(lane); break;
      case Readable::skip: break;
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
