// ServiceNotifier: tells systemd (Type=notify) how fabud is doing, through sd_notify(3).
//
// READY=1 is sent once Redis answered and the workers run (not when the process starts), so units
// ordered after fabud and `systemctl start` wait for a fabud that can deliver. RELOADING=1 / READY=1
// bracket a SIGHUP reload, STOPPING=1 starts the drain. With WatchdogSec= in the unit, keep_alive()
// sends WATCHDOG=1 at half the interval from the main loop, which also ends the process when a worker
// thread dies: a main loop that stops turning gets fabud restarted by systemd.
// Outside systemd (no $NOTIFY_SOCKET) every call does nothing. Used from the main thread only.
#pragma once

#include <chrono>
#include <string>

namespace fabu {

class ServiceNotifier {
 public:
  ServiceNotifier();  // reads $WATCHDOG_USEC (through sd_watchdog_enabled)

  void ready(const std::string& status);
  void reloading();
  void stopping();
  // Call often (e.g. every 200 ms); sends WATCHDOG=1 when due and `healthy`.
  void keep_alive(bool healthy, std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

  bool watchdog_enabled() const { return interval_.count() > 0; }

 private:
  std::chrono::microseconds interval_{0};  // half of WATCHDOG_USEC, 0 = no watchdog
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace fabu
