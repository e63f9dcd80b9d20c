// ReleaseDocument: the syntax-neutral tree a release file is read into before validation.
//
// TOML and JSON differ in what they can express (TOML has native dates, JSON has null), so both are
// first converted into one small tree and a single validation pass reads that tree. Internal to
// core/; nothing outside release*.cpp should include this header. Plain values, no shared state.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/release.h"

namespace fabu::release_detail {

struct DocNode {
  enum class Kind {
    null,            // JSON null: treated as "absent" by validation
    string,
    integer,
    floating,
    boolean,
    array,
    table,
    date,            // TOML native local date; `text` holds YYYY-MM-DD
    offset_datetime, // TOML native offset date-time; `text` holds the ISO form with offset
    local_datetime,  // TOML native date-time without offset; `text` holds its ISO form
    local_time,      // TOML native time of day; `text` holds HH:MM:SS
  };
  Kind kind = Kind::null;
  std::string text;  // string value, or the ISO form of a date/time kind
  // True when `text` came from bytes that were not valid UTF-8 (JSON only; see parse_json_document).
  bool had_invalid_utf8 = false;
  double number = 0;     // floating: the value (integers keep their decimal digits in `text`)
  bool boolean = false;  // boolean: the value
  std::vector<DocNode> items;                          // array elements
  std::vector<std::pair<std::string, DocNode>> fields;  // table entries, in document order
};

std::string_view describe(DocNode::Kind kind);  // "a string", "an array", ... for error reasons

// Parses the text into a table node, or returns one FieldError with an empty path that locates the
// syntax error (line and column for TOML, byte offset for JSON).
std::expected<DocNode, FieldErrors> parse_toml_document(std::string_view text);
std::expected<DocNode, FieldErrors> parse_json_document(std::string_view text);

// Size limit, then parse_toml_document or parse_json_document.
std::expected<DocNode, FieldErrors> read_document(std::string_view text, DocumentFormat format);

// The validation pass: fills `out`, returns every problem found (empty when the release is valid).
FieldErrors validate_release(const DocNode& root, Release& out);

// RFC 8785 canonical JSON of the tree (core/canonical_json.h). Date and time kinds are written as the
// strings in `text`; null as null. Fails on a non-finite number or text that is not valid UTF-8.
std::expected<std::string, std::string> canonical_json(const DocNode& node);

// ISO date `YYYY-MM-DD` of a real calendar day; nullopt otherwise.
std::optional<Date> parse_iso_date(std::string_view text);

// ISO 8601 `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`; fractions of a second are dropped.
// On failure the error says why (in particular when the offset is missing).
std::expected<Timestamp, std::string> parse_iso_timestamp(std::string_view text);

}  // namespace fabu::release_detail
