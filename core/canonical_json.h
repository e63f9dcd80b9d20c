// Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): the exact bytes approval signatures
// cover, so that any system can reproduce them from the same JSON value.
//
// Object members are sorted by the UTF-16 code units of their names, no whitespace is written,
// strings are escaped as RFC 8785 §3.2.2.2 says, numbers are written as ECMAScript writes a double
// (§3.2.2.3). Pure functions, thread-safe.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace fabu {

// The JCS form of one JSON object given as text. The text is read with the same refusals as a release
// (NUL bytes, duplicate keys, nesting past 32 levels, numbers out of range, a top level that is not an
// object); the error says why it could not be canonicalised.
std::expected<std::string, std::string> canonicalize_json(std::string_view json_object);

// ECMAScript's Number.prototype.toString of a finite double: shortest digits that read back the same
// value, plain notation for 1e-7 < |value| < 1e21, exponent form (1e+21, 5e-324) outside. -0 is "0".
// REQUIRES: value is finite (JSON has no NaN or Infinity).
std::string canonical_number(double value);

// Appends the JCS form of a string (with its quotes). REQUIRES: text is valid UTF-8.
void append_canonical_string(std::string& out, std::string_view text);

// True when `a` sorts before `b` comparing their UTF-16 code units, as JCS orders member names.
bool utf16_less(std::string_view a, std::string_view b);

}  // namespace fabu
