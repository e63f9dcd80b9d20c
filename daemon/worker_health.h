// WorkerHealth: whether every long-running thread of this fabud is still alive.
//
// A worker thread (intake, dispatcher, wake-up listener, token watch) that ends because of an error
// it could not handle reports it here. A daemon with a dead worker is not half alive: main's loop sees
// the failure, logs it and exits with exit_code_worker_died so that the supervisor (systemd, k8s)
// restarts the process, and readiness (the HTTP health endpoint) answers 503 meanwhile.
// Thread-safe: any thread may report, any thread may ask.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>

namespace fabu {

// fabud's exit status after a worker thread died (2 is a bad config, 0 a clean stop).
inline constexpr int exit_code_worker_died = 3;

class WorkerHealth {
 public:
  // Records that `worker` stopped because of `reason`. The first report is kept; later ones are logged
  // by their callers only.
  void report_fatal(std::string_view worker, std::string_view reason);

  // False once any worker reported a fatal failure.
  bool healthy() const { return healthy_.load(); }

  // "intake: <reason>" of the first failure; empty while healthy.
  std::string failure() const;

 private:
  std::atomic<bool> healthy_{true};
  mutable std::mutex mu_;
  std::string failure_;
};

}  // namespace fabu
