// SHA-256 as lower-case hex: release content digests, screen digests, API token hashes. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace fabu {

// 64 hex digits; empty only when OpenSSL itself fails (an empty digest never equals a real one).
std::string sha256_hex(std::string_view text);

}  // namespace fabu
