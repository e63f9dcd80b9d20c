// Reading TOML and JSON into the syntax-neutral DocNode tree, and the ISO date/time forms.
#include "core/release_document.h"

#include <chrono>
#include <cstdio>
#include <exception>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "core/text.h"

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

std::string format_time(int hour, int minute, int second) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", hour, minute, second);
  return buf;
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
      break;
    case toml::node_type::boolean:
      out.kind = DocNode::Kind::boolean;
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
      out.text = format_time(t.hour, t.minute, t.second);
      break;
    }
    case toml::node_type::date_time: {
      const toml::date_time dt = node.as_date_time()->get();
      out.text = format_date(dt.date.year, dt.date.month, dt.date.day) + "T" +
                 format_time(dt.time.hour, dt.time.minute, dt.time.second);
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

DocNode from_json(const nlohmann::json& value, bool marked_input) {
  DocNode out;
  switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      break;
    case nlohmann::json::value_t::string:
      out.kind = DocNode::Kind::string;
      out.text = value.get<std::string>();
      out.had_invalid_utf8 = marked_input && out.text.find(invalid_byte_marker) != std::string::npos;
      break;
    case nlohmann::json::value_t::boolean:
      out.kind = DocNode::Kind::boolean;
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      out.kind = DocNode::Kind::integer;
      out.text = value.dump();
      break;
    case nlohmann::json::value_t::number_float:
      out.kind = DocNode::Kind::floating;
      break;
    case nlohmann::json::value_t::binary:
      break;
    case nlohmann::json::value_t::array:
      out.kind = DocNode::Kind::array;
      for (const auto& item : value) out.items.push_back(from_json(item, marked_input));
      break;
    case nlohmann::json::value_t::object:
      out.kind = DocNode::Kind::table;
      for (const auto& [key, item] : value.items()) {
        out.fields.emplace_back(key, from_json(item, marked_input));
      }
      break;
  }
  return out;
}

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
  try {
    toml::table table = toml::parse(text);
    return from_toml(table, 0);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return std::unexpected(whole_document("TOML syntax error at line " + std::to_string(where.line) +
                                          ", column " + std::to_string(where.column) + ": " +
                                          std::string(e.description())));
  } catch (const TooDeep&) {
    return std::unexpected(whole_document("nested deeper than " + std::to_string(max_nesting) + " levels"));
  }
}

std::expected<DocNode, FieldErrors> parse_json_document(std::string_view text) {
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
  // The callback sees every value with its depth; throwing stops the parse of hostile nesting early.
  const nlohmann::json::parser_callback_t limit_depth = [](int depth, nlohmann::json::parse_event_t,
                                                           nlohmann::json&) {
    if (depth > max_nesting) throw TooDeep{};
    return true;
  };
  try {
    const nlohmann::json value = nlohmann::json::parse(text.begin(), text.end(), limit_depth);
    if (!value.is_object()) {
      return std::unexpected(whole_document("a release must be a JSON object, not " +
                                            std::string(value.type_name())));
    }
    return from_json(value, needs_marking);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix: it means nothing to a writer.
    if (const auto close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
    return std::unexpected(whole_document("JSON syntax error at byte " + std::to_string(e.byte) + ": " + what));
  } catch (const TooDeep&) {
    return std::unexpected(whole_document("nested deeper than " + std::to_string(max_nesting) + " levels"));
  }
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
