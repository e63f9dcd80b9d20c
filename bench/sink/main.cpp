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
// With --latency-ms N every answer (the stats too) leaves N ms after its request was read, as a slow
// platform would answer: no thread per request, the answers wait in a FIFO in the same epoll loop
// (one delay for all, so the FIFO is ordered by due time and keeps each connection's order). The post
// is counted when it is read. At start the soft RLIMIT_NOFILE is raised to the hard one, so that
// thousands of connections (one per request waiting out the latency) can be open at once.
//
// usage: fabu-sink --port PORT [--latency-ms N] [--tls-port PORT --tls-cert CERT.pem --tls-key KEY.pem]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

volatile sig_atomic_t g_stop = 0;  // set by SIGTERM/SIGINT; the loop polls it between waits

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

struct Connection {
  std::unique_ptr<SSL, SslFree> tls;  // null over plain HTTP
  std::uint64_t serial = 0;  // tells a later connection on the same fd from this one
  std::string in;   // bytes received, not yet answered
  std::string out;  // answers not yet written
  bool close_after_out = false;  // the client asked for Connection: close
};

using Clock = std::chrono::steady_clock;

// Answers held back by --latency-ms, oldest first.
struct DelayedAnswer {
  Clock::time_point due;
  int fd = -1;
  std::uint64_t serial = 0;
  std::string bytes;
  bool close_after = false;
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
  // Answers every complete request in `in` into `answers`, setting `close_after` when one asked to
  // close (what follows it is dropped); false when the request is malformed (close it).
  bool serve(std::string& in, std::string& answers, bool& close_after) {
    for (;;) {
      const auto end = in.find("\r\n\r\n");
      if (end == std::string::npos) return in.size() < 64 * 1024;
      const std::string_view head(in.data(), end);
      const long length = content_length(head);
      const std::size_t total = end + 4 + static_cast<std::size_t>(length < 0 ? 0 : length);
      if (in.size() < total) return true;
      answer(head, answers);
      if (asks_to_close(head)) {
        close_after = true;
        in.clear();
        return true;
      }
      in.erase(0, total);
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

// Lets this process hold as many descriptors as its hard limit allows (Debian's soft default is 1024).
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    std::fprintf(stderr, "fabu-sink: cannot raise the open files limit: %s\n", std::strerror(errno));
  }
}

// The epoll loop: the listeners, every connection, and the answers held back by the latency.
class Server {
 public:
  Server(SSL_CTX* tls_ctx, std::chrono::milliseconds latency) : tls_ctx_(tls_ctx), latency_(latency) {}
  ~Server() {
    for (auto& [fd, c] : connections_) ::close(fd);
    for (const int fd : listeners_) ::close(fd);
    ::close(poll_);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void listen(int port, bool tls) {
    const int fd = listen_on(port);
    watch(fd, EPOLLIN, EPOLL_CTL_ADD);
    listeners_.push_back(fd);
    if (tls) tls_listener_ = fd;
  }

  void run() {
    epoll_event ready[256];
    while (g_stop == 0) {
      const int n = ::epoll_wait(poll_, ready, 256, wait_ms());
      for (int i = 0; i < n; ++i) {
        const int fd = ready[i].data.fd;
        if (std::find(listeners_.begin(), listeners_.end(), fd) != listeners_.end()) {
          accept_all(fd);
        } else {
          on_ready(fd, ready[i].events);
        }
      }
      release_due();
    }
  }

 private:
  void watch(int fd, std::uint32_t events, int op) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    ::epoll_ctl(poll_, op, fd, &event);
  }

  // Until the oldest held answer is due (rounded up), or half a second to look at g_stop.
  int wait_ms() const {
    if (delayed_.empty()) return 500;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(delayed_.front().due - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 500));
  }

  void accept_all(int listener) {
    for (int client; (client = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
      const int one = 1;
      ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      watch(client, EPOLLIN, EPOLL_CTL_ADD);
      Connection& c = connections_[client];
      c.serial = ++serials_;
      if (listener == tls_listener_) {
        c.tls.reset(SSL_new(tls_ctx_));
        SSL_set_fd(c.tls.get(), client);
        SSL_set_accept_state(c.tls.get());
      }
    }
  }

  void on_ready(int fd, std::uint32_t events) {
    Connection& c = connections_[fd];
    bool alive = true;
    if ((events & EPOLLIN) != 0) {
      // TLS may hold decrypted bytes the socket no longer signals: read until it would block.
      for (long got; alive && (got = receive(fd, c, buffer_, sizeof buffer_)) != kWouldBlock;) {
        alive = got > 0 && take(fd, c, static_cast<std::size_t>(got));
        if (!c.tls) break;  // plain sockets: level-triggered epoll calls again
      }
    } else if ((events & (EPOLLHUP | EPOLLERR)) != 0) {
      alive = false;
    }
    settle(fd, c, alive, (events & EPOLLOUT) != 0);
  }

  // Serves what `got` bytes complete; the answers go out now or join the held ones.
  bool take(int fd, Connection& c, std::size_t got) {
    c.in.append(buffer_, got);
    std::string answers;
    bool close_after = false;
    const bool ok = sink_.serve(c.in, answers, close_after);
    if (latency_.count() == 0) {
      c.out += answers;
      c.close_after_out = c.close_after_out || close_after;
    } else if (!answers.empty()) {
      delayed_.push_back({Clock::now() + latency_, fd, c.serial, std::move(answers), close_after});
    }
    return ok;
  }

  // Writes what is due, closes a connection that is done, and waits for EPOLLOUT while output is queued.
  void settle(int fd, Connection& c, bool alive, bool was_waiting_to_write) {
    alive = alive && flush(fd, c) && !(c.close_after_out && c.out.empty());
    if (!alive) {
      ::epoll_ctl(poll_, EPOLL_CTL_DEL, fd, nullptr);
      ::close(fd);
      connections_.erase(fd);
      return;
    }
    if (was_waiting_to_write || !c.out.empty()) watch(fd, c.out.empty() ? EPOLLIN : EPOLLOUT, EPOLL_CTL_MOD);
  }

  // Hands every held answer that is due to its connection, unless that connection has gone since.
  void release_due() {
    const auto now = Clock::now();
    while (!delayed_.empty() && delayed_.front().due <= now) {
      DelayedAnswer answer = std::move(delayed_.front());
      delayed_.pop_front();
      const auto it = connections_.find(answer.fd);
      if (it == connections_.end() || it->second.serial != answer.serial) continue;
      Connection& c = it->second;
      const bool was_waiting_to_write = !c.out.empty();
      c.out += answer.bytes;
      c.close_after_out = c.close_after_out || answer.close_after;
      settle(answer.fd, c, true, was_waiting_to_write);
    }
  }

  SSL_CTX* const tls_ctx_;
  const std::chrono::milliseconds latency_;
  const int poll_ = ::epoll_create1(0);
  std::vector<int> listeners_;
  int tls_listener_ = -1;
  Sink sink_;
  std::unordered_map<int, Connection> connections_;
  std::deque<DelayedAnswer> delayed_;
  std::uint64_t serials_ = 0;
  char buffer_[65536];
};

}  // namespace

int main(int argc, char** argv) {
  std::unordered_map<std::string_view, const char*> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  const bool tls = options.contains("--tls-port") && options.contains("--tls-cert") && options.contains("--tls-key");
  const bool latency = options.contains("--latency-ms");
  const int latency_ms = latency ? std::atoi(options["--latency-ms"]) : 0;
  if (argc % 2 == 0 || !options.contains("--port") || options.size() != (tls ? 4U : 1U) + (latency ? 1U : 0U) ||
      latency_ms < 0 || latency_ms > 60000) {
    std::fprintf(stderr, "usage: fabu-sink --port PORT [--latency-ms 0..60000] [--tls-port PORT --tls-cert CERT.pem --tls-key KEY.pem]\n");
    return 2;
  }
  SSL_CTX* const tls_ctx = tls ? tls_context(options["--tls-cert"], options["--tls-key"]) : nullptr;
  struct sigaction action{};
  action.sa_handler = [](int) { g_stop = 1; };
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  raise_open_file_limit();
  {
    Server server(tls_ctx, std::chrono::milliseconds(latency_ms));
    server.listen(std::atoi(options["--port"]), false);
    if (tls) server.listen(std::atoi(options["--tls-port"]), true);
    server.run();
  }
  if (tls_ctx != nullptr) SSL_CTX_free(tls_ctx);
  return 0;
}
