// Benchmark plumbing: child processes (redis-server, fabu-sandbox, fabud, node), loopback ports, the
// CPU time a process has used, and a minimal HTTP GET for the sandbox's admin endpoints.
//
// Everything here runs on the benchmark's main thread only; nothing is thread-safe. The benchmark is a
// program, not a test, so failures to start a server are reported as exceptions caught in main().
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fabu::bench {

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();
// True once something accepts connections on 127.0.0.1:port, false after `timeout`.
bool wait_for_port(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A child process whose stdout and stderr go to a log file. The destructor stops it: SIGTERM, a short
// grace period, then SIGKILL, and reaps it, so a benchmark that throws leaves nothing running.
class Subprocess {
 public:
  Subprocess() = default;
  Subprocess(const std::vector<std::string>& argv, const std::string& log_path,
             const std::map<std::string, std::string>& env = {});
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  int pid() const { return pid_; }
  // Waits for the process to exit by itself; returns its exit code, or -1 after `timeout`.
  int wait(std::chrono::milliseconds timeout);
  void stop();  // SIGTERM, then SIGKILL after 5 s; idempotent

 private:
  int pid_ = -1;
};

// A fresh directory under $TMPDIR (or /tmp), removed with its contents by the destructor unless kept.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

// User + system CPU time a process has used so far, all threads, in microseconds (from
// /proc/<pid>/stat, so with the kernel's clock-tick resolution, usually 10 ms). -1 when unreadable.
std::int64_t cpu_time_us(int pid);

// The most resident memory a running process has had (VmHWM of /proc/<pid>/status), in kB; -1 when
// unreadable.
std::int64_t peak_rss_kb(int pid);

// GET http://127.0.0.1:<port><path>; returns the body, "" when the server cannot be reached.
std::string http_get(int port, const std::string& path);

// redis-server on 127.0.0.1:<port> in `dir`, as production runs it: no RDB snapshots, and with `aof`
// the append-only file fsynced every second (else none, only to show what AOF costs).
std::vector<std::string> redis_server_command(int port, const std::string& dir, bool aof);

// Redis's used_memory in bytes (INFO memory, read with redis-cli), -1 when unreadable.
std::int64_t redis_used_memory(int port);

std::int64_t unix_ms();

// A self-signed certificate for 127.0.0.1 (an IP subjectAltName) and its key, written into `dir` by
// the openssl command: the sink serves it, fabud trusts it as [http] ca_file. Throws when openssl fails.
struct LoopbackCertificate {
  std::string cert;  // PEM file
  std::string key;   // PEM file
};
LoopbackCertificate make_loopback_certificate(const std::string& dir);

}  // namespace fabu::bench
