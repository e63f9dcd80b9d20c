// RedisConnection: one hiredis connection that reconnects by itself and reports failures as values.
//
// Every Redis round trip in fabu goes through here. A command either returns its reply or an Error;
// nothing throws. Any I/O failure (timeout, reset, refused) drops the context, and the next call
// connects again with the stored config before it sends anything, so a Redis restart costs the caller
// transient errors while Redis is down and nothing else.
//
// With Redis Cluster (config cluster_nodes) the connection goes to the primary owning the office's slot
// (redis_cluster.h): it asks the seed nodes with CLUSTER SLOTS on every (re)connect, follows a MOVED
// reply by reconnecting to the named node and sending the command again, once, and an ASK reply by
// sending ASKING and the command to the named node, once, without moving. MOVED and ASK mean the node
// did not run the command, so following them never runs a script twice.
//
// Thread rules: NOT thread-safe (a hiredis context must not be shared). One connection per thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"

struct redisContext;
struct redisReply;

namespace fabu {

struct RedisContextDeleter {
  void operator()(redisContext* context) const;
};
struct RedisReplyDeleter {
  void operator()(redisReply* reply) const;
};
using RedisReplyPtr = std::unique_ptr<redisReply, RedisReplyDeleter>;

// A Lua script run with EVALSHA; the source is kept for the NOSCRIPT fallback.
struct RedisScript {
  std::string_view name;  // for error messages: "claim"
  std::string source;     // the whole Lua text (shared prelude + the script's own body)
};

using RedisArgs = std::vector<std::string>;

class RedisConnection {
 public:
  explicit RedisConnection(RedisConfig config);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Connects now (connect() of the ledger reports an unreachable Redis up front). Calls below connect
  // on demand, so this is optional.
  Result<void> ensure_connected();

  // One command. A Redis error reply becomes an Error whose message starts with Redis's own code
  // ("NOGROUP ...", "BUSYGROUP ..."): transient for LOADING/BUSY/TRYAGAIN/MASTERDOWN/READONLY/CLUSTERDOWN
  // and for a MOVED/ASK still there after following one, else permanent. `extra_wait` lengthens the socket timeout for blocking commands (BLPOP, XREADGROUP BLOCK).
  Result<RedisReplyPtr> command(const RedisArgs& args,
                                std::chrono::milliseconds extra_wait = std::chrono::milliseconds(0));

  // Several commands in one round trip. Fails as a whole on I/O errors; per-command error replies are
  // returned as replies (type REDIS_REPLY_ERROR) for the caller to judge. With Cluster, when every
  // reply is the same MOVED or ASK (the office's slot moved or is moving: nothing ran here) the whole
  // pipeline goes once to the named node.
  Result<std::vector<RedisReplyPtr>> pipeline(const std::vector<RedisArgs>& commands);

  // EVALSHA, falling back to EVAL when the server lost its script cache (restart, SCRIPT FLUSH).
  // `args` by value: a caller that moves them in has them sent without a copy.
  Result<RedisReplyPtr> eval(const RedisScript& script, const RedisArgs& keys, RedisArgs args);

  const RedisConfig& config() const { return config_; }
  std::string endpoint() const;  // "127.0.0.1:6379" for messages: the master in use with Sentinel
                                 // or the primary of the office's slot with Cluster


 private:
  Result<void> connect();
  // With Sentinel: asks the sentinels for the master's address and keeps it in host_/port_.
  Result<void> find_master();
  // With Cluster: asks the seed nodes (CLUSTER SLOTS) which primary owns the office's slot and keeps
  // it in host_/port_.
  Result<void> find_slot_owner();
  // A context to host:port with the socket timeouts set and AUTH sent (for seeds and ASK targets).
  Result<std::unique_ptr<redisContext, RedisContextDeleter>> open_side_connection(const std::string& host, int port,
                                                                                  std::chrono::milliseconds timeout);
  std::vector<RedisArgs> auth_commands() const;
  // Sends one command on the main connection and reads its reply, error replies included.
  Result<RedisReplyPtr> round_trip(const RedisArgs& args, std::chrono::milliseconds extra_wait);
  // ASKING before each command, on a side connection to `host:port`; the commands' own replies.
  Result<std::vector<RedisReplyPtr>> ask(const std::string& host, int port, const std::vector<RedisArgs>& commands,
                                         std::chrono::milliseconds extra_wait);
  // Points the next connect at host:port without asking the seeds (after a MOVED).
  void move_to(const std::string& host, int port);
  Result<std::vector<RedisReplyPtr>> pipeline_once(const std::vector<RedisArgs>& commands);
  // redis_error_reply, and a READONLY reply (a failover demoted our server) drops the connection so
  // the next call asks the sentinels again.
  Error error_reply(const redisReply& reply, std::string_view during);
  Error io_error(std::string_view during);
  void drop();
  Result<RedisReplyPtr> read_reply(std::string_view during);
  // Gives wire_ to hiredis's output buffer (a copy) and lets go of it when a large request grew it.
  int hand_over_wire();
  Result<void> set_socket_timeout(std::chrono::milliseconds timeout);

  RedisConfig config_;
  std::string host_;  // where the connection goes: config_.host, or the master the sentinels named
  int port_ = 0;
  bool moved_ = false;  // Cluster: host_/port_ came from a MOVED; the next connect uses them as they are
  std::unique_ptr<redisContext, RedisContextDeleter> context_;
  std::string wire_;  // the commands being sent, in the Redis protocol; reused
  std::map<std::string, std::string> script_shas_;  // script name -> SHA-1 the server reported
};

// `<prefix>:{<prefix>}:`, the start of every key of one office: the braces keep them all in one
// Cluster slot, so a script may touch any of them.
inline std::string key_base(const RedisConfig& config) { return config.prefix + ":{" + config.prefix + "}:"; }

// Error for an error reply, with the kind judged from Redis's error code.
Error redis_error_reply(const redisReply& reply, std::string_view during);

// Reply accessors; they accept nulls and wrong types and answer with the given default.
std::string reply_string(const redisReply* reply, std::string def = {});
long long reply_integer(const redisReply* reply, long long def = 0);
bool reply_is_nil(const redisReply* reply);
bool reply_is_error(const redisReply* reply);
std::size_t reply_size(const redisReply* reply);
const redisReply* reply_at(const redisReply* reply, std::size_t index);

}  // namespace fabu
