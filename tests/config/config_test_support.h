// Shared by the config tests: a config's errors as text, one per line, for failure messages.
#pragma once

#include <string>

#include "config/config.h"

namespace fabu {

inline std::string joined(const ConfigErrors& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

}  // namespace fabu
