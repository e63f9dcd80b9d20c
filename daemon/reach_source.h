// ChannelReachSource: the reach poller's view of the configured channels (reach/reach_poller.h):
// their accounts and their adapters' count reads, made blocking for the poller's own thread.
//
// Thread rules: thread-safe (the channels are a Snapshot); the calls block the calling thread until
// the adapter reports, so call them only from a thread that may wait (never a transport thread).
#pragma once

#include <chrono>

#include "daemon/channel_set.h"
#include "daemon/snapshot.h"
#include "reach/reach_poller.h"

namespace fabu {

class ChannelReachSource final : public ReachSource {
 public:
  ChannelReachSource(const Snapshot<ChannelSet>& channels, std::chrono::milliseconds timeout)
      : channels_(channels), timeout_(timeout) {}

  std::vector<Account> accounts() override;
  Result<std::vector<AccountCounts>> account_counts(const std::string& channel,
                                                    const std::vector<std::string>& accounts) override;
  Result<std::vector<PostCounts>> post_counts(const std::string& channel, const std::string& account,
                                              const std::vector<std::string>& post_ids) override;

 private:
  const Snapshot<ChannelSet>& channels_;
  const std::chrono::milliseconds timeout_;
};

}  // namespace fabu
