// ExpiredTokens: the account lanes whose token is past its token_expires (the configured date, or the
// date given with a run-time replacement). AccountWatch fills it every poll; the dispatcher sends
// nothing with such a token: the delivery fails as an auth error, so its lane is parked needs_auth as
// if the platform had refused the token, until set-token or a reload brings a token that is valid.
//
// Thread rules: thread-safe (one mutex); replace() and contains() may be called from any thread.
#pragma once

#include <mutex>
#include <set>
#include <string>

namespace fabu {

class ExpiredTokens {
 public:
  void replace(std::set<std::string> lanes) {
    std::lock_guard lock(mu_);
    lanes_ = std::move(lanes);
  }
  bool contains(const std::string& lane) const {
    std::lock_guard lock(mu_);
    return lanes_.contains(lane);
  }

 private:
  mutable std::mutex mu_;
  std::set<std::string> lanes_;
};

}  // namespace fabu
