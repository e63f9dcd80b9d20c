// Test support: a real redis-server and the fabu sandbox platform, each on a free loopback port.
#pragma once

#include <string>
#include <vector>

#include "tests/support/process.h"

namespace fabu::testing {

// A redis-server of its own, in a temp dir, on a free port. Stopped by the destructor.
// `fsync_always` (with appendonly) sets `appendfsync always`: every write is on disk before Redis
// replies, so even a SIGKILL of the server loses nothing it acknowledged.
class RedisServer {
 public:
  explicit RedisServer(bool appendonly = false, bool fsync_always = false);
  int port() const { return port_; }
  void stop();     // SIGTERM and wait (Redis writes its AOF on the way out)
  void kill();     // SIGKILL
  void start();    // (re)start on the same port and data dir
 private:
  TempDir dir_;
  int port_;
  bool appendonly_;
  bool fsync_always_ = false;
  ChildProcess process_;
};

// The sandbox platform (fabu-sandbox) on a free port. `extra_args` go to its command line.
class SandboxServer {
 public:
  explicit SandboxServer(std::vector<std::string> extra_args = {});
  int port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:<port>/2/"
  std::string admin_url() const; // "http://127.0.0.1:<port>/_sandbox/"
 private:
  TempDir dir_;
  int port_;
  ChildProcess process_;
};

// Minimal blocking HTTP/1.1 client over loopback for tests (GET/POST, no TLS, Connection: close).
struct SimpleResponse {
  int status = 0;
  std::string body;
};
// `bearer` non-empty: sent as `Authorization: Bearer <bearer>`.
SimpleResponse http_request(int port, const std::string& method, const std::string& path,
                            const std::string& body = {}, const std::string& content_type = "application/json",
                            const std::string& bearer = {});

}  // namespace fabu::testing

namespace fabu::testing {

// Port of a redis-server shared by the tests of this process: the one script/test started
// (FABU_TEST_REDIS_PORT) or, when run alone, one started on first use. Isolate tests with unique_prefix().
int shared_redis_port();

}  // namespace fabu::testing
