#include "daemon/reach_source.h"

#include <future>

namespace fabu {
namespace {

// Starts `start(callback)` and waits for its report. The transport always reports (its own timeout
// ends every request); the extra wait is a guard against an adapter that would not.
template <class T, class Start>
Result<T> wait_for_report(Start start, std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  start([promise](Result<T> result) { promise->set_value(std::move(result)); });
  constexpr auto kGrace = std::chrono::seconds(5);
  if (future.wait_for(timeout + kGrace) != std::future_status::ready) {
    return fail(Error::transient("reach: the platform did not answer within " +
                                 std::to_string((timeout + kGrace).count() / 1000) + " s"));
  }
  return future.get();
}

}  // namespace

std::vector<ReachSource::Account> ChannelReachSource::accounts() {
  const auto channels = channels_.get();
  std::vector<Account> out;
  for (const auto& name : channels->names()) {
    const Adapter* adapter = channels->find(name);
    if (adapter == nullptr || !adapter->reads_reach()) continue;
    for (const auto& account : adapter->accounts(name)) out.push_back({name, account.id});
  }
  return out;
}

Result<std::vector<AccountCounts>> ChannelReachSource::account_counts(const std::string& channel,
                                                                      const std::vector<std::string>& accounts) {
  const auto channels = channels_.get();  // keeps the adapter alive through the call
  Adapter* adapter = channels->find(channel);
  if (adapter == nullptr) return fail(Error::config("reach: channel " + channel + " is not configured"));
  return wait_for_report<std::vector<AccountCounts>>(
      [&](AccountCountsCallback done) { adapter->fetch_account_counts(accounts, timeout_, std::move(done)); }, timeout_);
}

Result<std::vector<PostCounts>> ChannelReachSource::post_counts(const std::string& channel, const std::string& account,
                                                                const std::vector<std::string>& post_ids) {
  const auto channels = channels_.get();
  Adapter* adapter = channels->find(channel);
  if (adapter == nullptr) return fail(Error::config("reach: channel " + channel + " is not configured"));
  return wait_for_report<std::vector<PostCounts>>(
      [&](PostCountsCallback done) { adapter->fetch_post_counts(account, post_ids, timeout_, std::move(done)); },
      timeout_);
}

}  // namespace fabu
