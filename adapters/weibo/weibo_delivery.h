// The HTTP conversations behind one Weibo delivery or retraction: post (share or repost), reconcile
// against the account's timeline when the outcome is uncertain, destroy.
//
// Each call runs asynchronously on the transport's threads and reports exactly once through its
// callback. Nothing here blocks; nothing here logs or returns an access token.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "adapters/adapter.h"
#include "adapters/http_transport.h"
#include "adapters/weibo/weibo_errors.h"

namespace fabu::weibo {

struct PostRequest {
  std::shared_ptr<HttpTransport> transport;
  std::string account;  // account id, for messages
  std::string token;
  std::string text;     // status text (share) or repost comment
  bool repost = false;
  std::string repost_of;  // the lead's post id, for a repost
  // What identifies our share on the timeline: a status containing `link`, or (no link) equal to `text`.
  std::string link;
  std::optional<MultipartFile> image;  // share only
  bool in_doubt = false;               // reconcile before posting
  std::string idempotency_key;         // sent as Idempotency-Key (the delivery id)
  std::chrono::milliseconds timeout{15000};
  // The channel's pause after a rate-limit reply without Retry-After (weibo_errors.h).
  std::chrono::seconds rate_limit_wait = kDefaultRateLimitWait;
};

void send_post(PostRequest request, DeliveryCallback done);

void destroy_post(std::shared_ptr<HttpTransport> transport, std::string account, std::string token,
                  std::string post_id, std::chrono::milliseconds timeout, RetractCallback done);

// Reads an image for statuses/share's `pic`: JPEG, PNG or GIF by magic bytes, under 5 MB. The error
// (permanent) names the file.
Result<MultipartFile> load_image(const std::string& path);

}  // namespace fabu::weibo
