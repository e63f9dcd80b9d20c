// The Boost.Beast HttpTransport: keep-alive connections it owns, and never a request sent twice.
//
// Threads: the factory runs `threads` io_contexts, one thread each. A send() from outside picks one
// in turn; a send() from a transport thread (an adapter's follow-up request inside a callback) stays
// on that thread. A request then lives on its thread from the pool to the callback: every transport
// keeps one pool of connections per thread, touched by that thread only, so nothing is locked and
// nothing hops between threads on the way.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/http/beast_connection.h"
#include "adapters/http_transport.h"

namespace fabu {

namespace {

namespace asio = boost::asio;
using beast_http::Connection;
using beast_http::PendingRequest;
using beast_http::Target;

// The I/O threads and what they share (the TLS settings). Shared by the factory and its transports,
// so that the io_contexts outlive every socket; stop() ends the threads (from outside them).
class IoThreads {
 public:
  IoThreads(int threads, asio::ssl::context tls) : tls_(std::move(tls)) {
    for (int i = 0; i < threads; ++i) contexts_.push_back(std::make_unique<asio::io_context>(1));
    for (auto& io : contexts_) guards_.emplace_back(io->get_executor());
    for (std::size_t i = 0; i < contexts_.size(); ++i) {
      threads_.emplace_back([this, i] { run(i); });
    }
  }
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;
  ~IoThreads() { stop(); }

  // Lets each thread finish what it holds, then joins it. Requests still waiting on a server keep a
  // thread until their timeout: stop the transports first.
  void stop() {
    if (stopping_.exchange(true)) return;
    for (auto& guard : guards_) guard.reset();
    for (auto& thread : threads_) thread.join();
  }
  bool stopping() const { return stopping_.load(); }

  std::size_t size() const { return contexts_.size(); }
  asio::io_context& context(std::size_t index) { return *contexts_[index]; }
  asio::ssl::context& tls() { return tls_; }

  // The calling thread's own io_context when it is one of ours, else the next one in turn.
  std::size_t pick() {
    if (current_.owner == this) return current_.index;
    return next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size();
  }

 private:
  struct Current {
    const IoThreads* owner = nullptr;
    std::size_t index = 0;
  };
  static thread_local Current current_;

  void run(std::size_t index) {
    current_ = {this, index};
    for (;;) {
      try {
        contexts_[index]->run();
        return;
      } catch (...) {
        // A handler threw (callbacks are already guarded): keep serving the other requests.
      }
    }
  }

  asio::ssl::context tls_;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stopping_{false};
};

thread_local IoThreads::Current IoThreads::current_;

// One host's connections on one I/O thread: idle ones (most recently used first), a count of open
// ones bounded by `limit`, and the requests waiting for one. A waiting request whose time ran out
// fails when a connection frees up for it, so it learns of its timeout late (by at most the time
// the busy connections still have), but always before anything of it is sent.
class HostPool final : public beast_http::ConnectionPool {
 public:
  HostPool(asio::io_context& io, asio::ssl::context& tls, const Target& target, int limit)
      : io_(io), tls_(tls), target_(target), limit_(limit) {}

  void submit(PendingRequest request) {
    if (stopped_) return refuse(request);
    if (std::chrono::steady_clock::now() >= request.deadline) return expire(request);
    while (!idle_.empty()) {
      std::shared_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection->looks_alive()) return start(std::move(connection), std::move(request));
      --open_;  // closed by the server while idle: dropped without having been written to
    }
    if (open_ < limit_) {
      ++open_;
      return start(std::make_shared<Connection>(io_, tls_, target_, *this), std::move(request));
    }
    waiting_.push_back(std::move(request));
  }

  void release(std::shared_ptr<Connection> connection, bool reusable) override {
    busy_.erase(connection.get());
    if (reusable && !stopped_) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
    while (!waiting_.empty() && (!idle_.empty() || open_ < limit_)) {
      PendingRequest next = std::move(waiting_.front());
      waiting_.pop_front();
      submit(std::move(next));
    }
  }

  void resend(Connection* dead, PendingRequest request) override {  // the new one takes the dead one's place
    busy_.erase(dead);
    if (stopped_) {
      --open_;
      return refuse(request);
    }
    start(std::make_shared<Connection>(io_, tls_, target_, *this), std::move(request));
  }

  // Shutting down: waiting requests fail, requests on the wire end at once (in doubt if written),
  // idle connections close, and later requests are refused.
  void stop() {
    stopped_ = true;
    std::deque<PendingRequest> waiting = std::move(waiting_);
    for (auto& request : waiting) refuse(request);
    const std::map<Connection*, std::shared_ptr<Connection>> busy = busy_;
    for (const auto& [raw, connection] : busy) connection->abandon();
    open_ -= static_cast<int>(idle_.size());
    idle_.clear();
  }

 private:
  void start(std::shared_ptr<Connection> connection, PendingRequest request) {
    busy_.emplace(connection.get(), connection);
    connection->start(std::move(request));
  }

  void refuse(PendingRequest& request) {
    beast_http::finish(request, fail(beast_http::request_error(
                                    request.request, "the HTTP client stopped before the request was sent", false)));
  }

  // Its time ran out while it waited for a connection: nothing of it was sent.
  void expire(PendingRequest& request) {
    const std::string reason = "timed out after " + std::to_string(request.request.timeout.count()) +
                               " ms waiting for one of the " + std::to_string(limit_) + " connections to " +
                               target_.host + " before the request was sent";
    beast_http::finish(request, fail(beast_http::request_error(request.request, reason, false)));
  }

  asio::io_context& io_;
  asio::ssl::context& tls_;
  const Target& target_;
  const int limit_;
  int open_ = 0;  // connecting, busy or idle
  bool stopped_ = false;
  std::vector<std::shared_ptr<Connection>> idle_;
  std::map<Connection*, std::shared_ptr<Connection>> busy_;  // carrying a request
  std::deque<PendingRequest> waiting_;
};

class BeastTransport final : public HttpTransport, public std::enable_shared_from_this<BeastTransport> {
 public:
  BeastTransport(std::shared_ptr<IoThreads> threads, Result<Target> target, int limit_per_thread)
      : threads_(std::move(threads)), target_(std::move(target)) {
    if (!target_) return;
    for (std::size_t i = 0; i < threads_->size(); ++i) {
      pools_.push_back(std::make_unique<HostPool>(threads_->context(i), threads_->tls(), *target_, limit_per_thread));
    }
  }

  void send(HttpRequest request, HttpCallback done) override {
    const auto deadline = std::chrono::steady_clock::now() + request.timeout;
    PendingRequest pending{std::move(request), std::move(done), deadline, false, shared_from_this()};
    if (!target_) return beast_http::finish(pending, fail(target_.error()));
    if (threads_->stopping()) {
      return beast_http::finish(
          pending, fail(beast_http::request_error(pending.request, "the HTTP client stopped before the request was sent", false)));
    }
    const std::size_t index = threads_->pick();
    asio::post(threads_->context(index), [pool = pools_[index].get(), pending = std::move(pending)]() mutable {
      pool->submit(std::move(pending));
    });
  }

  // Ends every request this transport holds, each pool on its own thread.
  void stop() {
    for (std::size_t i = 0; i < pools_.size(); ++i) {
      asio::post(threads_->context(i), [pool = pools_[i].get()] { pool->stop(); });
    }
  }

 private:
  const std::shared_ptr<IoThreads> threads_;  // declared first: destroyed after the pools' sockets
  const Result<Target> target_;
  std::vector<std::unique_ptr<HostPool>> pools_;  // one per I/O thread
};

class BeastTransportFactory final : public HttpTransportFactory {
 public:
  BeastTransportFactory(std::shared_ptr<IoThreads> threads, int limit_per_thread)
      : threads_(std::move(threads)), limit_per_thread_(limit_per_thread) {}
  // Requests still in flight end now with an error (in doubt when written), so that a stopping
  // daemon is not held up by a slow platform.
  ~BeastTransportFactory() override {
    {
      std::lock_guard lock(mutex_);
      for (auto& [url, transport] : transports_) transport->stop();
    }
    threads_->stop();
  }

  std::shared_ptr<HttpTransport> make(const std::string& base_url) override {
    std::lock_guard lock(mutex_);
    auto& transport = transports_[base_url];
    if (!transport) {
      transport = std::make_shared<BeastTransport>(threads_, beast_http::parse_base_url(base_url), limit_per_thread_);
    }
    return transport;
  }

 private:
  const std::shared_ptr<IoThreads> threads_;
  const int limit_per_thread_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<BeastTransport>> transports_;
};

}  // namespace

Result<std::unique_ptr<HttpTransportFactory>> make_beast_transport_factory(const BeastTransportOptions& options) {
  asio::ssl::context tls(asio::ssl::context::tls_client);
  boost::system::error_code code;
  tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1,
                  code);
  if (options.ca_file.empty()) {
    tls.set_default_verify_paths(code);
  } else {
    tls.load_verify_file(options.ca_file, code);
  }
  if (code) {
    const std::string what = options.ca_file.empty() ? "the system's CA certificates" : "CA file '" + options.ca_file + "'";
    return fail(Error::config("cannot load " + what + ": " + code.message()));
  }
  tls.set_verify_mode(asio::ssl::verify_peer);
  const int threads = std::max(1, options.threads);
  const int limit_per_thread = std::max(1, options.max_connections_per_host / threads);
  return std::make_unique<BeastTransportFactory>(std::make_shared<IoThreads>(threads, std::move(tls)), limit_per_thread);
}

}  // namespace fabu
