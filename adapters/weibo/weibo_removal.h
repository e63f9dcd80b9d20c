// Deleting one of fabu's statuses (statuses/destroy) exactly once: a retraction, or the first half of a
// replacing correction. "Already deleted" (20101) is success; when an earlier destroy may have gone
// out, the account is read first; a post whose id was never recorded is found on the timeline.
//
// Runs asynchronously on the transport's threads and reports exactly once through its callback.
// Nothing here blocks, logs or returns an access token.
#pragma once

#include <functional>
#include <string>

#include "adapters/weibo/weibo_reply.h"
#include "adapters/weibo/weibo_timeline.h"

namespace fabu::weibo {

struct RemoveRequest {
  AccountCall call;
  std::string post_id;     // "" = not recorded: find it with `match`; none found = nothing to delete
  StatusMatch match;       // used only when post_id is empty
  bool in_doubt = false;   // an earlier destroy may have gone out: check before sending another
};

// Success carries what happened, for the delivery's note ("deleted 4900…", "already deleted (20101)").
// A failure has the kind a publish would get for the same reply; when no reply came, or a 5xx did, the
// destroy may have taken effect (may_have_taken_effect): the next attempt checks first.
using RemoveCallback = std::function<void(Result<std::string>)>;

void remove_post(RemoveRequest request, RemoveCallback done);

}  // namespace fabu::weibo
