// Redis Cluster routing for one office: which slot its keys hash to, which primary owns that slot,
// and what a MOVED or ASK redirect says. Pure functions, no I/O; RedisConnection does the talking.
//
// Every key of an office carries the hash tag `{<prefix>}`, so all of them (and every Lua script's
// keys) live in the slot CRC16(prefix) mod 16384, and one connection to that slot's primary serves
// the whole office. Thread rules: none (no state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;

namespace fabu {

inline constexpr int kClusterSlots = 16384;

// CRC16 as Redis Cluster uses it (XMODEM: polynomial 0x1021, initial value 0): "123456789" -> 0x31C3.
std::uint16_t crc16_xmodem(std::string_view data);

// The slot of `key`, honouring a hash tag: the part between the first '{' and the next '}' when it is
// non-empty (the Redis Cluster specification's key hash tags).
int key_hash_slot(std::string_view key);

// The slot every key of the office with this `redis.prefix` lives in: key_hash_slot("{<prefix>}").
int office_slot(std::string_view prefix);

// A `-MOVED 3999 127.0.0.1:6381` or `-ASK 3999 127.0.0.1:6381` error reply. Both mean that the node
// did NOT run the command, so sending it once more to the named node cannot run it twice.
struct ClusterRedirect {
  enum class Kind { moved, ask };
  Kind kind = Kind::moved;
  int slot = 0;
  std::string host;
  int port = 0;
};

// The redirect an error reply's text names, or nullopt for any other error.
std::optional<ClusterRedirect> parse_cluster_redirect(std::string_view error_text);

// One row of CLUSTER SLOTS: the primary serving slots first..last.
struct ClusterSlotRange {
  int first = 0;
  int last = 0;
  std::string host;
  int port = 0;
};

// The rows of a CLUSTER SLOTS reply (an empty host, as Redis reports for the node asked when it
// does not know its own address, is left empty for the caller to fill in).
std::vector<ClusterSlotRange> parse_cluster_slots(const redisReply* reply);

// The range that holds `slot`, or nullopt when no primary serves it (the cluster is not ready).
std::optional<ClusterSlotRange> slot_owner(const std::vector<ClusterSlotRange>& ranges, int slot);

}  // namespace fabu
