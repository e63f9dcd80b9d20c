// Bounded text: values that came from outside, cut to a size before they go into a log line, an error
// reason or a record, so that one hostile entry cannot write a 10 MB line.
//
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fabu {

// `text` itself when it has at most `max_bytes` bytes. Otherwise its longest prefix of at most
// `max_bytes` bytes that ends on a UTF-8 boundary, followed by "… (N bytes, at most M)".
// Malformed UTF-8 in the kept prefix is left as it is (callers that print it replace it). What it
// returned is returned as it is when cut again to the same size, so the size stated stays the
// original's however many layers cut it.
std::string bounded(std::string_view text, std::size_t max_bytes);

// What log lines and error reasons quote of a value: 64 bytes, the size of a release id.
inline constexpr std::size_t quoted_value_bytes = 64;

// "N bytes, at most M": the phrase used wherever a value was cut.
std::string size_phrase(std::size_t size, std::size_t max_bytes);

}  // namespace fabu
