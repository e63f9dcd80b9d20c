// Reading TOML and JSON into the syntax-neutral DocNode tree, and the ISO date/time forms.
#include "core/release_document.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <type_traits>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "core/bounded_text.h"
#include "core/text.h"
#include "core/toml_guard.h"

namespace fabu::release_detail {
namespace {

// Deeper than any release needs; bounds the recursion below on hostile input.
constexpr int max_nesting = 32;

struct TooDeep {};

std::string format_date(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

// HH:MM:SS, then the fraction of a second when there is one, without trailing zeros: the form
// TOML times take in canonical JSON (docs/PROTOCOL.md, "Approval signatures").
std::string format_time(const toml::time& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", t.hour, t.minute, t.second);
  std::string out = buf;
  if (t.nanosecond != 0) {
    std::snprintf(buf, sizeof buf, ".%09u", static_cast<unsigned>(t.nanosecond));
    out += buf;
    while (out.back() == '0') out.pop_back();
  }
  return out;
}

DocNode from_toml(const toml::node& node, int depth) {
  if (depth > max_nesting) throw TooDeep{};
  DocNode out;
  switch (node.type()) {
    case toml::node_type::string:
      out.kind = DocNode::Kind::string;
      out.text = node.as_string()->get();
      break;
    case toml::node_type::integer:
      out.kind = DocNode::Kind::integer;
      out.text = std::to_string(node.as_integer()->get());
      break;
    case toml::node_type::floating_point:
      out.kind = DocNode::Kind::floating;
      out.number = node.as_floating_point()->get();
      break;
    case toml::node_type::boolean:
      out.kind = DocNode::Kind::boolean;
      out.boolean = node.as_boolean()->get();
      break;
    case toml::node_type::date: {
      const toml::date d = node.as_date()->get();
      out.kind = DocNode::Kind::date;
      out.text = format_date(d.year, d.month, d.day);
      break;
    }
    case toml::node_type::time: {
      const toml::time t = node.as_time()->get();
      out.kind = DocNode::Kind::local_time;
      out.text = format_time(t);
      break;
    }
    case toml::node_type::date_time: {
      const toml::date_time dt = node.as_date_time()->get();
      out.text = format_date(dt.date.year, dt.date.month, dt.date.day) + "T" +
                 format_time(dt.time);
      if (dt.offset) {
        const int minutes = dt.offset->minutes;
        const int magnitude = minutes < 0 ? -minutes : minutes;
        char buf[16];
        std::snprintf(buf, sizeof buf, "%c%02d:%02d", minutes < 0 ? '-' : '+', magnitude / 60,
                      magnitude % 60);
        out.text += buf;
        out.kind = DocNode::Kind::offset_datetime;
      } else {
        out.kind = DocNode::Kind::local_datetime;
      }
      break;
    }
    case toml::node_type::array:
      out.kind = DocNode::Kind::array;
      for (const toml::node& item : *node.as_array()) out.items.push_back(from_toml(item, depth + 1));
      break;
    case toml::node_type::table:
      out.kind = DocNode::Kind::table;
      for (const auto& [key, value] : *node.as_table()) {
        out.fields.emplace_back(std::string(key.str()), from_toml(value, depth + 1));
      }
      break;
    case toml::node_type::none:
      break;
  }
  return out;
}

// U+FDD0, a noncharacter, stands in for each malformed byte so that the JSON parser (which rejects
// bad UTF-8 outright) still yields a tree and validation can name the field that held the bytes.
constexpr std::string_view invalid_byte_marker = "\xEF\xB7\x90";

// Builds the DocNode tree from nlohmann's SAX events, so that what the DOM parser silently accepts
// or throws on becomes a FieldError naming the field: a duplicate key (the DOM keeps the last one),
// nesting past max_nesting (checked before the container is built), an integer past 64 bits (the
// DOM turns it into an inexact double) and a number past a double's range (the DOM throws).
class DocumentBuilder {
 public:
  using number_integer_t = nlohmann::json::number_integer_t;
  using number_unsigned_t = nlohmann::json::number_unsigned_t;
  using number_float_t = nlohmann::json::number_float_t;
  using string_t = nlohmann::json::string_t;
  using binary_t = nlohmann::json::binary_t;

  explicit DocumentBuilder(bool marked_input) : marked_input_(marked_input) {}

  bool null() { return put(DocNode{}); }
  bool boolean(bool value) {
    DocNode node = scalar(DocNode::Kind::boolean, {});
    node.boolean = value;
    return put(std::move(node));
  }
  bool number_integer(number_integer_t value) { return put(scalar(DocNode::Kind::integer, std::to_string(value))); }
  bool number_unsigned(number_unsigned_t value) { return put(scalar(DocNode::Kind::integer, std::to_string(value))); }
  bool number_float(number_float_t value, const string_t& token) {
    // An integer too wide for 64 bits stays a number, as JSON and RFC 8785 read it: canonical JSON
    // writes 1e20 as 100000000000000000000, and that must read back. A field that needs a whole
    // number refuses it with the field's own range.
    DocNode node = scalar(DocNode::Kind::floating, token);
    node.number = value;
    return put(std::move(node));
  }
  bool string(string_t& value) {
    DocNode node = scalar(DocNode::Kind::string, std::move(value));
    node.had_invalid_utf8 = marked_input_ && node.text.find(invalid_byte_marker) != std::string::npos;
    return put(std::move(node));
  }
  bool binary(binary_t&) { return fail(current_path(), "binary values are not JSON"); }

  bool start_object(std::size_t) { return open(DocNode::Kind::table); }
  bool start_array(std::size_t) { return open(DocNode::Kind::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(string_t& name) {
    Frame& top = stack_.back();
    if (!top.keys.insert(name).second) {
      top.key = name;
      return fail(current_path(), "duplicate key: the same object names it more than once");
    }
    top.key = std::move(name);
    return true;
  }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& e) {
    if constexpr (std::is_same_v<Exception, nlohmann::json::out_of_range>) {
      return fail(current_path(), "number " + bounded(token, quoted_value_bytes) +
                                      " is out of range for a 64-bit floating-point number");
    } else {
      std::string what = e.what();
      // Drop nlohmann's "[json.exception.parse_error.101] " prefix: it means nothing to a writer.
      if (const auto close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
      return fail("", "JSON syntax error at byte " + std::to_string(position) + ": " +
                          bounded(what, 4 * quoted_value_bytes));
    }
  }

  std::optional<DocNode>& root() { return root_; }
  std::optional<FieldError>& error() { return error_; }

 private:
  struct Frame {
    DocNode node;
    std::string key;                       // the key whose value comes next (objects)
    std::unordered_set<std::string> keys;  // every key seen in this object
  };

  static DocNode scalar(DocNode::Kind kind, std::string text) {
    DocNode node;
    node.kind = kind;
    node.text = std::move(text);
    return node;
  }

  bool fail(std::string path, std::string reason) {
    if (!error_) error_ = FieldError{std::move(path), std::move(reason)};
    return false;
  }

  bool open(DocNode::Kind kind) {
    if (stack_.empty() && kind != DocNode::Kind::table) {
      return fail("", "a release must be a JSON object, not an array");
    }
    if (static_cast<int>(stack_.size()) >= max_nesting) {
      return fail(current_path(), "nested deeper than " + std::to_string(max_nesting) + " levels");
    }
    stack_.push_back(Frame{scalar(kind, {}), {}, {}});
    return true;
  }

  bool close() {
    DocNode node = std::move(stack_.back().node);
    stack_.pop_back();
    return put(std::move(node));
  }

  bool put(DocNode node) {
    if (stack_.empty()) {
      if (node.kind != DocNode::Kind::table) {
        return fail("", "a release must be a JSON object, not " + std::string(describe(node.kind)));
      }
      root_ = std::move(node);
      return true;
    }
    Frame& top = stack_.back();
    if (top.node.kind == DocNode::Kind::array) {
      top.node.items.push_back(std::move(node));
    } else {
      top.node.fields.emplace_back(std::move(top.key), std::move(node));
    }
    return true;
  }

  // "targets.microblog[1]": where the value being read sits; keys are cut to a readable size.
  std::string current_path() const {
    std::string path;
    for (const Frame& frame : stack_) {
      if (frame.node.kind == DocNode::Kind::array) {
        path += "[" + std::to_string(frame.node.items.size()) + "]";
      } else {
        if (!path.empty()) path += ".";
        path += bounded(frame.key, quoted_value_bytes);
      }
    }
    return path;
  }

  bool marked_input_;
  std::vector<Frame> stack_;
  std::optional<DocNode> root_;
  std::optional<FieldError> error_;
};

FieldErrors whole_document(std::string reason) { return {FieldError{"", std::move(reason)}}; }

}  // namespace

std::string_view describe(DocNode::Kind kind) {
  switch (kind) {
    case DocNode::Kind::null: return "null";
    case DocNode::Kind::string: return "a string";
    case DocNode::Kind::integer: return "an integer";
    case DocNode::Kind::floating: return "a number";
    case DocNode::Kind::boolean: return "a boolean";
    case DocNode::Kind::array: return "an array";
    case DocNode::Kind::table: return "a table";
    case DocNode::Kind::date: return "a date";
    case DocNode::Kind::offset_datetime: return "a date-time";
    case DocNode::Kind::local_datetime: return "a local date-time";
    case DocNode::Kind::local_time: return "a time of day";
  }
  return "a value";
}

std::expected<DocNode, FieldErrors> parse_toml_document(std::string_view text) {
  // What would make toml++ 3.3.0 reach undefined behaviour is refused before it sees the text.
  if (auto hazard = find_toml_hazard(text, max_nesting)) {
    return std::unexpected(whole_document("TOML syntax error at line " + std::to_string(hazard->line) + ", column " +
                                          std::to_string(hazard->column) + ": " + hazard->reason));
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return std::unexpected(whole_document("document is empty"));
  }
  try {
    toml::table table = toml::parse(text);
    return from_toml(table, 0);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return std::unexpected(whole_document("TOML syntax error at line " + std::to_string(where.line) +
                                          ", column " + std::to_string(where.column) + ": " +
                                          bounded(e.description(), 4 * quoted_value_bytes)));
  } catch (const TooDeep&) {
    return std::unexpected(whole_document("nested deeper than " + std::to_string(max_nesting) + " levels"));
  } catch (const std::exception& e) {
    return std::unexpected(whole_document("TOML could not be read: " + bounded(e.what(), 4 * quoted_value_bytes)));
  }
}

std::expected<DocNode, FieldErrors> parse_json_document(std::string_view text) {
  // nlohmann's lexer takes a NUL byte for the end of input: `{A}\0{B}` would be read as A alone.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return std::unexpected(whole_document("contains a NUL byte at byte " + std::to_string(nul)));
  }
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return std::unexpected(whole_document("document is empty"));
  }
  if (text.starts_with("\xEF\xBB\xBF")) {
    return std::unexpected(whole_document("starts with a byte order mark (U+FEFF); send UTF-8 without one"));
  }
  std::string marked;
  const bool needs_marking = !is_valid_utf8(text);
  if (needs_marking) {
    marked.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size();) {
      const std::size_t n = utf8_sequence_length(text, i);
      if (n == 0) {
        marked += invalid_byte_marker;
        ++i;
      } else {
        marked.append(text.substr(i, n));
        i += n;
      }
    }
    text = marked;
  }
  DocumentBuilder builder(needs_marking);
  try {
    const bool complete = nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
    if (builder.error()) return std::unexpected(FieldErrors{std::move(*builder.error())});
    if (!complete || !builder.root()) return std::unexpected(whole_document("JSON document is incomplete"));
    return std::move(*builder.root());
  } catch (const nlohmann::json::exception& e) {
    return std::unexpected(whole_document("JSON could not be read: " + bounded(e.what(), 4 * quoted_value_bytes)));
  } catch (const std::exception& e) {
    return std::unexpected(whole_document("JSON could not be read: " + bounded(e.what(), 4 * quoted_value_bytes)));
  }
}

std::expected<DocNode, FieldErrors> read_document(std::string_view text, DocumentFormat format) {
  if (text.size() > ReleaseLimits::document_bytes) {
    return std::unexpected(whole_document("document is " + std::to_string(text.size()) +
                                          " bytes, over the limit document_bytes (" +
                                          std::to_string(ReleaseLimits::document_bytes) + ")"));
  }
  return format == DocumentFormat::toml ? parse_toml_document(text) : parse_json_document(text);
}

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (text[i] - '0');
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{parts[0]},
                                        std::chrono::month{static_cast<unsigned>(parts[1])},
                                        std::chrono::day{static_cast<unsigned>(parts[2])}};
  if (!ymd.ok()) return std::nullopt;
  return Date{parts[0], parts[1], parts[2]};
}

std::expected<Timestamp, std::string> parse_iso_timestamp(std::string_view text) {
  const auto bad = [](std::string why) { return std::unexpected<std::string>(std::move(why)); };
  const auto two_digits = [&](std::size_t at) -> int {
    if (at + 2 > text.size()) return -1;
    const char a = text[at], b = text[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
    return (a - '0') * 10 + (b - '0');
  };
  const char* shape = "must look like 2026-03-02T09:30:00+08:00";
  if (text.size() < 19) return bad(shape);
  const std::optional<Date> date = parse_iso_date(text.substr(0, 10));
  if (!date) return bad(shape);
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return bad(shape);
  const int hour = two_digits(11), minute = two_digits(14), second = two_digits(17);
  if (text[13] != ':' || text[16] != ':' || hour < 0 || minute < 0 || second < 0) return bad(shape);
  if (hour > 23 || minute > 59 || second > 59) return bad("has an impossible time of day");
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits_start) return bad(shape);
  }
  if (pos == text.size()) return bad("has no UTC offset (add +08:00 or Z)");
  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const int oh = two_digits(pos + 1), om = two_digits(pos + 4);
    if (oh < 0 || om < 0 || pos + 3 >= text.size() || text[pos + 3] != ':') return bad(shape);
    if (oh > 23 || om > 59) return bad("has an impossible UTC offset");
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad(shape);
  }
  if (pos != text.size()) return bad(shape);

  const std::chrono::sys_days day{std::chrono::year{date->year} /
                                  std::chrono::month{static_cast<unsigned>(date->month)} /
                                  std::chrono::day{static_cast<unsigned>(date->day)}};
  const std::int64_t local_seconds = std::int64_t{day.time_since_epoch().count()} * 86400 +
                                     hour * 3600 + minute * 60 + second;
  return Timestamp{local_seconds - offset_minutes * 60, offset_minutes};
}

}  // namespace fabu::release_detail
