#include "queue/redis_cluster.h"

#include <charconv>

#include <hiredis/hiredis.h>

#include "queue/redis_connection.h"

namespace fabu {
namespace {

int to_int(std::string_view text, int def) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : def;
}

}  // namespace

std::uint16_t crc16_xmodem(std::string_view data) {
  std::uint16_t crc = 0;
  for (unsigned char byte : data) {
    crc = static_cast<std::uint16_t>(crc ^ (byte << 8));
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

int key_hash_slot(std::string_view key) {
  if (const auto open = key.find('{'); open != std::string_view::npos) {
    const auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
  }
  return crc16_xmodem(key) % kClusterSlots;
}

int office_slot(std::string_view prefix) { return key_hash_slot("{" + std::string(prefix) + "}"); }

std::optional<ClusterRedirect> parse_cluster_redirect(std::string_view text) {
  ClusterRedirect out;
  if (text.starts_with("MOVED ")) {
    out.kind = ClusterRedirect::Kind::moved;
    text.remove_prefix(6);
  } else if (text.starts_with("ASK ")) {
    out.kind = ClusterRedirect::Kind::ask;
    text.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  out.slot = to_int(text.substr(0, space), -1);
  std::string_view address = text.substr(space + 1);
  if (const auto end = address.find_first_of(" \r\n"); end != std::string_view::npos) address = address.substr(0, end);
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos || out.slot < 0 || out.slot >= kClusterSlots) return std::nullopt;
  out.host = std::string(address.substr(0, colon));
  out.port = to_int(address.substr(colon + 1), 0);
  if (out.port < 1 || out.port > 65535) return std::nullopt;
  return out;
}

std::vector<ClusterSlotRange> parse_cluster_slots(const redisReply* reply) {
  std::vector<ClusterSlotRange> out;
  for (std::size_t i = 0; i < reply_size(reply); ++i) {
    const redisReply* row = reply_at(reply, i);
    const redisReply* primary = reply_at(row, 2);
    if (reply_size(row) < 3 || reply_size(primary) < 2) continue;
    ClusterSlotRange range{static_cast<int>(reply_integer(reply_at(row, 0), -1)),
                           static_cast<int>(reply_integer(reply_at(row, 1), -1)), reply_string(reply_at(primary, 0)),
                           static_cast<int>(reply_integer(reply_at(primary, 1), 0))};
    if (range.first < 0 || range.last < range.first || range.port <= 0) continue;
    out.push_back(std::move(range));
  }
  return out;
}

std::optional<ClusterSlotRange> slot_owner(const std::vector<ClusterSlotRange>& ranges, int slot) {
  for (const auto& range : ranges) {
    if (range.first <= slot && slot <= range.last) return range;
  }
  return std::nullopt;
}

}  // namespace fabu
