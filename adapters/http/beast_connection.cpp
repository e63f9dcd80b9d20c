// One connection of the Beast transport: resolve, connect, TLS handshake, write, read, all under one
// timer per request. See beast_connection.h for the rules about re-sending.
#include "adapters/http/beast_connection.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <array>
#include <cerrno>
#include <charconv>

namespace fabu::beast_http {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kBodyLimit = 64 * 1024 * 1024;  // a Weibo timeline is far below this
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

bool is_refused(const error_code& code) { return code == asio::error::connection_refused; }

bool is_unreachable(const error_code& code) {
  return code == asio::error::host_unreachable || code == asio::error::network_unreachable;
}

// The peer went away: a reset, a close, or a TLS stream cut short.
bool is_reset(const error_code& code) {
  return code == asio::error::connection_reset || code == asio::error::connection_aborted ||
         code == asio::error::broken_pipe || code == asio::error::eof || code == http::error::end_of_stream ||
         code == http::error::partial_message || code == asio::ssl::error::stream_truncated;
}

}  // namespace

Result<Target> parse_base_url(const std::string& url) {
  Target target;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    target.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return fail(Error::config("base URL '" + url + "' must start with http:// or https://"));
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  target.base_path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!target.base_path.ends_with('/')) target.base_path += '/';
  std::string_view port;
  if (authority.starts_with('[')) {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(Error::config("base URL '" + url + "': unclosed '['"));
    target.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return fail(Error::config("base URL '" + url + "': bad port"));
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    target.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (target.host.empty() || target.host.find('@') != std::string::npos) {
    return fail(Error::config("base URL '" + url + "' must name a host (and no user)"));
  }
  const std::string_view default_port = target.tls ? "443" : "80";
  if (!port.empty()) {
    int number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535) {
      return fail(Error::config("base URL '" + url + "': bad port '" + std::string(port) + "'"));
    }
  }
  target.port = std::string(port.empty() ? default_port : port);
  const bool ipv6 = target.host.find(':') != std::string::npos;
  target.host_header = ipv6 ? "[" + target.host + "]" : target.host;
  if (target.port != default_port) target.host_header += ":" + target.port;
  return target;
}

Error request_error(const HttpRequest& request, const std::string& reason, bool may_have_taken_effect) {
  Error error = Error::transient(request.method + " " + request.path.substr(0, request.path.find('?')) + ": " + reason);
  error.may_have_taken_effect = may_have_taken_effect;
  return error;
}

void finish(PendingRequest& request, Result<HttpResponse> result) {
  HttpCallback done = std::move(request.done);
  try {
    done(std::move(result));
  } catch (...) {
    // The interface forbids a throwing callback; swallowing keeps the I/O thread serving the others.
  }
}

Connection::Connection(asio::io_context& io, asio::ssl::context& tls, const Target& target, ConnectionPool& pool)
    : target_(target), pool_(pool), tls_context_(tls), resolver_(io), socket_(io), timer_(io) {}

Connection::~Connection() {
  error_code ignored;
  socket_.close(ignored);
}

void Connection::start(PendingRequest request) {
  pending_.emplace(std::move(request));
  ++generation_;
  reused_ = carried_before_;
  carried_before_ = true;
  written_ = false;
  timed_out_ = false;
  // One timer covers the whole exchange: connect, handshake, write and read.
  timer_.expires_at(pending_->deadline);
  timer_.async_wait([self = shared_from_this(), generation = generation_](const error_code& code) {
    if (code || generation != self->generation_ || !self->pending_) return;
    self->timed_out_ = true;
    self->close();  // the operation under way completes with an error and reports the timeout
  });
  if (socket_.is_open()) {
    write();
  } else {
    connect();
  }
}

bool Connection::looks_alive() {
  if (!socket_.is_open() || buffer_.size() != 0) return false;
  char byte = 0;
  const auto n = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void Connection::abandon() {
  abandoned_ = true;
  close();
}

void Connection::connect() {
  phase_ = Phase::resolving;
  resolver_.async_resolve(
      target_.host, target_.port,
      [self = shared_from_this()](const error_code& code, const tcp::resolver::results_type& endpoints) {
        if (code || self->timed_out_ || self->abandoned_) return self->on_failure(code);
        self->phase_ = Phase::connecting;
        asio::async_connect(self->socket_, endpoints, [self](const error_code& code, const tcp::endpoint&) {
          if (code || self->timed_out_ || self->abandoned_) return self->on_failure(code);
          error_code ignored;
          self->socket_.set_option(tcp::no_delay(true), ignored);  // small exchanges: no Nagle delay
          if (self->target_.tls) return self->handshake();
          self->write();
        });
      });
}

void Connection::handshake() {
  phase_ = Phase::handshaking;
  tls_stream_.emplace(socket_, tls_context_);
  SSL* ssl = tls_stream_->native_handle();
  error_code not_an_address;
  asio::ip::make_address(target_.host, not_an_address);
  if (not_an_address) {
    SSL_set_tlsext_host_name(ssl, target_.host.c_str());  // SNI carries names, never addresses
    SSL_set1_host(ssl, target_.host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), target_.host.c_str());
  }
  tls_stream_->set_verify_mode(asio::ssl::verify_peer);
  tls_stream_->async_handshake(asio::ssl::stream_base::client, [self = shared_from_this()](const error_code& code) {
    if (code || self->timed_out_ || self->abandoned_) return self->on_failure(code);
    self->write();
  });
}

// The request head is written by hand into a buffer the connection keeps, and the body goes out
// from the request itself (one gathered write): no header container, no copy of the body, and no
// allocation once the buffer has grown to the size of a request head.
void Connection::write() {
  phase_ = Phase::writing;
  const HttpRequest& request = pending_->request;
  const std::string_view path = request.path.starts_with('/') ? std::string_view(request.path).substr(1)
                                                               : std::string_view(request.path);
  head_.clear();
  head_.append(request.method).append(" ").append(target_.base_path).append(path).append(" HTTP/1.1\r\n");
  head_.append("Host: ").append(target_.host_header).append("\r\nUser-Agent: fabu\r\n");
  for (const auto& [name, value] : request.headers) head_.append(name).append(": ").append(value).append("\r\n");
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    head_.append("Content-Type: ")
        .append(request.content_type.empty() ? std::string_view("application/octet-stream")
                                             : std::string_view(request.content_type))
        .append("\r\nContent-Length: ");
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, request.body.size());
    head_.append(digits, end).append("\r\n");
  }
  head_.append("\r\n");
  const std::array<asio::const_buffer, 2> wire{asio::buffer(head_), asio::buffer(request.body)};
  with_stream([this, &wire](auto& stream) {
    asio::async_write(stream, wire, [self = shared_from_this()](const error_code& code, std::size_t bytes) {
      if (bytes > 0) self->written_ = true;
      if (code) return self->on_failure(code);
      self->written_ = true;
      self->read();
    });
  });
}

void Connection::read() {
  phase_ = Phase::reading;
  parser_.emplace();
  parser_->body_limit(kBodyLimit);
  parser_->header_limit(kHeaderLimit);
  with_stream([this](auto& stream) {
    http::async_read(stream, buffer_, *parser_, [self = shared_from_this()](const error_code& code, std::size_t) {
      if (code) return self->on_failure(code);
      self->on_reply();
    });
  });
}

void Connection::on_reply() {
  timer_.cancel();
  auto message = parser_->release();
  parser_.reset();
  HttpResponse response;
  response.status = static_cast<int>(message.result_int());
  response.headers.reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
  for (const auto& field : message) response.headers.emplace_back(field.name_string(), field.value());
  response.body = std::move(message.body());
  const bool reusable = message.keep_alive() && !message.need_eof();
  if (!reusable) close();
  PendingRequest request = std::move(*pending_);
  pending_.reset();
  pool_.release(shared_from_this(), reusable);
  finish(request, std::move(response));
}

void Connection::on_failure(const error_code& code) {
  timer_.cancel();
  close();
  PendingRequest request = std::move(*pending_);
  pending_.reset();
  if (reused_ && !written_ && !timed_out_ && !abandoned_ && !request.resent) {
    // The pooled connection died before it took any byte of the request: nothing can have reached
    // the server, so a new connection may carry it (once).
    request.resent = true;
    pool_.resend(this, std::move(request));
    return;
  }
  const std::string reason = reason_for(code, request.request);
  const bool in_doubt = written_;
  pool_.release(shared_from_this(), false);
  finish(request, fail(request_error(request.request, reason, in_doubt)));
}

std::string Connection::reason_for(const error_code& code, const HttpRequest& request) {
  const std::string detail = code ? ": " + code.message() : std::string();
  if (timed_out_) {
    const std::string after = "timed out after " + std::to_string(request.timeout.count()) + " ms";
    return written_ ? after + " (the request may have been processed)" : after + " before the request was sent";
  }
  if (abandoned_) {
    return written_ ? "the HTTP client stopped (the request may have been processed)"
                    : "the HTTP client stopped before the request was sent";
  }
  if (is_refused(code)) return "connection refused" + detail;
  if (is_unreachable(code)) return "host unreachable" + detail;
  if (phase_ == Phase::resolving) return "cannot resolve host '" + target_.host + "'" + detail;
  if (phase_ == Phase::handshaking) {
    std::string why;
    if (tls_stream_) {
      const long verified = SSL_get_verify_result(tls_stream_->native_handle());
      if (verified != X509_V_OK) why = ": certificate refused: " + std::string(X509_verify_cert_error_string(verified));
    }
    return "TLS handshake with " + target_.host + " failed" + why + detail;
  }
  if (is_reset(code)) {
    return written_ ? "connection reset (the request may have been processed)" + detail
                    : "connection closed before the request was sent" + detail;
  }
  return (written_ ? "no response (the request may have been processed)" : "no response") + detail;
}

void Connection::close() {
  resolver_.cancel();
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace fabu::beast_http
