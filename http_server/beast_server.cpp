// The Boost.Beast HttpServer. Why Beast: cpprestsdk's http_listener reads a whole body before its
// owner sees the request and has no header or read-time limits; Beast's parser reads the header
// alone, so the limits are checked before the body costs anything.
//
// One Session per connection runs on its own strand: its reads, writes and its deadline timer never
// run at once. A timer expiry only cancels the socket; the cancelled operation's handler decides
// (408 when part of a request arrived, silent close on an idle keep-alive connection).
//
// A connection waiting for a request of its own is on the server's waiting list, oldest first. When
// every slot is taken, the acceptor takes the slot of the first on that list that has waited long
// enough and posts its closing to that connection's strand.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "http_server/http_server.h"

namespace fabu {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// After an error response the client may still be sending (a declared 200 MB body): read and drop
// what arrives for this long before closing, so the close does not reset the connection before the
// client has read the response. The bytes go to a small scratch buffer, never into memory per byte.
constexpr std::chrono::seconds kLingerTime{2};

class Evictable;

struct WaitingConnection {
  std::chrono::steady_clock::time_point since;
  std::weak_ptr<Evictable> session;  // expired once the session is being destroyed
  Evictable* raw;                    // valid while the entry is on the list (see ~Session)
};

// What every session needs from the server. Shared, so it outlives handlers the io_context destroys.
struct ServerState {
  HttpServerOptions options;
  HttpHandler handler;
  std::atomic<int> open{0};       // sessions holding a slot (serving requests)
  std::atomic<int> rejecting{0};  // sessions only answering 503
  std::mutex waiting_mutex;
  std::list<WaitingConnection> waiting;  // oldest wait first
};

// The part of a session the acceptor may touch from its own thread, under waiting_mutex.
class Evictable {
 public:
  virtual ~Evictable() = default;
  virtual void close_from_elsewhere() = 0;  // posts the closing to the session's strand

  std::list<WaitingConnection>::iterator waiting_at;
  bool waiting = false;
  bool evicted = false;
  std::atomic<bool> holds_slot{false};  // whoever flips it to false gives the slot back
};

// Called by the acceptor only, when every slot is taken. Takes the slot of the connection that has
// waited longest for a request, if it has waited at least evict_waiting_after; true when it did.
bool take_slot_of_longest_waiting(ServerState& state) {
  std::shared_ptr<Evictable> victim;
  {
    std::lock_guard lock(state.waiting_mutex);
    const auto now = std::chrono::steady_clock::now();
    while (!state.waiting.empty() && !victim) {
      auto& oldest = state.waiting.front();
      if (now - oldest.since < state.options.evict_waiting_after) return false;
      victim = oldest.session.lock();
      oldest.raw->waiting = false;
      state.waiting.pop_front();
      if (victim && victim->holds_slot.exchange(false)) {
        victim->evicted = true;
      } else {
        victim.reset();  // being destroyed: it gives its slot back itself
      }
    }
  }
  if (!victim) return false;
  --state.open;
  victim->close_from_elsewhere();
  return true;
}

HttpServerResponse error_response(int status, std::string message) {
  HttpServerResponse r;
  r.status = status;
  r.body = R"({"error":")" + std::move(message) + R"("})";
  return r;
}

template <class Stream>
class Session final : public Evictable, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... StreamArgs>
  Session(std::shared_ptr<ServerState> state, bool over_capacity, StreamArgs&&... stream_args)
      : state_(std::move(state)),
        over_capacity_(over_capacity),
        stream_(std::forward<StreamArgs>(stream_args)...),
        timer_(stream_.get_executor()),
        buffer_(state_->options.max_header_bytes + 64 * 1024) {
    holds_slot = !over_capacity;
  }

  ~Session() override {
    stop_waiting();
    if (over_capacity_) {
      --state_->rejecting;
    } else if (holds_slot.exchange(false)) {
      --state_->open;
    }
  }

  void close_from_elsewhere() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

  void start() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      begin();
    } else {
      if (!over_capacity_) start_waiting();
      arm(state_->options.read_timeout);
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](error_code ec) {
        if (ec) return self->close();
        self->begin();
      });
    }
  }

 private:
  void begin() {
    if (over_capacity_) return send(error_response(503, "too many open connections; try again later"), false);
    read_request();
  }

  void arm(std::chrono::milliseconds timeout) {
    timed_out_ = false;
    timer_.expires_after(timeout);
    timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      // A re-armed timer may still deliver an earlier expiry: only a deadline really past counts.
      if (ec || self->timer_.expiry() > std::chrono::steady_clock::now()) return;
      self->timed_out_ = true;
      error_code ignored;
      beast::get_lowest_layer(self->stream_).cancel(ignored);
    });
  }

  // On the waiting list from the start of a wait for a request (kept through a TLS handshake).
  void start_waiting() {
    std::lock_guard lock(state_->waiting_mutex);
    if (waiting || evicted) return;
    waiting_at = state_->waiting.insert(state_->waiting.end(), {std::chrono::steady_clock::now(),
                                                                 this->weak_from_this(), this});
    waiting = true;
  }

  // Off the waiting list. False when the acceptor gave this connection's slot to a new one.
  bool stop_waiting() {
    std::lock_guard lock(state_->waiting_mutex);
    if (waiting) {
      state_->waiting.erase(waiting_at);
      waiting = false;
    }
    return !evicted;
  }

  void read_request() {
    start_waiting();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
    parser_->body_limit(state_->options.max_body_bytes);
    arm(state_->options.read_timeout);
    http::async_read_header(stream_, buffer_, *parser_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->on_header(ec);
    });
  }

  // Returns true when `ec` ended the request and the session already answered or closed.
  bool answered_error(error_code ec) {
    if (!ec) return false;
    if (timed_out_) {
      if (parser_->got_some() || buffer_.size() > 0) {
        send(error_response(408, "the request was not complete within the read timeout"), false);
      } else {
        close();  // an idle keep-alive connection
      }
    } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      send(error_response(431, "request header too large"), false);
    } else if (ec == http::error::body_limit) {
      send(error_response(413, "request body larger than " + std::to_string(state_->options.max_body_bytes) + " bytes"),
           false);
    } else if (ec == http::error::bad_content_length) {
      send(error_response(400, "bad Content-Length"), false);
    } else if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
               ec == net::error::operation_aborted || ec == ssl::error::stream_truncated) {
      close();
    } else {
      send(error_response(400, "malformed request: " + ec.message()), false);
    }
    return true;
  }

  void on_header(error_code ec) {
    if (answered_error(ec)) return;
    const auto& header = parser_->get();
    const auto count = std::distance(header.begin(), header.end());
    if (count > state_->options.max_headers) {
      return send(error_response(431, "more than " + std::to_string(state_->options.max_headers) + " headers"), false);
    }
    if (const auto length = parser_->content_length(); length && *length > state_->options.max_body_bytes) {
      return send(error_response(413, "request body larger than " + std::to_string(state_->options.max_body_bytes) +
                                          " bytes"),
                  false);
    }
    if (beast::iequals(header[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, header.version());
      http::async_write(stream_, *cont, [self = this->shared_from_this(), cont](error_code wec, std::size_t) {
        if (wec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->on_request(ec);
    });
  }

  void on_request(error_code ec) {
    if (answered_error(ec)) return;
    if (!stop_waiting()) return close();
    auto message = parser_->release();
    HttpServerRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = std::move(message.body());
    error_code peer_error;
    const auto peer = beast::get_lowest_layer(stream_).remote_endpoint(peer_error);
    if (!peer_error) request.remote_address = peer.address().to_string();
    HttpServerResponse response;
    try {
      response = state_->handler(request);
    } catch (const std::exception&) {
      response = error_response(500, "internal error");
    }
    send(std::move(response), message.keep_alive());
  }

  void send(HttpServerResponse response, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(response.status));
    res->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res->set(name, value);
    res->body() = std::move(response.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    arm(state_->options.read_timeout);  // a client that does not read its response is cut off as well
    http::async_write(stream_, *res, [self = this->shared_from_this(), res, keep_alive](error_code ec, std::size_t) {
      if (ec) return self->close();
      if (keep_alive) return self->read_request();
      self->linger();
    });
  }

  void linger() {
    error_code ignored;
    beast::get_lowest_layer(stream_).shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.consume(buffer_.size());
    scratch_.resize(16 * 1024);
    arm(kLingerTime);
    discard();
  }

  void discard() {
    beast::get_lowest_layer(stream_).async_read_some(net::buffer(scratch_),
                                                     [self = this->shared_from_this()](error_code ec, std::size_t) {
                                                       if (ec) return self->close();
                                                       self->discard();
                                                     });
  }

  void close() {
    stop_waiting();
    error_code ignored;
    timer_.cancel();
    auto& socket = beast::get_lowest_layer(stream_);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  std::shared_ptr<ServerState> state_;
  bool over_capacity_;
  Stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::vector<char> scratch_;
  bool timed_out_ = false;
};

class BeastHttpServer final : public HttpServer {
 public:
  explicit BeastHttpServer(std::shared_ptr<ServerState> state)
      : state_(std::move(state)), acceptor_(net::make_strand(ioc_)) {}

  ~BeastHttpServer() override {
    net::post(acceptor_.get_executor(), [this] {
      error_code ignored;
      acceptor_.close(ignored);
    });
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }

  Result<void> open() {
    const auto& o = state_->options;
    error_code ec;
    const auto address = net::ip::make_address(o.host, ec);
    if (ec) return fail(Error::config("'" + o.host + "' is not an IP address"));
    if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
      try {
        tls_.emplace(ssl::context::tls_server);
        tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                          ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        tls_->use_certificate_chain_file(o.tls_cert_file);
        tls_->use_private_key_file(o.tls_key_file, ssl::context::pem);
      } catch (const std::exception& e) {
        return fail(Error::config("cannot load the TLS certificate " + o.tls_cert_file + " and key " +
                                  o.tls_key_file + ": " + e.what()));
      }
    }
    const tcp::endpoint endpoint(address, o.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail(Error::config("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + ec.message()));
    port_ = acceptor_.local_endpoint().port();
    accept();
    for (int i = 0; i < std::max(1, o.threads); ++i) {
      threads_.emplace_back([this] {
        for (;;) {
          try {
            ioc_.run();
            return;
          } catch (const std::exception&) {
            // A handler threw past its own guard: keep serving the other connections.
          }
        }
      });
    }
    return {};
  }

  std::uint16_t port() const override { return port_; }
  bool tls() const override { return tls_.has_value(); }

 private:
  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) on_accept(std::move(socket));
      accept();
    });
  }

  void on_accept(tcp::socket socket) {
    const int limit = std::max(1, state_->options.max_connections);
    bool over = false;
    if (++state_->open > limit) {
      --state_->open;
      if (take_slot_of_longest_waiting(*state_)) {
        ++state_->open;
      } else if (++state_->rejecting > limit) {
        // Answering costs a little; beyond twice the cap, connections are just closed.
        --state_->rejecting;
        error_code ignored;
        socket.close(ignored);
        return;
      } else {
        over = true;
      }
    }
    if (tls_) {
      std::make_shared<Session<beast::ssl_stream<tcp::socket>>>(state_, over, std::move(socket), *tls_)->start();
    } else {
      std::make_shared<Session<tcp::socket>>(state_, over, std::move(socket))->start();
    }
  }

  std::shared_ptr<ServerState> state_;
  net::io_context ioc_;
  std::optional<ssl::context> tls_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> start_beast_http_server(const HttpServerOptions& options, HttpHandler handler) {
  auto state = std::make_shared<ServerState>();
  state->options = options;
  state->handler = std::move(handler);
  auto server = std::make_unique<BeastHttpServer>(std::move(state));
  if (auto opened = server->open(); !opened) return fail(opened.error());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace fabu
