// Base64 (RFC 4648): standard alphabet with padding (§4) and the URL-safe alphabet without padding
// (§5). Decoding is strict: a stray byte, whitespace inside, or wrong padding is a failure, so two
// different texts never decode to the same bytes. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fabu {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

std::string base64url_encode(std::string_view bytes);                // no '=' padding
std::optional<std::string> base64url_decode(std::string_view text);  // padding refused

}  // namespace fabu
