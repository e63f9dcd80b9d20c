// fabu-sink: the cheapest Weibo stand-in fabu-bench can post to, so that the throughput scenarios
// measure fabud (or the BullMQ worker) and Redis, not the platform. It answers
//   POST .../statuses/share.json and .../statuses/repost.json  with a fixed Weibo-shaped status whose
//                                                              id/idstr is a counter (unique per post)
//   GET /_sink/stats                                           with {"posts":N}
// and 404 {"error_code":10014,...} to anything else. It checks no token and keeps no timeline: fabu's
// tests use the sandbox (fabu-sandbox) for behaviour; this is only a fast, well-formed HTTP/1.1 peer.
//
// One thread, one epoll loop, level-triggered, non-blocking sockets, keep-alive and pipelining; a
// request with `Connection: close` is answered, then its connection closed. Requests must carry
// Content-Length when they have a body (fabud, Node's http module and wrk all do). With --tls-cert and
// --tls-key it also serves HTTPS on --tls-port (OpenSSL, TLS 1.2+, the handshake done inside the first
// reads); --port stays plain HTTP (fabu-bench reads the post count there).
//
// usage: fabu-sink --port PORT [--tls-port PORT --tls-cert CERT.pem --tls-key KEY.pem]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

volatile sig_atomic_t g_stop = 0;  // set by SIGTERM/SIGINT; the loop polls it between waits

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

struct Connection {
  std::unique_ptr<SSL, SslFree> tls;  // null over plain HTTP
  std::string in;   // bytes received, not yet answered
  std::string out;  // answers not yet written
  bool close_after_out = false;  // the client asked for Connection: close
};

// Where a header's value starts in the head (before the blank line), case-insensitively; `name` is
// "\r\n" + the lower-case name + ":". npos when absent.
std::size_t header_value(std::string_view head, std::string_view name) {
  for (std::size_t at = 0; at + name.size() <= head.size(); ++at) {
    std::size_t i = 0;
    while (i < name.size() && std::tolower(static_cast<unsigned char>(head[at + i])) == name[i]) ++i;
    if (i == name.size()) return at + name.size();
  }
  return std::string_view::npos;
}

long content_length(std::string_view head) {
  const auto at = header_value(head, "\r\ncontent-length:");
  return at == std::string_view::npos ? -1 : std::strtol(head.data() + at, nullptr, 10);
}

bool asks_to_close(std::string_view head) {
  auto at = header_value(head, "\r\nconnection:");
  if (at == std::string_view::npos) return false;
  while (at < head.size() && head[at] == ' ') ++at;
  return head.size() - at >= 5 && std::tolower(static_cast<unsigned char>(head[at])) == 'c';
}

void append_reply(std::string& out, int status, std::string_view body) {
  char head[160];
  const int n = std::snprintf(head, sizeof head,
                              "HTTP/1.1 %d %s\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: %zu\r\n\r\n",
                              status, status == 200 ? "OK" : "Not Found", body.size());
  out.append(head, static_cast<std::size_t>(n));
  out.append(body);
}

class Sink {
 public:
  // Answers every complete request in `c.in`; false when the request is malformed (close it).
  bool serve(Connection& c) {
    for (;;) {
      const auto end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) return c.in.size() < 64 * 1024;
      const std::string_view head(c.in.data(), end);
      const long length = content_length(head);
      const std::size_t total = end + 4 + static_cast<std::size_t>(length < 0 ? 0 : length);
      if (c.in.size() < total) return true;
      answer(head, c.out);
      if (asks_to_close(head)) {
        c.close_after_out = true;
        c.in.clear();
        return true;
      }
      c.in.erase(0, total);
    }
  }

 private:
  void answer(std::string_view head, std::string& out) {
    const std::string_view line = head.substr(0, head.find("\r\n"));
    const bool post = line.starts_with("POST ");
    if (post && (line.find("/statuses/share.json") != std::string_view::npos ||
                 line.find("/statuses/repost.json") != std::string_view::npos)) {
      const std::uint64_t id = 5000000000000000ULL + ++posts_;
      char body[320];
      const int n = std::snprintf(body, sizeof body,
                                  "{\"created_at\":\"Sun Dec 06 12:00:00 +0800 2026\",\"id\":%llu,\"idstr\":\"%llu\","
                                  "\"mid\":\"%llu\",\"text\":\"\",\"source\":\"fabu-sink\",\"user\":{\"id\":6000000000,"
                                  "\"idstr\":\"6000000000\"},\"reposts_count\":0,\"comments_count\":0}",
                                  static_cast<unsigned long long>(id), static_cast<unsigned long long>(id),
                                  static_cast<unsigned long long>(id));
      append_reply(out, 200, std::string_view(body, static_cast<std::size_t>(n)));
    } else if (line.starts_with("GET /_sink/stats ")) {
      append_reply(out, 200, "{\"posts\":" + std::to_string(posts_) + "}");
    } else {
      append_reply(out, 404, R"({"error":"not served by fabu-sink","error_code":10014})");
    }
  }

  std::uint64_t posts_ = 0;
};

int listen_on(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4096) != 0) {
    std::fprintf(stderr, "fabu-sink: cannot listen on 127.0.0.1:%d: %s\n", port, std::strerror(errno));
    std::exit(1);
  }
  return fd;
}

constexpr long kWouldBlock = -1;
constexpr long kFailed = -2;

// Reads what is there into `buffer`: bytes read, 0 when the peer closed, kWouldBlock or kFailed.
long receive(int fd, Connection& c, char* buffer, std::size_t size) {
  if (!c.tls) {
    const ssize_t got = ::recv(fd, buffer, size, 0);
    if (got >= 0) return got;
    return errno == EAGAIN || errno == EWOULDBLOCK ? kWouldBlock : kFailed;
  }
  const int got = SSL_read(c.tls.get(), buffer, static_cast<int>(size));
  if (got > 0) return got;
  const int why = SSL_get_error(c.tls.get(), got);
  ERR_clear_error();
  // The handshake's own writes are small and fit the socket's buffer, so WANT_WRITE is waited out too.
  if (why == SSL_ERROR_WANT_READ || why == SSL_ERROR_WANT_WRITE) return kWouldBlock;
  return why == SSL_ERROR_ZERO_RETURN ? 0 : kFailed;
}

// Writes what it can; false when the peer is gone.
bool flush(int fd, Connection& c) {
  while (!c.out.empty()) {
    long n = 0;
    if (c.tls) {
      n = SSL_write(c.tls.get(), c.out.data(), static_cast<int>(c.out.size()));
      if (n <= 0) {
        const int why = SSL_get_error(c.tls.get(), static_cast<int>(n));
        ERR_clear_error();
        return why == SSL_ERROR_WANT_WRITE || why == SSL_ERROR_WANT_READ;
      }
    } else {
      n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    }
    c.out.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

// The server's TLS context from a PEM certificate (chain) and key; exits when they do not load.
SSL_CTX* tls_context(const char* cert, const char* key) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
    std::fprintf(stderr, "fabu-sink: cannot load %s / %s\n", cert, key);
    std::exit(2);
  }
  return ctx;
}

}  // namespace

int main(int argc, char** argv) {
  std::unordered_map<std::string_view, const char*> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  const bool tls = options.contains("--tls-port") && options.contains("--tls-cert") && options.contains("--tls-key");
  if (argc % 2 == 0 || !options.contains("--port") || options.size() != (tls ? 4U : 1U)) {
    std::fprintf(stderr, "usage: fabu-sink --port PORT [--tls-port PORT --tls-cert CERT.pem --tls-key KEY.pem]\n");
    return 2;
  }
  SSL_CTX* const tls_ctx = tls ? tls_context(options["--tls-cert"], options["--tls-key"]) : nullptr;
  struct sigaction action{};
  action.sa_handler = [](int) { g_stop = 1; };
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);

  const int listener = listen_on(std::atoi(options["--port"]));
  const int tls_listener = tls ? listen_on(std::atoi(options["--tls-port"])) : -1;
  const int poll = ::epoll_create1(0);
  for (const int fd : {listener, tls_listener}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (fd >= 0) ::epoll_ctl(poll, EPOLL_CTL_ADD, fd, &event);
  }

  Sink sink;
  std::unordered_map<int, Connection> connections;
  auto drop = [&](int fd) {
    ::epoll_ctl(poll, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    connections.erase(fd);
  };
  epoll_event ready[256];
  char buffer[65536];
  while (g_stop == 0) {
    const int n = ::epoll_wait(poll, ready, 256, 500);
    for (int i = 0; i < n; ++i) {
      const int fd = ready[i].data.fd;
      if (fd == listener || fd == tls_listener) {
        for (int client; (client = ::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
          const int one = 1;
          ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event add{};
          add.events = EPOLLIN;
          add.data.fd = client;
          ::epoll_ctl(poll, EPOLL_CTL_ADD, client, &add);
          Connection& c = connections[client];
          if (fd == tls_listener) {
            c.tls.reset(SSL_new(tls_ctx));
            SSL_set_fd(c.tls.get(), client);
            SSL_set_accept_state(c.tls.get());
          }
        }
        continue;
      }
      Connection& c = connections[fd];
      bool alive = true;
      if ((ready[i].events & EPOLLIN) != 0) {
        // TLS may hold decrypted bytes the socket no longer signals: read until it would block.
        for (long got; alive && (got = receive(fd, c, buffer, sizeof buffer)) != kWouldBlock;) {
          if (got > 0) {
            c.in.append(buffer, static_cast<std::size_t>(got));
            alive = sink.serve(c);
          } else {
            alive = false;
          }
          if (!c.tls) break;  // plain sockets: level-triggered epoll calls again
        }
      } else if ((ready[i].events & (EPOLLHUP | EPOLLERR)) != 0) {
        alive = false;
      }
      alive = alive && flush(fd, c) && !(c.close_after_out && c.out.empty());
      if (!alive) {
        drop(fd);
        continue;
      }
      // Wait for the socket to drain before reading more when an answer is still queued.
      epoll_event mod{};
      mod.events = c.out.empty() ? EPOLLIN : EPOLLOUT;
      mod.data.fd = fd;
      if ((ready[i].events & EPOLLOUT) != 0 || !c.out.empty()) ::epoll_ctl(poll, EPOLL_CTL_MOD, fd, &mod);
    }
  }
  for (auto& [fd, c] : connections) ::close(fd);
  connections.clear();
  if (tls_ctx != nullptr) SSL_CTX_free(tls_ctx);
  ::close(listener);
  if (tls_listener >= 0) ::close(tls_listener);
  ::close(poll);
  return 0;
}
