#include "adapters/weibo/weibo_reply.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "core/release_document.h"
#include "core/text.h"

namespace fabu::weibo {

Reply read_reply(const HttpResponse& response) {
  Reply reply;
  reply.http_status = response.status;
  reply.retry_after = response.header("Retry-After");
  reply.body = nlohmann::json::parse(response.body, nullptr, false);
  if (reply.body.is_object()) {
    if (const auto code = reply.body.find("error_code"); code != reply.body.end()) {
      if (code->is_number_integer()) reply.error_code = code->get<int>();
      if (code->is_string()) reply.error_code = std::atoi(code->get<std::string>().c_str());
    }
    if (const auto text = reply.body.find("error"); text != reply.body.end() && text->is_string()) {
      reply.error_text = text->get<std::string>();
    }
  }
  return reply;
}

namespace {

// Reads the top level of a reply object (error_code, error, idstr, id) in one pass over the text,
// checking the whole text is JSON as nlohmann's parser does (RFC 8259; well-formed UTF-8 in strings;
// an integer too large for 64 bits is a float) and decoding only the strings it keeps. A member
// repeated later replaces the earlier one, as in a parsed document. Iterative, with its own stack of
// open containers, so a deeply nested reply cannot exhaust the thread's stack. By hand because it runs
// once per delivery: nlohmann's SAX parser took 20,000 instructions for a 250-byte status.
class PostReplyScanner {
 public:
  PostReplyScanner(std::string_view text, PostReply& out) : p_(text.data()), end_(text.data() + text.size()), out_(out) {}

  bool scan() {
    if (std::string_view(p_, static_cast<std::size_t>(end_ - p_)).starts_with("\xEF\xBB\xBF")) p_ += 3;  // as nlohmann: a BOM
    enum class Next { value, key, after_value } next = Next::value;
    for (;;) {
      skip_space();
      switch (next) {
        case Next::value: {
          if (p_ == end_) return false;
          const char c = *p_;
          if (c == '{' || c == '[') {
            if (open_.empty() && c == '{') out_.is_object = true;
            if (at_top_member()) keep(Value{});  // a member that is no scalar counts as the wrong type
            open_.push_back(c);
            ++p_;
            skip_space();
            const char close = c == '{' ? '}' : ']';
            if (p_ != end_ && *p_ == close) {
              open_.pop_back();
              ++p_;
              next = Next::after_value;
            } else {
              next = c == '{' ? Next::key : Next::value;
            }
            continue;
          }
          Value value;
          if (!scalar(value)) return false;
          if (at_top_member()) keep(value);
          next = Next::after_value;
          continue;
        }
        case Next::key: {
          std::string name;
          const bool top = open_.size() == 1 && open_[0] == '{';
          if (p_ == end_ || *p_ != '"' || !string(top ? &name : nullptr)) return false;
          if (top) member_ = member_named(name);
          skip_space();
          if (p_ == end_ || *p_ != ':') return false;
          ++p_;
          next = Next::value;
          continue;
        }
        case Next::after_value: {
          if (open_.empty()) return p_ == end_;
          if (p_ == end_) return false;
          const char c = *p_++;
          const char open = open_.back();
          if (c == ',') {
            next = open == '{' ? Next::key : Next::value;
          } else if ((open == '{' && c == '}') || (open == '[' && c == ']')) {
            open_.pop_back();
          } else {
            return false;
          }
          continue;
        }
      }
    }
  }

  // id_of(): idstr when it is a string, else id as a number or a string.
  std::string post_id() const { return idstr_ ? *idstr_ : id_ ? *id_ : std::string(); }

 private:
  enum class Member { other, error_code, error, idstr, id };
  struct Value {
    enum Kind { other, integer, text } kind = other;
    std::int64_t integer_value = 0;
    std::string text_value;
  };

  static Member member_named(std::string_view name) {
    return name == "error_code" ? Member::error_code
           : name == "error"    ? Member::error
           : name == "idstr"    ? Member::idstr
           : name == "id"       ? Member::id
                                : Member::other;
  }

  // A value directly inside the top-level object, whose key was just read.
  bool at_top_member() const { return open_.size() == 1 && open_[0] == '{'; }

  void keep(const Value& value) {
    switch (member_) {
      case Member::error_code:
        out_.head.error_code = value.kind == Value::integer ? static_cast<int>(value.integer_value)
                               : value.kind == Value::text  ? std::atoi(value.text_value.c_str())
                                                            : 0;
        break;
      case Member::error:
        out_.head.error_text = value.kind == Value::text ? value.text_value : std::string();
        break;
      case Member::idstr:
        idstr_ = value.kind == Value::text ? std::optional(value.text_value) : std::nullopt;
        break;
      case Member::id:
        id_ = value.kind == Value::integer ? std::optional(std::to_string(value.integer_value))
              : value.kind == Value::text  ? std::optional(value.text_value)
                                           : std::nullopt;
        break;
      case Member::other:
        break;
    }
    member_ = Member::other;
  }

  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  // A string, number or literal at p_; the text of a string only when it will be kept.
  bool scalar(Value& value) {
    const char c = *p_;
    if (c == '"') {
      const bool wanted = at_top_member() && member_ != Member::other;
      if (!string(wanted ? &value.text_value : nullptr)) return false;
      value.kind = Value::text;
      return true;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(value);
    for (const std::string_view word : {"true", "false", "null"}) {
      if (static_cast<std::size_t>(end_ - p_) >= word.size() && std::string_view(p_, word.size()) == word) {
        p_ += word.size();
        return true;
      }
    }
    return false;
  }

  bool number(Value& value) {
    const char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    bool integer = true;
    if (p_ != end_ && *p_ == '.') {
      integer = false;
      ++p_;
      if (!digits()) return false;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integer = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
    }
    if (integer && *start == '-') {
      std::int64_t signed_value = 0;
      if (std::from_chars(start, p_, signed_value).ec == std::errc()) {
        value = Value{Value::integer, signed_value, {}};
        return true;
      }
    } else if (integer) {
      std::uint64_t unsigned_value = 0;
      if (std::from_chars(start, p_, unsigned_value).ec == std::errc()) {
        value = Value{Value::integer, static_cast<std::int64_t>(unsigned_value), {}};
        return true;
      }
    }
    // A float, or an integer too large for 64 bits: JSON, unless it overflows a double.
    return std::isfinite(std::strtod(std::string(start, p_).c_str(), nullptr));
  }

  bool digits() {
    const char* start = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ != start;
  }

  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Four hex digits after "\u"; -1 when they are not.
  int code_unit() {
    if (end_ - p_ < 4) return -1;
    int unit = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_digit(*p_++);
      if (digit < 0) return -1;
      unit = unit * 16 + digit;
    }
    return unit;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // A string at p_ (on its opening quote); its decoded text into `out` unless that is null.
  bool string(std::string* out) {
    ++p_;
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++p_ == end_) return false;
        const char escaped = *p_++;
        char plain = 0;
        switch (escaped) {
          case '"': case '\\': case '/': plain = escaped; break;
          case 'b': plain = '\b'; break;
          case 'f': plain = '\f'; break;
          case 'n': plain = '\n'; break;
          case 'r': plain = '\r'; break;
          case 't': plain = '\t'; break;
          case 'u': {
            int unit = code_unit();
            if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return false;
            std::uint32_t cp = static_cast<std::uint32_t>(unit);
            if (unit >= 0xD800 && unit <= 0xDBFF) {  // a high surrogate: its low half must follow
              if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
              p_ += 2;
              const int low = code_unit();
              if (low < 0xDC00 || low > 0xDFFF) return false;
              cp = 0x10000 + ((static_cast<std::uint32_t>(unit) - 0xD800) << 10) + (static_cast<std::uint32_t>(low) - 0xDC00);
            }
            if (out) append_utf8(*out, cp);
            continue;
          }
          default:
            return false;
        }
        if (out) *out += plain;
        continue;
      }
      if (c < 0x80) {  // a run of plain ASCII, copied whole
        const char* run = p_;
        while (p_ != end_ && static_cast<unsigned char>(*p_) >= 0x20 && static_cast<unsigned char>(*p_) < 0x80 &&
               *p_ != '"' && *p_ != '\\') {
          ++p_;
        }
        if (out) out->append(run, p_);
        continue;
      }
      // Beyond ASCII: a well-formed sequence (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
      const std::size_t length = utf8_sequence_length(std::string_view(p_, static_cast<std::size_t>(end_ - p_)), 0);
      if (length == 0) return false;
      if (out) out->append(p_, length);
      p_ += length;
    }
    return false;
  }

  const char* p_;
  const char* const end_;
  PostReply& out_;
  std::vector<char> open_;  // the containers open around p_: '{' or '['
  Member member_ = Member::other;
  std::optional<std::string> idstr_, id_;
};

}  // namespace

PostReply read_post_reply(const HttpResponse& response) {
  PostReply reply;
  reply.head.http_status = response.status;
  reply.head.retry_after = response.header("Retry-After");
  PostReplyScanner scanner(response.body, reply);
  if (!scanner.scan()) {
    // Not JSON: nothing of it counts, as with read_reply()'s discarded document.
    reply.is_object = false;
    reply.head.error_code = 0;
    reply.head.error_text.clear();
    return reply;
  }
  if (reply.is_object) reply.post_id = scanner.post_id();
  return reply;
}

Error reply_error(const Reply& reply, const AccountCall& call) {
  return to_error({reply.http_status, reply.error_code, reply.error_text, call.account, reply.retry_after,
                   call.rate_limit_wait});
}

std::string id_of(const nlohmann::json& status) {
  if (!status.is_object()) return {};
  if (const auto idstr = status.find("idstr"); idstr != status.end() && idstr->is_string()) {
    return idstr->get<std::string>();
  }
  if (const auto id = status.find("id"); id != status.end()) {
    if (id->is_number_integer()) return std::to_string(id->get<std::int64_t>());
    if (id->is_string()) return id->get<std::string>();
  }
  return {};
}

namespace {

// Reads exactly `width` digits at `at` (moving past them) into `out`.
bool digits(std::string_view text, std::size_t& at, std::size_t width, int& out) {
  if (at + width > text.size()) return false;
  int value = 0;
  for (const char c : text.substr(at, width)) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  at += width;
  return true;
}

bool literal(std::string_view text, std::size_t& at, char c) {
  if (at >= text.size() || text[at] != c) return false;
  ++at;
  return true;
}

// Weibo's own form, "Sun Dec 06 12:00:00 +0800 2026" (the weekday is not checked).
std::optional<std::int64_t> weibo_form(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 30 || text[3] != ' ' || text[7] != ' ' || text[10] != ' ' || text[19] != ' ' ||
      text[25] != ' ' || (text[20] != '+' && text[20] != '-')) {
    return std::nullopt;
  }
  unsigned month = 0;
  for (std::size_t m = 0; m < kMonths.size(); ++m) {
    if (text.substr(4, 3) == kMonths[m]) month = static_cast<unsigned>(m + 1);
  }
  int day = 0, hour = 0, minute = 0, second = 0, zone_hours = 0, zone_minutes = 0, year = 0;
  std::size_t at = 8, zone = 21, year_at = 26;
  if (month == 0 || !digits(text, at, 2, day)) return std::nullopt;
  at = 11;
  if (!digits(text, at, 2, hour) || !literal(text, at, ':') || !digits(text, at, 2, minute) ||
      !literal(text, at, ':') || !digits(text, at, 2, second) || !digits(text, zone, 2, zone_hours) ||
      !digits(text, zone, 2, zone_minutes) || !digits(text, year_at, 4, year)) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59 || zone_hours > 14 || zone_minutes > 59) {
    return std::nullopt;
  }
  const int offset = (text[20] == '-' ? -1 : 1) * (zone_hours * 60 + zone_minutes);
  const auto utc = sys_days{date} + hours{hour} + minutes{minute - offset} + seconds{second};
  return duration_cast<milliseconds>(utc.time_since_epoch()).count();
}

}  // namespace

std::optional<std::int64_t> created_at_ms(const nlohmann::json& status) {
  if (!status.is_object()) return std::nullopt;
  const auto field = status.find("created_at");
  if (field == status.end() || !field->is_string()) return std::nullopt;
  const std::string_view text = field->get_ref<const std::string&>();
  if (auto ms = weibo_form(text)) return ms;
  // ISO 8601 with a zone, read as release files' timestamps are.
  if (auto at = release_detail::parse_iso_timestamp(text)) return at->unix_seconds * 1000;
  return std::nullopt;
}

}  // namespace fabu::weibo
