// RedisConnection: one hiredis connection that reconnects by itself and reports failures as values.
//
// Every Redis round trip in fabu goes through here. A command either returns its reply or an Error;
// nothing throws. Any I/O failure (timeout, reset, refused) drops the context, and the next call
// connects again with the stored config before it sends anything, so a Redis restart costs the caller
// transient errors while Redis is down and nothing else.
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
  // ("NOGROUP ...", "BUSYGROUP ..."): transient for LOADING/BUSY/TRYAGAIN/MASTERDOWN/READONLY, else
  // permanent. `extra_wait` lengthens the socket timeout for blocking commands (BLPOP, XREADGROUP BLOCK).
  Result<RedisReplyPtr> command(const RedisArgs& args,
                                std::chrono::milliseconds extra_wait = std::chrono::milliseconds(0));

  // Several commands in one round trip. Fails as a whole on I/O errors; per-command error replies are
  // returned as replies (type REDIS_REPLY_ERROR) for the caller to judge.
  Result<std::vector<RedisReplyPtr>> pipeline(const std::vector<RedisArgs>& commands);

  // EVALSHA, falling back to EVAL when the server lost its script cache (restart, SCRIPT FLUSH).
  Result<RedisReplyPtr> eval(const RedisScript& script, const RedisArgs& keys, const RedisArgs& args);

  const RedisConfig& config() const { return config_; }
  std::string endpoint() const;  // "127.0.0.1:6379" for messages: the master in use with Sentinel


 private:
  Result<void> connect();
  // With Sentinel: asks the sentinels for the master's address and keeps it in host_/port_.
  Result<void> find_master();
  // redis_error_reply, and a READONLY reply (a failover demoted our server) drops the connection so
  // the next call asks the sentinels again.
  Error error_reply(const redisReply& reply, std::string_view during);
  Error io_error(std::string_view during);
  void drop();
  Result<RedisReplyPtr> read_reply(std::string_view during);
  Result<void> set_socket_timeout(std::chrono::milliseconds timeout);

  RedisConfig config_;
  std::string host_;  // where the connection goes: config_.host, or the master the sentinels named
  int port_ = 0;
  std::unique_ptr<redisContext, RedisContextDeleter> context_;
  std::map<std::string, std::string> script_shas_;  // script name -> SHA-1 the server reported
};

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
