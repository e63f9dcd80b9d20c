// HttpTransport: the one door through which adapters talk HTTP.
//
// Abstract so adapters can be unit-tested with a fake and so the HTTP library (cpprestsdk, archived
// upstream) can be swapped without touching an adapter. Implementations are thread-safe: send() may be
// called from any thread, concurrently. Connections are kept alive and reused.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace fabu {

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // path and query, relative to the transport's base URL, e.g. "statuses/share.json"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type;  // e.g. "application/x-www-form-urlencoded"
  std::string body;
  std::chrono::milliseconds timeout{15000};
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(std::string_view name) const;  // case-insensitive; empty when absent
};

// Called exactly once per send(), on a transport thread. Must not block.
// A failure to get any response is an Error of kind `transient` whose message says whether it was a
// timeout, a refused connection or a reset; an HTTP status (even 5xx) is a response, not an Error.
using HttpCallback = std::function<void(Result<HttpResponse>)>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual void send(HttpRequest request, HttpCallback done) = 0;
};

// Creates transports for a base URL. The daemon owns one factory; adapters ask it for their transports.
class HttpTransportFactory {
 public:
  virtual ~HttpTransportFactory() = default;
  virtual std::shared_ptr<HttpTransport> make(const std::string& base_url) = 0;
};

// The cpprestsdk implementation (adapters/http/cpprest_transport.cpp).
// REQUIRES: crossplat::threadpool::initialize_with_threads() was called once before (see daemon).
// cpprestsdk re-sends a request on its own when a reused connection fails, so its writes each open a
// connection of their own.
std::unique_ptr<HttpTransportFactory> make_cpprest_transport_factory();

// The Boost.Beast implementation (adapters/http/beast_transport.cpp): it owns its connections and
// never re-sends. A failure after any byte of a request was written is reported with
// `may_have_taken_effect`; only a request that failed on a pooled connection before anything of it
// was written is tried again, once, on a new connection. POSTs and GETs share one keep-alive pool.
struct BeastTransportOptions {
  int threads = 2;                     // I/O threads, each with its own connections (no hops between them)
  int max_connections_per_host = 512;  // split evenly between the threads (at least one each)
  std::string ca_file;                 // PEM CA certificates to trust; empty = the system's trust store
};
// Fails (kind config) when `ca_file` cannot be loaded. The factory's threads run until it is
// destroyed; its destructor ends the requests still in flight with an error (in doubt when anything
// was written) and calls their callbacks before it returns.
// REQUIRES: nothing calls send() on its transports while the factory is being destroyed.
Result<std::unique_ptr<HttpTransportFactory>> make_beast_transport_factory(const BeastTransportOptions& options);

// application/x-www-form-urlencoded encoding of key/value pairs (UTF-8, RFC 3986 unreserved kept).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
std::string url_encode(std::string_view text);
// The same without temporaries: `text` percent-encoded onto `out`; "key=value" onto a form `body`
// (with '&' before it unless `body` is empty).
void append_url_encoded(std::string& out, std::string_view text);
void append_form_field(std::string& body, std::string_view key, std::string_view value);

// multipart/form-data body for one file field plus text fields. Returns the body; `content_type`
// receives the header value with the boundary.
struct MultipartFile {
  std::string field;
  std::string filename;
  std::string content_type;
  std::string data;
};
std::string multipart_encode(const std::vector<std::pair<std::string, std::string>>& fields,
                             const MultipartFile& file, std::string& content_type);

}  // namespace fabu
