// TOML guard: rejects, before toml++ sees them, the documents that make Debian's toml++ 3.3.0 reach
// undefined behaviour or a failed assertion instead of a parse error.
//
// toml++ 3.3.0 asks is_non_ascii_horizontal_whitespace() about the code point it is looking at
// wherever whitespace may stand: outside strings and comments, right after a backslash in a
// multi-line basic string, and at the first character after a line-ending backslash. For about
// 2,000 code points (U+00A1..U+0499, U+2C8E..U+3087, U+FC06..U+FEFE, apart from a few whitespace
// characters) that function runs into __builtin_unreachable: `é` or `〔` alone is such a document
// (upstream tomlplusplus issue #295, fixed after 3.3.0 by returning false). A table header whose
// first character cannot start a key (`[&`, `[[[`) breaks an assertion of parse_key() (upstream
// #301), and nesting is bounded here because 3.3.0 allows 256 levels of recursion.
//
// The guard reads the document like toml++'s lexer does (strings, comments, brackets, and bare values,
// which run to the next whitespace, ']', '}', ',' or '#' with quotes included) and returns the first
// hazard. Every document it refuses is invalid TOML or uses one of those characters where
// TOML allows only whitespace; inside strings and comments every character stays allowed.
// Pure function, thread-safe, no dependency on toml++.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fabu {

struct TomlHazard {
  std::size_t line = 0;    // 1-based
  std::size_t column = 0;  // 1-based, in code points
  std::string reason;
};

// The first hazard in `text`, or nullopt when toml++ may parse it. Arrays and inline tables nested
// deeper than `max_nesting` are a hazard too.
std::optional<TomlHazard> find_toml_hazard(std::string_view text, std::size_t max_nesting = 32);

// True for the code points toml++ 3.3.0's whitespace lookup has no answer for (see above).
bool toml_whitespace_lookup_undefined(char32_t c);

}  // namespace fabu
