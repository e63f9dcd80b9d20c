#include "tests/support/servers.h"

#include "tests/support/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

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
