// Test support: child processes and loopback ports, for tests that start real servers.
// Not thread-safe; use from the test's main thread.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fabu::testing {

// A TCP port on 127.0.0.1 that is free now and that no other test process running at the same time is
// given. A port the kernel picks (bind to port 0, then close) is not enough when tests run in
// parallel: until the server started with it binds it, the same port may go to another test's server
// or, being in the kernel's ephemeral range, to any outgoing connection. So the port comes from below
// that range, and is claimed with an flock on a file (`fabu-test-ports/<port>` in the temporary
// folder) that the process holds until it ends.
int free_port();

// Blocks until something accepts TCP connections on 127.0.0.1:port, or the timeout passes.
bool wait_for_port(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A child process. The destructor kills it (SIGKILL) and reaps it if it is still running.
class ChildProcess {
 public:
  ChildProcess() = default;
  // Starts argv[0] with the given extra environment; stdout/stderr go to `log_path` ("" = inherit).
  ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
               std::string log_path = {});
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  int pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Waits for exit; returns the exit status (128+signal when killed), -1 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void kill_and_wait();

 private:
  int pid_ = -1;
  int status_ = -1;
};

// A fresh temporary directory, removed (recursively) by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs a shell command line, feeding it `stdin_text`; returns its exit status (128 + signal when
// killed) and its stdout and stderr together in `output`.
int run_shell(const std::string& command, std::string& output, const std::string& stdin_text = {});

// How many times `what` occurs in `text` (non-overlapping).
inline std::size_t count_of(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); !what.empty() && at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

// "t<pid>_<counter>": a key prefix no other test uses.
std::string unique_prefix();

}  // namespace fabu::testing
