#include "daemon/instance_heartbeat.h"

#include <unistd.h>

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

InstanceHeartbeat::InstanceHeartbeat(const RedisConfig& redis, std::string instance, std::chrono::milliseconds period)
    : registry_(redis), period_(period) {
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
  announce(unix_now_ms());
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
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, period_, [this] { return stopping_; })) return;
  }
}

}  // namespace fabu
