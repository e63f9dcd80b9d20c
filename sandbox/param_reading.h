// Small readers for Weibo request parameters, shared by the platform model's files.
// Pure inline functions, thread-safe.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/form_parsing.h"

namespace fabu::sandbox {

// A whole-string decimal integer, or nullopt.
inline std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || stop != end || text.empty()) return std::nullopt;
  return value;
}

// The parameter's value, or nullptr when it was not sent.
inline const std::string* find_param(const Params& params, const std::string& name) {
  const auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

// An integer parameter: `fallback` when absent or empty, nullopt when present but not a number.
inline std::optional<std::int64_t> int_param(const Params& params, const std::string& name, std::int64_t fallback) {
  const auto* text = find_param(params, name);
  if (text == nullptr || text->empty()) return fallback;
  return parse_int(*text);
}

// Comma-separated ids; nullopt when one is not a number, or none, or more than `limit`.
inline std::optional<std::vector<std::int64_t>> parse_id_list(std::string_view text, std::size_t limit) {
  std::vector<std::int64_t> ids;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto stop = text.find(',', start);
    if (stop == std::string_view::npos) stop = text.size();
    auto item = text.substr(start, stop - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      const auto id = parse_int(item);
      if (!id) return std::nullopt;
      ids.push_back(*id);
    }
    start = stop + 1;
  }
  if (ids.empty() || ids.size() > limit) return std::nullopt;
  return ids;
}

}  // namespace fabu::sandbox
