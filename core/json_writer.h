// JsonObjectWriter: one flat JSON object written straight into a string, for lines written thousands
// of times a second (the delivery log): no nlohmann::json value is built, nothing is allocated beyond
// the output's own growth.
//
// Strings are escaped exactly as nlohmann::json::dump(-1, ' ', false, error_handler_t::replace)
// escapes them, so a line reads the same whichever of the two wrote it: `"` and `\` escaped, \b \f
// \n \r \t by name, other bytes below 0x20 as \u00xx, everything else as it is, and each malformed
// UTF-8 sequence (its longest well-formed beginning, at least one byte) replaced by U+FFFD.
// Members come out in the order they are written; duplicates are the caller's to avoid.
// Pure, no I/O; a writer is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fabu {

// Appends `text` as a JSON string, with its quotes.
void append_json_string(std::string& out, std::string_view text);

class JsonObjectWriter {
 public:
  // Appends '{' to `out`, which must outlive the writer.
  explicit JsonObjectWriter(std::string& out);
  // Distinct names, not overloads: a string literal would otherwise pick the bool one.
  JsonObjectWriter& text(std::string_view key, std::string_view value);
  JsonObjectWriter& number(std::string_view key, std::int64_t value);
  JsonObjectWriter& flag(std::string_view key, bool value);
  // Appends '}'. REQUIRES: called once, last.
  void close();

 private:
  void key(std::string_view name);

  std::string& out_;
  bool first_ = true;
};

}  // namespace fabu
