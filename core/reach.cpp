#include "core/reach.h"

#include <algorithm>
#include <charconv>

namespace fabu {

std::int64_t checkpoint_due_ms(std::int64_t delivered_ms, std::size_t index) {
  return delivered_ms + kReachCheckpoints[index].after.count();
}

std::size_t checkpoint_reached(std::int64_t delivered_ms, std::size_t from, std::int64_t now_ms) {
  std::size_t reached = from;
  while (reached + 1 < kReachCheckpoints.size() && checkpoint_due_ms(delivered_ms, reached + 1) <= now_ms) ++reached;
  return reached;
}

std::vector<std::vector<std::string>> chunk_ids(const std::vector<std::string>& ids, std::size_t per_call) {
  std::vector<std::vector<std::string>> out;
  for (std::size_t i = 0; i < ids.size(); i += per_call) {
    const auto end = std::min(ids.size(), i + per_call);
    out.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(i), ids.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return out;
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return std::nullopt;
  }
  const std::string_view digits = text.substr(0, text.size() - 1);
  std::int64_t number = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  constexpr std::int64_t kMaxNumber = 10'000'000;  // keeps number * unit far from overflow
  if (ec != std::errc() || end != digits.data() + digits.size() || number <= 0 || number > kMaxNumber) {
    return std::nullopt;
  }
  return std::chrono::seconds(number * unit);
}

}  // namespace fabu
