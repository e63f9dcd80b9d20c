// Reading reach from Weibo: users/counts.json (followers of up to 100 uids) and statuses/count.json
// (reposts, comments and attitudes of up to 100 statuses), both GET with the calling account's
// access_token.
//
// The parsers are pure and thread-safe; they read a reply defensively: an error reply becomes the
// Error the adapter's table gives its code (weibo_errors.h), a body that is not an array is a transient
// error, and entries without a usable id or counts are skipped. The fetches run on the transport's
// threads and report exactly once through their callback; nothing here blocks or logs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/weibo/weibo_reply.h"

namespace fabu::weibo {

// uid -> the channel's account id, for the accounts asked about.
using AccountsByUid = std::map<std::string, std::string>;

Result<std::vector<AccountCounts>> parse_user_counts(const Reply& reply, const AccountCall& call,
                                                     const AccountsByUid& accounts);
Result<std::vector<PostCounts>> parse_status_counts(const Reply& reply, const AccountCall& call);

// REQUIRES: 1 to kReachIdsPerCall uids / ids.
void fetch_user_counts(const AccountCall& call, AccountsByUid accounts, AccountCountsCallback done);
void fetch_status_counts(const AccountCall& call, const std::vector<std::string>& ids, PostCountsCallback done);

}  // namespace fabu::weibo
