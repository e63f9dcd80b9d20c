// The cpprestsdk HttpTransport. This is the only file in fabu that includes cpprestsdk headers, so the
// archived library can be replaced by rewriting it alone.
//
// One http_client per (base URL, timeout) pair, created on first use and kept: an http_client owns a
// pool of keep-alive connections, so creating one per request would pay a TCP (and TLS) handshake
// every time. Writes are the exception (see send()). http_client is safe to use from several threads
// at once.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <cpprest/http_client.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "adapters/http_transport.h"

namespace fabu {

namespace {

using web::http::client::http_client;
using web::http::client::http_client_config;

// Turns a failure to get any response into the transient Error the interface promises. The message
// names the method and the path without its query string (which may hold an access token).
Error describe_failure(const std::string& method, const std::string& path, std::chrono::milliseconds timeout,
                       const std::error_code& code, const std::string& what) {
  const std::string where = method + " " + path.substr(0, path.find('?'));
  std::string reason;
  if (code == std::errc::timed_out) {
    reason = "timed out after " + std::to_string(timeout.count()) + " ms (the request may have been processed)";
  } else if (code == std::errc::connection_refused || code == std::errc::host_unreachable ||
             code == std::errc::network_unreachable) {
    // cpprestsdk's asio client reports a refused connect as host_unreachable.
    reason = "connection refused or host unreachable";
  } else if (code == std::errc::connection_reset || code == std::errc::connection_aborted ||
             code == std::errc::broken_pipe) {
    reason = "connection reset (the request may have been processed)";
  } else {
    reason = "no response";
  }
  return Error::transient(where + ": " + reason + ": " + what);
}

class CpprestTransport final : public HttpTransport {
 public:
  explicit CpprestTransport(std::string base_url)
      : base_url_(std::move(base_url)), https_(base_url_.starts_with("https://")) {}

  void send(HttpRequest request, HttpCallback done) override {
    const std::string method = request.method;
    const std::string path = request.path;
    const auto timeout = request.timeout;
    pplx::task<web::http::http_response> pending;
    // cpprestsdk 2.10 re-sends a request by itself when its reply fails with EOF or a reset on a
    // reused keep-alive connection, and its own timeout can end that way: a timed-out POST could be
    // posted twice behind fabu's back. Writes therefore go on a connection of their own (a client
    // with an empty pool), which it never re-sends on; reads keep the shared pool.
    const bool write = method != "GET" && method != "HEAD";
    std::shared_ptr<http_client> client = write ? make_client(timeout) : client_for(timeout);
    try {
      pending = client->request(to_cpprest(std::move(request)));
    } catch (const std::exception& e) {  // a malformed URI or base URL throws before anything is sent
      done(fail(Error::transient(method + " " + path.substr(0, path.find('?')) + ": " + e.what())));
      return;
    }
    pending
        .then([](web::http::http_response response) {
          HttpResponse out;
          out.status = response.status_code();
          for (const auto& [name, value] : response.headers()) out.headers.emplace_back(name, value);
          return response.extract_vector().then([out = std::move(out)](std::vector<unsigned char> body) mutable {
            out.body.assign(body.begin(), body.end());
            return out;
          });
        })
        .then([done = std::move(done), method, path, timeout, client](pplx::task<HttpResponse> finished) {
          // `finished` is already complete here: get() hands over its value or exception without
          // blocking. Everything else in the chain is a value-based continuation.
          Result<HttpResponse> result = [&]() -> Result<HttpResponse> {
            try {
              return finished.get();
            } catch (const web::http::http_exception& e) {
              return fail(describe_failure(method, path, timeout, e.error_code(), e.what()));
            } catch (const std::exception& e) {
              return fail(describe_failure(method, path, timeout, std::error_code(), e.what()));
            }
          }();
          try {
            done(std::move(result));
          } catch (...) {
            // The callback must not throw; if it does anyway, swallowing here keeps pplx from
            // rethrowing an unobserved exception on a pool thread.
          }
        });
  }

 private:
  std::shared_ptr<http_client> client_for(std::chrono::milliseconds timeout) {
    std::lock_guard lock(mutex_);
    auto& client = clients_[timeout.count()];
    if (!client) client = make_client(timeout);
    return client;
  }

  std::shared_ptr<http_client> make_client(std::chrono::milliseconds timeout) const {
    http_client_config config;
    config.set_timeout(timeout);
    config.set_max_redirects(0);  // a redirected POST would be re-sent as a GET: never follow
    config.set_nativehandle_options(https_ ? &disable_nagle_tls : &disable_nagle_plain);
    return std::make_shared<http_client>(web::uri(base_url_), config);
  }

  // Small request/reply exchanges suffer from Nagle's delay. The asio client hands over the socket
  // before connecting a new connection (not open yet: nothing to set, and cpprestsdk sets TCP_NODELAY
  // itself after connecting) and the open socket when it reuses a pooled one.
  static void disable_nagle(boost::asio::ip::tcp::socket& socket) {
    if (!socket.is_open()) return;
    boost::system::error_code ignored;
    socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  }
  static void disable_nagle_plain(web::http::client::native_handle handle) {
    disable_nagle(*static_cast<boost::asio::ip::tcp::socket*>(handle));
  }
  static void disable_nagle_tls(web::http::client::native_handle handle) {
    auto* stream = static_cast<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>*>(handle);
    disable_nagle(stream->next_layer());
  }

  static web::http::http_request to_cpprest(HttpRequest request) {
    web::http::http_request out(request.method);
    out.set_request_uri(web::uri(request.path));
    for (auto& [name, value] : request.headers) out.headers().add(name, value);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      out.set_body(std::vector<unsigned char>(request.body.begin(), request.body.end()));
      out.headers().set_content_type(request.content_type.empty() ? "application/octet-stream"
                                                                  : request.content_type);
    }
    return out;
  }

  const std::string base_url_;
  const bool https_;
  std::mutex mutex_;
  std::map<std::int64_t, std::shared_ptr<http_client>> clients_;  // by timeout in ms
};

class CpprestTransportFactory final : public HttpTransportFactory {
 public:
  std::shared_ptr<HttpTransport> make(const std::string& base_url) override {
    std::lock_guard lock(mutex_);
    auto& transport = transports_[base_url];
    if (!transport) transport = std::make_shared<CpprestTransport>(base_url);
    return transport;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<HttpTransport>> transports_;
};

}  // namespace

std::unique_ptr<HttpTransportFactory> make_cpprest_transport_factory() {
  return std::make_unique<CpprestTransportFactory>();
}

}  // namespace fabu
