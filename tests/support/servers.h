// Test support: a real redis-server and the fabu sandbox platform, each on a free loopback port.
#pragma once

#include <functional>
#include <memory>
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

// A Redis Cluster of `primaries` primaries and no replicas on loopback, each node in a temp dir of its
// own on a free port (its cluster bus on another, `cluster-port`), joined with `redis-cli --cluster
// create` and serving every slot (cluster_state:ok) when the constructor returns. Stopped by the destructor.
class RedisCluster {
 public:
  explicit RedisCluster(int primaries = 3);
  ~RedisCluster();
  const std::vector<int>& ports() const { return ports_; }
  // The port of the primary that serves `slot` now, as `port` sees it in CLUSTER NODES (0: none).
  int owner_of(int slot, int port) const;
  int owner_of(int slot) const { return owner_of(slot, ports_.front()); }
  std::string node_id(int port) const;  // CLUSTER MYID
  // Moves `slot` from its owner to the node on `to_port` the way resharding does (SETSLOT IMPORTING /
  // MIGRATING, MIGRATE of all its keys in one go, SETSLOT NODE on every node). `between` runs after the
  // keys moved and before the slot changes hands: the window in which the old owner answers ASK.
  void move_slot(int slot, int to_port, const std::function<void()>& between = {});
  // `redis-cli -p port <args>` and its output.
  static std::string cli(int port, const std::string& args);

 private:
  struct Node;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<int> ports_;
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
