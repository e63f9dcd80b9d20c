#include "daemon/service_notifier.h"

#include <systemd/sd-daemon.h>

namespace fabu {

ServiceNotifier::ServiceNotifier() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) interval_ = std::chrono::microseconds(usec / 2);
}

void ServiceNotifier::ready(const std::string& status) {
  sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
}

void ServiceNotifier::reloading() { sd_notify(0, "RELOADING=1"); }

void ServiceNotifier::stopping() { sd_notify(0, "STOPPING=1\nSTATUS=draining deliveries in flight"); }

void ServiceNotifier::keep_alive(bool healthy, std::chrono::steady_clock::time_point now) {
  if (!watchdog_enabled() || !healthy || now - last_ < interval_) return;
  last_ = now;
  sd_notify(0, "WATCHDOG=1");
}

}  // namespace fabu
