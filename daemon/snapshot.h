// Snapshot<T>: the current immutable value of something that is swapped whole on reload.
// Readers get a shared_ptr and keep using it while a newer value is installed. Thread-safe.
#pragma once

#include <memory>
#include <mutex>

namespace fabu {

template <class T>
class Snapshot {
 public:
  explicit Snapshot(std::shared_ptr<const T> value) : value_(std::move(value)) {}
  std::shared_ptr<const T> get() const {
    std::lock_guard lock(mu_);
    return value_;
  }
  void set(std::shared_ptr<const T> value) {
    std::lock_guard lock(mu_);
    value_ = std::move(value);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const T> value_;
};

}  // namespace fabu
