// The wall clock as fabu stores it: Unix milliseconds. Every timestamp in Redis uses it.
#pragma once

#include <chrono>
#include <cstdint>

namespace fabu {

inline std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace fabu
