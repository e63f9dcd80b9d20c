#include "tests/support/servers.h"

#include "tests/support/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fabu::testing {

RedisServer::RedisServer(bool appendonly, bool fsync_always)
    : port_(free_port()), appendonly_(appendonly), fsync_always_(fsync_always) {
  start();
}

void RedisServer::start() {
  std::vector<std::string> argv = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                   "--dir", dir_.path(), "--save", "", "--daemonize", "no",
                                   "--appendonly", appendonly_ ? "yes" : "no", "--logfile",
                                   dir_.path() + "/redis.log"};
  if (fsync_always_) argv.insert(argv.end(), {"--appendfsync", "always"});
  process_ = ChildProcess(argv);
  if (!wait_for_port(port_)) throw std::runtime_error("redis-server did not start on port " + std::to_string(port_));
}

void RedisServer::stop() {
  process_.signal(SIGTERM);
  process_.wait();
}

void RedisServer::kill() { process_.kill_and_wait(); }

struct RedisCluster::Node {
  TempDir dir;
  int port = 0;
  ChildProcess process;
};

std::string RedisCluster::cli(int port, const std::string& args) {
  std::string out;
  run_shell("redis-cli -p " + std::to_string(port) + " " + args, out);
  return out;
}

RedisCluster::RedisCluster(int primaries) {
  std::string addresses;
  for (int i = 0; i < primaries; ++i) {
    auto node = std::make_unique<Node>();
    node->port = free_port();
    node->process = ChildProcess(
        {"redis-server", "--port", std::to_string(node->port), "--bind", "127.0.0.1", "--dir", node->dir.path(),
         "--save", "", "--appendonly", "no", "--daemonize", "no", "--cluster-enabled", "yes",
         "--cluster-config-file", node->dir.path() + "/nodes.conf", "--cluster-port", std::to_string(free_port()),
         "--cluster-node-timeout", "5000", "--logfile", node->dir.path() + "/redis.log"});
    if (!wait_for_port(node->port)) throw std::runtime_error("cluster node did not start on " + std::to_string(node->port));
    addresses += " 127.0.0.1:" + std::to_string(node->port);
    ports_.push_back(node->port);
    nodes_.push_back(std::move(node));
  }
  std::string out;
  if (run_shell("redis-cli --cluster create" + addresses + " --cluster-replicas 0 --cluster-yes", out) != 0) {
    throw std::runtime_error("redis-cli --cluster create failed: " + out);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int port : ports_) {
    while (cli(port, "CLUSTER INFO").find("cluster_state:ok") == std::string::npos ||
           cli(port, "CLUSTER NODES").find("handshake") != std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("cluster did not reach cluster_state:ok");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

RedisCluster::~RedisCluster() = default;

std::string RedisCluster::node_id(int port) const {
  std::string id = cli(port, "CLUSTER MYID");
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
  return id;
}

int RedisCluster::owner_of(int slot, int port) const {
  // CLUSTER NODES: "<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot ranges...>"
  std::istringstream lines(cli(port, "CLUSTER NODES"));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string field; fields >> field;) f.push_back(field);
    if (f.size() < 9 || f[2].find("master") == std::string::npos) continue;
    for (std::size_t i = 8; i < f.size(); ++i) {
      if (f[i].starts_with("[")) continue;  // "[slot->-id]": a migration in progress
      const auto dash = f[i].find('-');
      const int first = std::stoi(f[i].substr(0, dash));
      const int last = dash == std::string::npos ? first : std::stoi(f[i].substr(dash + 1));
      if (first <= slot && slot <= last) return std::stoi(f[1].substr(f[1].find(':') + 1));
    }
  }
  return 0;
}

void RedisCluster::move_slot(int slot, int to_port, const std::function<void()>& between) {
  const int from_port = owner_of(slot);
  const std::string from_id = node_id(from_port), to_id = node_id(to_port), s = std::to_string(slot);
  cli(to_port, "CLUSTER SETSLOT " + s + " IMPORTING " + from_id);
  cli(from_port, "CLUSTER SETSLOT " + s + " MIGRATING " + to_id);
  std::string keys;
  std::istringstream listed(cli(from_port, "CLUSTER GETKEYSINSLOT " + s + " 100000"));
  for (std::string key; std::getline(listed, key);) {
    if (!key.empty()) keys += " '" + key + "'";
  }
  // One MIGRATE for all keys: the old owner is busy until they are all on the new one.
  if (!keys.empty()) {
    const std::string said = cli(from_port, "MIGRATE 127.0.0.1 " + std::to_string(to_port) + " '' 0 10000 KEYS" + keys);
    if (said.find("OK") == std::string::npos) throw std::runtime_error("MIGRATE failed: " + said);
  }
  if (between) between();
  for (int port : {to_port, from_port}) cli(port, "CLUSTER SETSLOT " + s + " NODE " + to_id);
  for (int port : ports_) {
    if (port != to_port && port != from_port) cli(port, "CLUSTER SETSLOT " + s + " NODE " + to_id);
  }
}

SandboxServer::SandboxServer(std::vector<std::string> extra_args) : port_(free_port()) {
  std::vector<std::string> argv = {FABU_SANDBOX_BIN, "--port", std::to_string(port_)};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = ChildProcess(argv, {}, dir_.path() + "/sandbox.log");
  if (!wait_for_port(port_)) throw std::runtime_error("fabu-sandbox did not start on port " + std::to_string(port_));
}

std::string SandboxServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/2/"; }
std::string SandboxServer::admin_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/_sandbox/"; }

SimpleResponse http_request(int port, const std::string& method, const std::string& path, const std::string& body,
                            const std::string& content_type, const std::string& bearer) {
  SimpleResponse response;
  const int fd = connect_loopback(port);
  if (fd < 0) return response;
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!bearer.empty()) request += "Authorization: Bearer " + bearer + "\r\n";
  if (!body.empty() || method == "POST") {
    request += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, 0);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  const auto header_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || header_end == std::string::npos) return response;
  response.status = std::stoi(raw.substr(9, 3));
  std::string head = raw.substr(0, header_end);
  std::string rest = raw.substr(header_end + 4);
  // Bodies from cpprestsdk may be chunked.
  std::string lower;
  for (char c : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("transfer-encoding: chunked") != std::string::npos) {
    std::string decoded;
    size_t pos = 0;
    while (pos < rest.size()) {
      const auto line_end = rest.find("\r\n", pos);
      if (line_end == std::string::npos) break;
      const size_t len = std::stoul(rest.substr(pos, line_end - pos), nullptr, 16);
      if (len == 0) break;
      decoded += rest.substr(line_end + 2, len);
      pos = line_end + 2 + len + 2;
    }
    response.body = decoded;
  } else {
    response.body = rest;
  }
  return response;
}

}  // namespace fabu::testing

namespace fabu::testing {

int shared_redis_port() {
  if (const char* env = std::getenv("FABU_TEST_REDIS_PORT"); env != nullptr && *env != '\0') return std::atoi(env);
  static RedisServer server;  // lives until the test process exits
  return server.port();
}

}  // namespace fabu::testing
