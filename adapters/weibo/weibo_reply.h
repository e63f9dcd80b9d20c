// The pieces every Weibo API call of one account shares: who is calling (AccountCall) and what a reply
// means to the sender (Reply). Plain values and pure functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "adapters/http_transport.h"
#include "adapters/weibo/weibo_errors.h"

namespace fabu::weibo {

// One account's side of a conversation with the platform. Holds the token: never log it.
struct AccountCall {
  std::shared_ptr<HttpTransport> transport;
  std::string account;  // account id, for messages
  std::string token;
  std::chrono::milliseconds timeout{15000};
  // The channel's pause after a rate-limit reply without Retry-After (weibo_errors.h).
  std::chrono::seconds rate_limit_wait = kDefaultRateLimitWait;
};

// A reply as far as the sender cares: status, Weibo's error code and text, the parsed body.
struct Reply {
  int http_status = 0;
  int error_code = 0;
  std::string error_text;
  std::string retry_after;
  nlohmann::json body;  // discarded (is_discarded()) when the body is not JSON
};

Reply read_reply(const HttpResponse& response);

// A statuses/share or statuses/repost reply: only what the sender uses, read in one pass without
// building the JSON document (a status carries its user object and more, for nothing here).
// Agrees with read_reply() and id_of(): `head.body` stays null, `is_object` says whether the body was
// a JSON object, `post_id` is id_of(body).
struct PostReply {
  Reply head;
  bool is_object = false;
  std::string post_id;
};
PostReply read_post_reply(const HttpResponse& response);

// The Error for a failed reply (REQUIRES: classify() gave neither success nor duplicate).
Error reply_error(const Reply& reply, const AccountCall& call);

// A status's id as a string ("" when it has none). Weibo ids exceed 2^53: the string form is preferred.
std::string id_of(const nlohmann::json& status);

// When a status was created, in unix ms, read from its `created_at`: Weibo's form
// "Sun Dec 06 12:00:00 +0800 2026", or ISO 8601 with a zone ("2026-12-06T12:00:00+08:00", "...Z").
// nullopt when the field is missing or in any other form: the caller must not guess.
std::optional<std::int64_t> created_at_ms(const nlohmann::json& status);

}  // namespace fabu::weibo
