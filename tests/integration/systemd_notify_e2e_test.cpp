// End to end: fabud speaks systemd's notify protocol (Type=notify) to a real datagram socket, as
// systemd would listen on it: READY=1 only once Redis answers, WATCHDOG=1 while it runs when a
// watchdog is set, RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 on SIGTERM.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace fabu::testing {
namespace {

// What systemd does for a Type=notify service: a datagram socket named in $NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    timeval tick{0, 100 * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tick, sizeof tick);
  }
  ~NotifySocket() { ::close(fd_); }

  // Every message received until one contains `wanted` or the time is up; true when it came.
  bool wait_for(const std::string& wanted, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      received_.emplace_back(buffer, static_cast<std::size_t>(n));
      if (received_.back().find(wanted) != std::string::npos) return true;
    }
    return false;
  }
  std::string all() const {
    std::string out;
    for (const auto& m : received_) out += "[" + m + "] ";
    return out;
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> received_;
};

TEST(SystemdNotifyE2E, ReadyOnlyOnceRedisAnswersThenWatchdogReloadAndStop) {
  RedisServer redis;
  Harness h({.redis_port = redis.port()});
  redis.stop();  // fabud starts while Redis is down: it must not say it is ready

  TempDir dir;
  NotifySocket systemd(dir.path() + "/notify");
  ChildProcess fabud({FABU_FABUD_BIN, "--config", h.config_path()},
                     {{"NOTIFY_SOCKET", dir.path() + "/notify"}, {"WATCHDOG_USEC", "400000"}},
                     dir.path() + "/fabud.log");
  EXPECT_FALSE(systemd.wait_for("READY=1", std::chrono::milliseconds(1500)))
      << "ready before Redis answered: " << systemd.all();

  redis.start();
  ASSERT_TRUE(systemd.wait_for("READY=1", std::chrono::seconds(15))) << systemd.all() << read_file(dir.path() + "/fabud.log");
  ASSERT_TRUE(systemd.wait_for("WATCHDOG=1", std::chrono::seconds(2))) << systemd.all();
  ASSERT_TRUE(systemd.wait_for("WATCHDOG=1", std::chrono::seconds(2))) << "the watchdog is fed repeatedly: " << systemd.all();

  fabud.signal(SIGHUP);
  ASSERT_TRUE(systemd.wait_for("RELOADING=1", std::chrono::seconds(5))) << systemd.all();
  ASSERT_TRUE(systemd.wait_for("READY=1", std::chrono::seconds(5))) << "ready again after the reload: " << systemd.all();

  fabud.signal(SIGTERM);
  ASSERT_TRUE(systemd.wait_for("STOPPING=1", std::chrono::seconds(5))) << systemd.all();
  EXPECT_EQ(fabud.wait(std::chrono::seconds(20)), 0);
}

}  // namespace
}  // namespace fabu::testing
