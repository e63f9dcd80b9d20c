// Base64 (RFC 4648 §4, standard alphabet, with padding): how keys and signatures are written in
// config files and releases. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fabu {

std::string base64_encode(std::string_view bytes);

// The decoded bytes, or nullopt when `text` is not canonical padded base64 (no whitespace, no
// URL-safe alphabet, padding where it belongs, unused bits zero).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace fabu
