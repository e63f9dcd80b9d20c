// BeastConnection: one keep-alive HTTP/1.1 connection (plain TCP or TLS) of the Beast transport's
// pool, carrying one request at a time from connect to the parsed reply.
//
// The connection keeps track of whether any byte of the current request was written: a failure after
// that is reported "in doubt" (may_have_taken_effect), never re-sent. Only a request that failed on a
// pooled (reused) connection before anything of it was written goes back to the pool to be sent once
// more on a new connection.
//
// Thread rules: a connection belongs to one io_context, run by one thread; every member function is
// called on that thread, and so are the pool's callbacks and the request's HttpCallback.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "adapters/http_transport.h"

namespace fabu::beast_http {

// A transport's base URL, split once.
struct Target {
  bool tls = false;
  std::string host;         // without brackets for IPv6 literals
  std::string port;         // "80" / "443" when the URL names none
  std::string host_header;  // the Host header: host, and ":port" when not the scheme's default
  std::string base_path;    // always ends with '/'
};
// Accepts http:// and https:// URLs with a host, an optional port and an optional path.
Result<Target> parse_base_url(const std::string& url);

// A request on its way: waiting in a pool or riding on a connection.
struct PendingRequest {
  HttpRequest request;
  HttpCallback done;
  std::chrono::steady_clock::time_point deadline;  // send() time + request.timeout
  bool resent = false;                             // already moved once to a new connection
  std::shared_ptr<const void> owner;               // keeps the transport alive until `done` has run
};

// The Error a request ends with: "<METHOD> <path without query>: <reason>". The query string is left
// out because it may hold an access token.
Error request_error(const HttpRequest& request, const std::string& reason, bool may_have_taken_effect);

// Hands `result` to the request's callback; a callback that throws anyway does not end the thread.
void finish(PendingRequest& request, Result<HttpResponse> result);

class Connection;

// The pool a connection reports to when its request is over.
class ConnectionPool {
 public:
  virtual ~ConnectionPool() = default;
  // The request is over (its callback runs right after). A `reusable` connection may carry another.
  virtual void release(std::shared_ptr<Connection> connection, bool reusable) = 0;
  // The pooled `connection` was dead before any byte of `request` was written: it is gone and its
  // place goes to a new one carrying `request`.
  virtual void resend(Connection* connection, PendingRequest request) = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::io_context& io, boost::asio::ssl::context& tls, const Target& target, ConnectionPool& pool);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Sends `request` (connecting first when the connection is new) and reports to the pool, then to
  // the request's callback, exactly once. REQUIRES: no other request is running on this connection.
  void start(PendingRequest request);

  // An idle pooled connection may carry a request only while its peer has neither closed it nor
  // sent anything unasked. Cheap: one non-blocking peek.
  bool looks_alive();

  // Closes the connection; a request on it ends at once with an error (in doubt if anything of it
  // was written). For shutting down: the pool takes no more requests.
  void abandon();

 private:
  enum class Phase { resolving, connecting, handshaking, writing, reading };

  void connect();
  void handshake();
  void write();
  void read();
  void on_reply();
  void on_failure(const boost::system::error_code& code);
  std::string reason_for(const boost::system::error_code& code, const HttpRequest& request);
  void close();
  template <class Operation>
  void with_stream(Operation&& operation) {
    if (tls_stream_) {
      operation(*tls_stream_);
    } else {
      operation(socket_);
    }
  }

  const Target& target_;
  ConnectionPool& pool_;
  boost::asio::ssl::context& tls_context_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::ip::tcp::socket socket_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_stream_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::string head_;  // the current request's line and headers, as written; reused
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;

  std::optional<PendingRequest> pending_;
  std::uint64_t generation_ = 0;  // tells a stale timer completion from the current request's
  Phase phase_ = Phase::resolving;
  bool carried_before_ = false;    // the connection served a request before this one
  bool reused_ = false;            // the current request rides on a pooled connection
  bool written_ = false;           // some byte of the current request may have left
  bool timed_out_ = false;
  bool abandoned_ = false;
};

}  // namespace fabu::beast_http
