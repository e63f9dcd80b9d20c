// HttpServer: a small HTTP/1.1 server that enforces its limits before it spends memory or time on a
// request, for fabud's API.
//
// The server reads a request's header first (bounded by max_header_bytes and max_headers: 431
// beyond), checks its Content-Length against max_body_bytes (413 without reading the body; a negative
// or malformed length is a 400), then reads the body under the same read timeout (408 and close when
// a request is not complete in time). When max_connections connections are open, a new one takes the
// place of the connection that has waited longest for a request of its own (an idle keep-alive
// connection, a client slow to send its header or body, or a TLS handshake) if that one has waited
// at least evict_waiting_after; that connection is closed with no reply. So a few clients trickling
// requests (slowloris) cannot hold every connection for read_timeout at a time: a health check still
// gets in. Only when no connection has waited that long (every one being answered, or all new) is a
// new one answered 503 without its request being read (over TLS, after the handshake) and closed.
// While max_connections
// such answers are under way (each until the client closes, at most the read timeout for the handshake
// and for the write, then 2 s), a further connection is closed at once with no reply: a flood costs
// no handshakes and no writes. Connections are kept alive between requests unless the client says
// otherwise. With tls_cert_file and tls_key_file set, every connection is TLS.
//
// Thread rules: the handler is called on one of `threads` server threads, concurrently for different
// connections and never twice at once for one connection; it must be thread-safe and should not block
// for long (a blocked handler holds one of the threads). The server stops in its destructor, which
// waits for running handlers to return; destroy it from a thread that is not a server thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace fabu {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an IP address literal; loopback by default
  std::uint16_t port = 0;          // 0 = any free port (see HttpServer::port())
  int threads = 2;
  int max_connections = 64;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 * 1024;  // request line and every header together
  int max_headers = 64;
  std::chrono::milliseconds read_timeout{10'000};  // a whole request, header and body
  std::chrono::milliseconds evict_waiting_after{1'000};  // see above; at least this long waiting
  std::string tls_cert_file;  // PEM certificate chain; both set = TLS on every connection
  std::string tls_key_file;   // PEM private key
};

struct HttpServerRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: "/v1/rejects?limit=5"
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case, in arrival order
  std::string body;
  std::string remote_address;  // the client's IP address ("127.0.0.1", "::1"); "" when unknown

  std::string_view path() const;  // target without the query
  // The query parameter's value, "" for `?name=` or `?name`; nullopt when absent. No percent-decoding.
  std::optional<std::string> query_param(std::string_view name) const;
  // The first header of that name (lower case), "" when absent.
  std::string header(std::string_view lower_name) const;
};

struct HttpServerResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. WWW-Authenticate
};

// Called for every complete request within the limits. Anything it throws becomes a 500.
using HttpHandler = std::function<HttpServerResponse(const HttpServerRequest&)>;

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // The port the server listens on (the one chosen when options.port was 0).
  virtual std::uint16_t port() const = 0;
  virtual bool tls() const = 0;
};

// Starts a Boost.Beast server listening on options.host:options.port. Fails with a config error when
// the address cannot be bound or the certificate or key cannot be loaded.
Result<std::unique_ptr<HttpServer>> start_beast_http_server(const HttpServerOptions& options, HttpHandler handler);

}  // namespace fabu
