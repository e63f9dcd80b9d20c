#include "tests/support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fabu::testing {

namespace {

// True when nothing holds 127.0.0.1:port (a listener, or a connection bound to it).
bool bindable(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// The lowest port of the kernel's ephemeral range (net.ipv4.ip_local_port_range), 32768 if unreadable.
int ephemeral_low() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0;
  return in >> low && low > 2048 ? low : 32768;
}

// Claims a port for this process with an exclusive flock on its lock file. The descriptor is never
// closed: the kernel drops the lock when the process ends, however it ends.
bool claim(const std::filesystem::path& lock) {
  const int fd = ::open(lock.c_str(), O_CREAT | O_RDONLY | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true;
}

}  // namespace

int free_port() {
  const int high = ephemeral_low();
  const int low = std::max(1024, high - 12000);
  std::error_code ignored;
  const auto dir = std::filesystem::temp_directory_path() / "fabu-test-ports";
  std::filesystem::create_directories(dir, ignored);
  std::filesystem::permissions(dir, std::filesystem::perms::all, ignored);
  thread_local std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> pick(low, high - 1);
  for (int attempt = 0; attempt < 2000; ++attempt) {
    const int port = pick(random);
    if (!claim(dir / std::to_string(port))) continue;
    if (bindable(port)) return port;
    // Held by something outside the tests (script/test's own redis-server, say): the claim stays, so
    // this process does not try it again.
  }
  throw std::runtime_error("no free loopback port below " + std::to_string(high));
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

ChildProcess::ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env,
                           std::string log_path) {
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork() failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);
    if (!log_path.empty()) {
      int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::close(fd);
      }
    }
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "exec %s failed: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_), status_(other.status_) {
  other.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    kill_and_wait();
    pid_ = other.pid_;
    status_ = other.status_;
    other.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() { kill_and_wait(); }

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  const int r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
  }
  return false;
}

void ChildProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    if (!running()) break;
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

void ChildProcess::kill_and_wait() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    status_ = 128 + SIGKILL;
    pid_ = -1;
  }
}

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "fabu-test-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

namespace {

// Logs outlive the test when FABU_TEST_LOG_DIR is set (script/test sets it): the secrets scan that
// runs after every other test reads all of them (tests/secrets_scan.sh).
void keep_logs(const std::string& dir) {
  const char* keep = std::getenv("FABU_TEST_LOG_DIR");
  if (keep == nullptr || *keep == '\0') return;
  std::error_code ec;
  const auto target = std::filesystem::path(keep) / std::filesystem::path(dir).filename();
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".log") continue;
    const auto to = target / std::filesystem::relative(it->path(), dir, ec);
    std::filesystem::create_directories(to.parent_path(), ec);
    std::filesystem::copy_file(it->path(), to, std::filesystem::copy_options::overwrite_existing, ec);
  }
}

}  // namespace

TempDir::~TempDir() {
  keep_logs(path_);
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

int run_shell(const std::string& command, std::string& output, const std::string& stdin_text) {
  TempDir dir;
  const std::string out_path = dir.path() + "/out.txt";
  FILE* pipe = ::popen((command + " >" + out_path + " 2>&1").c_str(), "w");
  if (pipe == nullptr) return -1;
  if (!stdin_text.empty()) std::fputs(stdin_text.c_str(), pipe);
  const int status = ::pclose(pipe);
  output = read_file(out_path);
  return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

std::string unique_prefix() {
  // The pid alone repeats: with pid_max at 32768 a suite that starts thousands of processes reuses
  // pids, and the later test would find the earlier one's keys in the shared Redis. A random tag per
  // process keeps the prefixes apart.
  static const std::string tag = [] {
    std::random_device rd;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%08x%08x", rd(), rd());
    return std::string(hex);
  }();
  static std::atomic<int> counter{0};
  return "t" + std::to_string(::getpid()) + "_" + tag + "_" + std::to_string(counter++);
}

}  // namespace fabu::testing
