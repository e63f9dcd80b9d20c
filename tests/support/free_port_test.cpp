// free_port(): tests run in parallel, so a port handed to one test process must not go to another
// while the first lives, nor to the same process twice, and it must be bindable when handed out.
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace fabu::testing {
namespace {

int ephemeral_range_low() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  in >> low;
  return low;
}

TEST(FreePort, OneProcessNeverGetsAPortTwiceAndEachIsBelowTheEphemeralRange) {
  std::set<int> given;
  for (int i = 0; i < 100; ++i) {
    const int port = free_port();
    EXPECT_LT(port, ephemeral_range_low());
    EXPECT_GE(port, 1024);
    EXPECT_TRUE(given.insert(port).second) << "port " << port << " given twice";
  }
}

TEST(FreePort, TwoLiveProcessesNeverShareAPort) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  int go[2];
  ASSERT_EQ(::pipe(go), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    ::close(go[1]);
    for (int i = 0; i < 300; ++i) {
      const int port = free_port();
      if (::write(fds[1], &port, sizeof port) != sizeof port) ::_exit(2);
    }
    ::close(fds[1]);
    char done;
    [[maybe_unused]] auto n = ::read(go[0], &done, 1);  // stays alive, holding its ports, until told
    ::_exit(0);
  }
  ::close(fds[1]);
  ::close(go[0]);
  std::set<int> childs;
  int port = 0;
  while (::read(fds[0], &port, sizeof port) == sizeof port) childs.insert(port);
  ::close(fds[0]);
  ASSERT_EQ(childs.size(), 300u);
  int shared = 0;
  for (int i = 0; i < 300; ++i) shared += childs.count(free_port()) ? 1 : 0;
  ::close(go[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(shared, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace fabu::testing
