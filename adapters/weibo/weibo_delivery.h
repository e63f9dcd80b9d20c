// The HTTP conversation behind one Weibo post (a share or a repost): send it, and when the outcome
// is uncertain reconcile against the account's timeline instead of posting twice.
//
// Each call runs asynchronously on the transport's threads and reports exactly once through its
// callback. Nothing here blocks; nothing here logs or returns an access token.
#pragma once

#include <optional>
#include <string>

#include "adapters/adapter.h"
#include "adapters/weibo/weibo_reply.h"
#include "adapters/weibo/weibo_timeline.h"

namespace fabu::weibo {

struct PostRequest {
  AccountCall call;
  std::string text;       // status text (share) or repost comment
  std::string repost_of;  // "" = a share; else the id of the status to repost
  std::optional<MultipartFile> image;  // share only
  StatusMatch match;                   // what identifies this post on the timeline
  bool in_doubt = false;               // reconcile before posting
  std::string idempotency_key;         // sent as Idempotency-Key (the delivery id)
};

void send_post(PostRequest request, DeliveryCallback done);

// Reads an image for statuses/share's `pic`: JPEG, PNG or GIF by magic bytes, under 5 MB. The error
// (permanent) names the file.
Result<MultipartFile> load_image(const std::string& path);

}  // namespace fabu::weibo
