#include "daemon/instance_heartbeat.h"

#include <unistd.h>

#include <algorithm>
#include <array>

#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/version.h"

namespace fabu {
namespace {

std::string host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return name.data();
}

}  // namespace

InstanceHeartbeat::InstanceHeartbeat(const RedisConfig& redis, std::string instance, std::chrono::milliseconds lease,
                                     std::chrono::milliseconds period)
    // Three renewals per lease at least, so one lost to a slow Redis does not end the ownership.
    : registry_(redis), owners_(redis), lease_(lease), period_(std::min(period, std::max(lease / 3, std::chrono::milliseconds(100)))) {
  self_.name = std::move(instance);
  self_.version = std::string(version());
  self_.revision = std::string(revision());
  self_.host = host_name();
  self_.pid = static_cast<std::int64_t>(::getpid());
  self_.started_ms = unix_now_ms();
  self_.period_ms = period_.count();
  thread_ = std::thread([this] { run(); });
}

InstanceHeartbeat::~InstanceHeartbeat() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!token_.empty()) {
    // The dispatcher has stopped: nothing of these lanes is being sent, so the others may take them now.
    auto released = owners_.release(self_.name, token_);
    if (!released) {
      spdlog::warn("lane ownership: could not hand back the lanes of {} ({}); the other instances take them "
                   "when its lease runs out",
                   self_.name, released.error().message);
    }
  }
  announce(unix_now_ms());
}

void InstanceHeartbeat::renew_lanes() {
  // Renewals failed for longer than the lease: the others may have taken these lanes, so this
  // instance's ownership has ended and it starts a new one under a new token.
  const auto now = std::chrono::steady_clock::now();
  if (!token_.empty() && now - last_renewed_ > lease_) token_.clear();
  if (token_.empty()) {
    auto token = owners_.new_token(self_.name);
    if (!token) {
      if (!owners_failing_) spdlog::warn("lane ownership: {} could not get a token ({})", self_.name, token.error().message);
      owners_failing_ = true;
      return;
    }
    token_ = std::move(*token);
  }
  auto round = owners_.renew(self_.name, token_, lease_);
  if (!round) {
    if (!owners_failing_) {
      spdlog::warn("lane ownership: {} could not renew its lanes ({}); they pass to the other instances if this "
                   "lasts longer than the lease",
                   self_.name, round.error().message);
    }
    owners_failing_ = true;
    return;
  }
  owners_failing_ = false;
  last_renewed_ = now;
  if (round->taken > 0 || round->handed_back > 0 || !renewed_once_) {
    spdlog::info("lane ownership: {} owns {} of {} lanes ({} instances; took {}, handed back {})", self_.name,
                 round->owned, round->lanes, round->instances, round->taken, round->handed_back);
  }
  renewed_once_ = true;
  owned_ = round->owned;
}

void InstanceHeartbeat::announce(std::int64_t stopped_ms) {
  self_.seen_ms = unix_now_ms();
  self_.stopped_ms = stopped_ms;
  auto done = registry_.announce(self_);
  if (!done && !failing_) {
    spdlog::warn("instance registry: could not announce {} ({}); `fabuctl instances` shows it as silent until "
                 "Redis answers again",
                 self_.name, done.error().message);
  } else if (done && failing_) {
    spdlog::info("instance registry: {} announced again", self_.name);
  }
  failing_ = !done;
  if (!done) return;
  // Another process wrote this name's entry after our previous announcement: two instances share one
  // name (a predecessor that crashed never writes again, so a restart is not mistaken for this). Each
  // announcement replaces the entry atomically, so after our first one any entry of another pid or host
  // was written since; its seen_ms is not compared (two instances started in the same millisecond
  // announce in the same millisecond, and another host's clock may be behind).
  const auto& replaced = *done;
  const bool clash = replaced && last_written_ms_ > 0 && (replaced->pid != self_.pid || replaced->host != self_.host);
  if (clash && !clash_reported_) {
    spdlog::error("instance registry: another fabud (host {}, pid {}) also runs as instance '{}'; give each "
                  "instance its own [daemon] instance, or their intake claims and `fabuctl instances` mix up",
                  replaced->host, replaced->pid, self_.name);
  }
  clash_reported_ = clash;
  last_written_ms_ = self_.seen_ms;
}

void InstanceHeartbeat::run() {
  while (true) {
    announce(0);
    renew_lanes();
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, period_, [this] { return stopping_; })) return;
  }
}

}  // namespace fabu
