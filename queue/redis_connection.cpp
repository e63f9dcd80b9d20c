#include "queue/redis_connection.h"

#include <sys/time.h>

#include <charconv>
#include <iterator>
#include <string>

#include <hiredis/hiredis.h>

#include "queue/redis_cluster.h"

namespace fabu {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  if (ms.count() <= 0) ms = std::chrono::milliseconds(1);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  for (auto prefix : prefixes) {
    if (text.starts_with(prefix)) return true;
  }
  return false;
}

// hiredis wants parallel arrays of pointers and lengths; binary-safe, so payloads may hold anything.
struct ArgvView {
  explicit ArgvView(const RedisArgs& args) {
    pointers.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& arg : args) {
      pointers.push_back(arg.data());
      lengths.push_back(arg.size());
    }
  }
  int argc() const { return static_cast<int>(pointers.size()); }
  std::vector<const char*> pointers;
  std::vector<size_t> lengths;
};

// A buffer for the request form grown past this by a large pipeline is let go rather than kept.
constexpr std::size_t kKeptWireBytes = 1 << 20;

// Appends `args` to `out` as the Redis protocol's request (an array of bulk strings). hiredis's own
// formatting (redisFormatSdsCommandArgv) runs a printf-style sdscatfmt for every argument: with
// about 36 arguments per delivery that was 5 % of fabud's instructions.
void append_command(std::string& out, const RedisArgs& args) {
  char digits[24];
  const auto put_header = [&](char tag, std::size_t count) {
    out += tag;
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, count);
    out.append(digits, end).append("\r\n");
  };
  put_header('*', args.size());
  for (const auto& arg : args) {
    put_header('$', arg.size());
    out.append(arg).append("\r\n");
  }
}

}  // namespace

void RedisContextDeleter::operator()(redisContext* context) const { redisFree(context); }
void RedisReplyDeleter::operator()(redisReply* reply) const { freeReplyObject(reply); }

RedisConnection::RedisConnection(RedisConfig config)
    : config_(std::move(config)), host_(config_.host), port_(config_.port) {}
RedisConnection::~RedisConnection() = default;

std::string RedisConnection::endpoint() const { return host_ + ":" + std::to_string(port_); }

void RedisConnection::drop() { context_.reset(); }

Error RedisConnection::io_error(std::string_view during) {
  std::string detail = context_ ? std::string(context_->errstr) : std::string("no connection");
  int code = context_ ? context_->err : 0;
  drop();
  std::string what;
  // A socket timeout surfaces from read(2) as EAGAIN; name it plainly so logs say what happened.
  if (detail.find("temporarily unavailable") != std::string::npos || detail.find("timed out") != std::string::npos) {
    what = "timeout (" + detail + ")";
  } else if (detail.find("refused") != std::string::npos) {
    what = "connection refused";
  } else if (code == REDIS_ERR_EOF) {
    what = "connection closed by the server";
  } else {
    what = detail;
  }
  return Error::transient("redis " + endpoint() + ": " + what + " during " + std::string(during));
}

Result<void> RedisConnection::set_socket_timeout(std::chrono::milliseconds timeout) {
  if (redisSetTimeout(context_.get(), to_timeval(timeout)) != REDIS_OK) {
    return fail(io_error("setting the socket timeout"));
  }
  return {};
}

Result<void> RedisConnection::find_master() {
  std::string tried;
  for (const auto& sentinel : config_.sentinels) {
    const std::string where = sentinel.host + ":" + std::to_string(sentinel.port);
    tried += (tried.empty() ? "" : ", ") + where;
    std::unique_ptr<redisContext, RedisContextDeleter> context(
        redisConnectWithTimeout(sentinel.host.c_str(), sentinel.port, to_timeval(config_.connect_timeout)));
    if (!context || context->err) continue;
    redisSetTimeout(context.get(), to_timeval(config_.command_timeout));
    RedisReplyPtr reply(static_cast<redisReply*>(
        redisCommand(context.get(), "SENTINEL get-master-addr-by-name %s", config_.master_name.c_str())));
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) continue;
    const std::string host = reply_string(reply->element[0]);
    const int port = static_cast<int>(reply_integer(reply->element[1]));
    if (host.empty() || port <= 0) continue;
    host_ = host;
    port_ = port;
    return {};
  }
  return fail(Error::transient("redis sentinels " + tried + ": none named a master for '" + config_.master_name + "'"));
}

Error RedisConnection::error_reply(const redisReply& reply, std::string_view during) {
  Error error = redis_error_reply(reply, during);
  if (error.message.starts_with("READONLY") || error.message.find(" READONLY ") != std::string::npos ||
      error.message.find("-READONLY") != std::string::npos) {
    drop();
  }
  return error;
}

std::vector<RedisArgs> RedisConnection::auth_commands() const {
  if (!config_.username.empty()) return {{"AUTH", config_.username, config_.password}};
  if (!config_.password.empty()) return {{"AUTH", config_.password}};
  return {};
}

Result<std::unique_ptr<redisContext, RedisContextDeleter>> RedisConnection::open_side_connection(
    const std::string& host, int port, std::chrono::milliseconds timeout) {
  const std::string where = "redis " + host + ":" + std::to_string(port) + ": ";
  std::unique_ptr<redisContext, RedisContextDeleter> context(
      redisConnectWithTimeout(host.c_str(), port, to_timeval(config_.connect_timeout)));
  if (!context) return fail(Error::transient(where + "cannot allocate a connection"));
  if (context->err) return fail(Error::transient(where + context->errstr));
  redisSetTimeout(context.get(), to_timeval(timeout));
  for (const auto& args : auth_commands()) {
    ArgvView argv(args);
    RedisReplyPtr reply(static_cast<redisReply*>(
        redisCommandArgv(context.get(), argv.argc(), argv.pointers.data(), argv.lengths.data())));
    if (!reply) return fail(Error::transient(where + context->errstr + " during AUTH"));
    if (reply->type == REDIS_REPLY_ERROR) {
      Error error = redis_error_reply(*reply, "AUTH");
      if (error.kind == ErrorKind::permanent) error.kind = ErrorKind::config;
      error.message = where + error.message;
      return fail(std::move(error));
    }
  }
  return context;
}

Result<void> RedisConnection::find_slot_owner() {
  const int slot = office_slot(config_.prefix);
  std::string tried;
  std::string last_error;
  for (const auto& seed : config_.cluster_nodes) {
    tried += (tried.empty() ? "" : ", ") + seed.host + ":" + std::to_string(seed.port);
    auto context = open_side_connection(seed.host, seed.port, config_.command_timeout);
    if (!context) {
      last_error = context.error().message;
      continue;
    }
    RedisReplyPtr reply(static_cast<redisReply*>(redisCommand(context->get(), "CLUSTER SLOTS")));
    if (reply_is_error(reply.get())) last_error = reply_string(reply.get());
    auto owner = slot_owner(parse_cluster_slots(reply.get()), slot);
    if (!owner) continue;
    host_ = owner->host.empty() ? seed.host : owner->host;
    port_ = owner->port;
    return {};
  }
  return fail(Error::transient("redis cluster nodes " + tried + ": none named the primary of slot " +
                               std::to_string(slot) + " (prefix '" + config_.prefix + "')" +
                               (last_error.empty() ? "" : "; last error: " + last_error)));
}

void RedisConnection::move_to(const std::string& host, int port) {
  drop();
  host_ = host;
  port_ = port;
  moved_ = true;
}

Result<void> RedisConnection::connect() {
  if (!config_.sentinels.empty()) {
    if (auto found = find_master(); !found) return found;
  }
  if (!config_.cluster_nodes.empty() && !moved_) {
    if (auto found = find_slot_owner(); !found) return found;
  }
  moved_ = false;  // a MOVED target that fails sends the next connect back to the seeds
  context_.reset(redisConnectWithTimeout(host_.c_str(), port_, to_timeval(config_.connect_timeout)));
  if (!context_) return fail(Error::transient("redis " + endpoint() + ": cannot allocate a connection"));
  if (context_->err) return fail(io_error("connect"));
  if (auto ok = set_socket_timeout(config_.command_timeout); !ok) return ok;

  std::vector<RedisArgs> setup = auth_commands();
  if (config_.db != 0) setup.push_back({"SELECT", std::to_string(config_.db)});
  if (!config_.sentinels.empty()) setup.push_back({"ROLE"});
  for (const auto& args : setup) {
    ArgvView argv(args);
    RedisReplyPtr reply(static_cast<redisReply*>(
        redisCommandArgv(context_.get(), argv.argc(), argv.pointers.data(), argv.lengths.data())));
    if (!reply) return fail(io_error(args[0]));
    if (args[0] == "ROLE" && reply_string(reply_at(reply.get(), 0)) != "master") {
      const std::string what = reply_string(reply_at(reply.get(), 0));
      drop();
      return fail(Error::transient("redis " + endpoint() + " is a " + what + ", not the master of '" +
                                   config_.master_name + "' (a failover is under way)"));
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      // A wrong password or database number will not fix itself: that is a setup problem.
      Error error = redis_error_reply(*reply, args[0]);
      if (error.kind == ErrorKind::permanent) error.kind = ErrorKind::config;
      drop();
      return fail(std::move(error));
    }
  }
  return {};
}

Result<void> RedisConnection::ensure_connected() {
  if (context_ && context_->err == 0) return {};
  return connect();
}

Result<RedisReplyPtr> RedisConnection::read_reply(std::string_view during) {
  void* raw = nullptr;
  if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) {
    if (raw) freeReplyObject(raw);
    return fail(io_error(during));
  }
  return RedisReplyPtr(static_cast<redisReply*>(raw));
}

Result<RedisReplyPtr> RedisConnection::command(const RedisArgs& args, std::chrono::milliseconds extra_wait) {
  if (args.empty()) return fail(Error::invalid("empty redis command"));
  auto reply = round_trip(args, extra_wait);
  if (!reply) return reply;
  if ((*reply)->type == REDIS_REPLY_ERROR && !config_.cluster_nodes.empty()) {
    // Once only: a second redirect means the cluster is resharding; the caller retries later.
    if (auto redirect = parse_cluster_redirect(reply_string(reply->get()))) {
      if (redirect->kind == ClusterRedirect::Kind::moved) {
        move_to(redirect->host, redirect->port);
        reply = round_trip(args, extra_wait);
      } else {
        auto asked = ask(redirect->host, redirect->port, {args}, extra_wait);
        if (!asked) return fail(asked.error());
        reply = std::move(asked->front());
      }
      if (!reply) return reply;
    }
  }
  if ((*reply)->type == REDIS_REPLY_ERROR) return fail(error_reply(**reply, args[0]));
  return reply;
}

Result<std::vector<RedisReplyPtr>> RedisConnection::ask(const std::string& host, int port,
                                                        const std::vector<RedisArgs>& commands,
                                                        std::chrono::milliseconds extra_wait) {
  auto context = open_side_connection(host, port, config_.command_timeout + extra_wait);
  if (!context) return fail(context.error());
  // ASKING admits only the command right after it, so each command gets its own.
  for (const auto& args : commands) {
    for (const RedisArgs& each : {RedisArgs{"ASKING"}, args}) {
      ArgvView argv(each);
      redisAppendCommandArgv(context->get(), argv.argc(), argv.pointers.data(), argv.lengths.data());
    }
  }
  std::vector<RedisReplyPtr> replies;
  for (std::size_t i = 0; i < 2 * commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context->get(), &raw) != REDIS_OK || raw == nullptr) {
      if (raw) freeReplyObject(raw);
      return fail(Error::transient("redis " + host + ":" + std::to_string(port) + ": " + (*context)->errstr +
                                   " (following an ASK redirect)"));
    }
    RedisReplyPtr reply(static_cast<redisReply*>(raw));
    if (i % 2 == 1) replies.push_back(std::move(reply));  // the ASKING replies are plain OK
  }
  return replies;
}

Result<RedisReplyPtr> RedisConnection::round_trip(const RedisArgs& args, std::chrono::milliseconds extra_wait) {
  if (auto ok = ensure_connected(); !ok) return fail(ok.error());
  const bool lengthened = extra_wait.count() > 0;
  if (lengthened) {
    if (auto ok = set_socket_timeout(config_.command_timeout + extra_wait); !ok) return fail(ok.error());
  }
  wire_.clear();
  append_command(wire_, args);
  if (hand_over_wire() != REDIS_OK) return fail(io_error(args[0]));
  auto reply = read_reply(args[0]);
  if (!reply) return reply;
  if (lengthened) {
    if (auto ok = set_socket_timeout(config_.command_timeout); !ok) return fail(ok.error());
  }
  return reply;
}

int RedisConnection::hand_over_wire() {
  const int appended = redisAppendFormattedCommand(context_.get(), wire_.data(), wire_.size());
  if (wire_.capacity() > kKeptWireBytes) std::string().swap(wire_);  // hiredis holds its own copy
  return appended;
}

Result<std::vector<RedisReplyPtr>> RedisConnection::pipeline(const std::vector<RedisArgs>& commands) {
  auto replies = pipeline_once(commands);
  if (!replies || replies->empty() || config_.cluster_nodes.empty()) return replies;
  // Follow only when nothing ran here: every reply a redirect of one kind to one node.
  std::optional<ClusterRedirect> first;
  for (const auto& reply : *replies) {
    auto redirect = reply_is_error(reply.get()) ? parse_cluster_redirect(reply_string(reply.get())) : std::nullopt;
    if (!redirect) return replies;
    if (first && (redirect->kind != first->kind || redirect->host != first->host || redirect->port != first->port)) {
      return replies;
    }
    first = redirect;
  }
  if (first->kind == ClusterRedirect::Kind::ask) return ask(first->host, first->port, commands, {});
  move_to(first->host, first->port);
  return pipeline_once(commands);
}

Result<std::vector<RedisReplyPtr>> RedisConnection::pipeline_once(const std::vector<RedisArgs>& commands) {
  std::vector<RedisReplyPtr> replies;
  if (commands.empty()) return replies;
  if (auto ok = ensure_connected(); !ok) return fail(ok.error());
  wire_.clear();
  for (const auto& args : commands) append_command(wire_, args);
  // One append for the whole pipeline: hiredis sends what it holds and reads the replies in order.
  if (hand_over_wire() != REDIS_OK) return fail(io_error("pipeline"));
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    auto reply = read_reply("pipeline");
    if (!reply) return fail(reply.error());
    replies.push_back(std::move(*reply));
  }
  for (const auto& reply : replies) {
    if (reply->type == REDIS_REPLY_ERROR) error_reply(*reply, "pipeline");  // drops on READONLY
  }
  return replies;
}

Result<RedisReplyPtr> RedisConnection::eval(const RedisScript& script, const RedisArgs& keys, RedisArgs args) {
  // SHA-1 of the source is what the server would compute; asking it once avoids linking a hash library.
  auto& sha = script_shas_[std::string(script.name)];
  if (sha.empty()) {
    auto loaded = command({"SCRIPT", "LOAD", std::string(script.source)});
    if (!loaded) return loaded;
    sha = reply_string(loaded->get());
  }
  RedisArgs call;
  call.reserve(3 + keys.size() + args.size());
  call.insert(call.end(), {"EVALSHA", sha, std::to_string(keys.size())});
  call.insert(call.end(), keys.begin(), keys.end());
  call.insert(call.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  auto reply = command(call);
  if (!reply && reply.error().message.starts_with("NOSCRIPT")) {
    call[0] = "EVAL";
    call[1] = std::string(script.source);
    reply = command(call);
  }
  if (!reply) {
    Error error = reply.error();
    error.message = "script " + std::string(script.name) + ": " + error.message;
    return fail(std::move(error));
  }
  return reply;
}

Error redis_error_reply(const redisReply& reply, std::string_view during) {
  std::string text(reply.str ? std::string_view(reply.str, reply.len) : std::string_view("unknown error"));
  // These codes mean "the server is busy or failing over": retrying later succeeds.
  bool transient = starts_with_any(text, {"LOADING", "BUSY ", "TRYAGAIN", "MASTERDOWN", "READONLY", "CLUSTERDOWN",
                                       "MOVED ", "ASK "});
  Error error{transient ? ErrorKind::transient : ErrorKind::permanent, text + " (" + std::string(during) + ")", {}, 0};
  return error;
}

std::string reply_string(const redisReply* reply, std::string def) {
  if (!reply) return def;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      return std::string(reply->str, reply->len);
    case REDIS_REPLY_INTEGER:
      return std::to_string(reply->integer);
    default:
      return def;
  }
}

long long reply_integer(const redisReply* reply, long long def) {
  if (!reply) return def;
  if (reply->type == REDIS_REPLY_INTEGER) return reply->integer;
  if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS) {
    long long value = 0;
    auto [end, ec] = std::from_chars(reply->str, reply->str + reply->len, value);
    if (ec == std::errc() && end == reply->str + reply->len) return value;
  }
  return def;
}

bool reply_is_nil(const redisReply* reply) { return !reply || reply->type == REDIS_REPLY_NIL; }
bool reply_is_error(const redisReply* reply) { return reply && reply->type == REDIS_REPLY_ERROR; }

std::size_t reply_size(const redisReply* reply) {
  return reply && reply->type == REDIS_REPLY_ARRAY ? reply->elements : 0;
}

const redisReply* reply_at(const redisReply* reply, std::size_t index) {
  if (!reply || reply->type != REDIS_REPLY_ARRAY || index >= reply->elements) return nullptr;
  return reply->element[index];
}

}  // namespace fabu
