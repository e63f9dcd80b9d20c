// SandboxHttpServer: the HTTP face of the sandbox platform. It listens with cpprestsdk's
// http_listener, parses requests by hand, plays the configured faults, asks PlatformState for
// the answer and sends it, now or later through DelayedReplies (latency never holds a thread).
//
// Routes: the Weibo endpoints under /2/ and the admin endpoints under /_sandbox/ (listed in
// fabu-sandbox --help). Started by start(), stopped by stop() or the destructor.
// Thread-safe: request handlers run on cpprestsdk's thread pool; all shared state sits behind the
// PlatformState, FaultInjector and RequestStats mutexes.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"
#include "sandbox/delayed_replies.h"
#include "sandbox/fault_injector.h"
#include "sandbox/platform_state.h"

namespace web::http {
class http_request;
}

namespace fabu::sandbox {

struct SandboxOptions {
  std::string host = "127.0.0.1";
  int port = 8791;
  std::string safe_domain = "www.linyi.gov.cn";
  FaultSettings faults;
  std::uint64_t seed = 1;
  std::vector<std::string> expired_tokens;  // answer 21327 from the start (and after a reset)
};

// Request counts per endpoint and outcome ("ok", "error_20019", "fault_5xx", ...).
// Thread-safe.
class RequestStats {
 public:
  void record(const std::string& endpoint, const std::string& outcome);
  nlohmann::json to_json() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<std::string, std::uint64_t>> counts_;
  std::uint64_t total_ = 0;
};

class SandboxHttpServer {
 public:
  // Opens the listener on options.host:options.port. An Error (kind config) when the address
  // cannot be bound. REQUIRES: crossplat::threadpool initialised with the wanted thread count.
  static Result<std::unique_ptr<SandboxHttpServer>> start(SandboxOptions options);
  ~SandboxHttpServer();
  SandboxHttpServer(const SandboxHttpServer&) = delete;
  SandboxHttpServer& operator=(const SandboxHttpServer&) = delete;

  // Answers every held reply at once, then closes the listener. Idempotent.
  void stop();

  std::string base_url() const;  // "http://host:port/2/"

 private:
  class Listener;  // keeps cpprestsdk's listener out of includers
  explicit SandboxHttpServer(SandboxOptions options);

  void handle(const web::http::http_request& request);
  void route(const web::http::http_request& request, const std::string& body);
  void handle_weibo(const web::http::http_request& request, const std::string& endpoint, const Params& params,
                    bool has_pic);
  void handle_admin(const web::http::http_request& request, const std::string& endpoint, const std::string& body,
                    const Params& query);
  // Sends `body` with `status`, after `delay` when it is positive (through DelayedReplies).
  void send(const web::http::http_request& request, int status, std::string body, std::chrono::milliseconds delay);
  void send_error(const web::http::http_request& request, const PlatformError& error, const std::string& path,
                  std::chrono::milliseconds delay);

  SandboxOptions options_;
  PlatformState state_;
  FaultInjector faults_;
  RequestStats stats_;
  DelayedReplies delayed_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<Listener> listener_;
};

}  // namespace fabu::sandbox
