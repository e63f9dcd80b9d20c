#include "core/error.h"

namespace fabu {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::transient: return "transient";
    case ErrorKind::rate_limited: return "rate_limited";
    case ErrorKind::auth: return "auth";
    case ErrorKind::permanent: return "permanent";
    case ErrorKind::config: return "config";
    case ErrorKind::invalid: return "invalid";
  }
  return "unknown";
}

}  // namespace fabu
