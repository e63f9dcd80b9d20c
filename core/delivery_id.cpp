#include "core/delivery_id.h"

#include <charconv>
#include <utility>
#include <vector>

namespace fabu {
namespace {

std::vector<std::string_view> split_bars(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = text.find('|', start);
    parts.push_back(text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return parts;
}

constexpr std::pair<Operation, std::string_view> kOperationNames[] = {
    {Operation::publish, "publish"},
    {Operation::retract, "retract"},
    {Operation::correct, "correct"},
};

}  // namespace

std::string_view to_string(Operation op) {
  for (const auto& [value, name] : kOperationNames) {
    if (value == op) return name;
  }
  return "publish";
}

std::optional<Operation> operation_from(std::string_view name) {
  for (const auto& [value, known] : kOperationNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string DeliveryId::str() const {
  std::string out = release + "|" + channel + "|" + destination;
  if (operation != Operation::publish || revision != 1) {
    out += "|";
    out += to_string(operation);
    out += "." + std::to_string(revision);
  }
  return out;
}

std::optional<DeliveryId> DeliveryId::parse(std::string_view text) {
  const auto parts = split_bars(text);
  if (parts.size() != 3 && parts.size() != 4) return std::nullopt;
  for (const auto part : parts) {
    if (part.empty()) return std::nullopt;
  }
  DeliveryId id{std::string(parts[0]), std::string(parts[1]), std::string(parts[2])};
  if (parts.size() == 3) return id;
  const std::string_view suffix = parts[3];
  const std::size_t dot = suffix.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto operation = operation_from(suffix.substr(0, dot));
  if (!operation) return std::nullopt;
  const std::string_view number = suffix.substr(dot + 1);
  int revision = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), revision);
  if (ec != std::errc() || end != number.data() + number.size() || revision < 1) return std::nullopt;
  if (*operation == Operation::publish && revision == 1) return std::nullopt;  // has one spelling only
  id.operation = *operation;
  id.revision = revision;
  return id;
}

}  // namespace fabu
