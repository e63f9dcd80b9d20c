// load_config / parse_config: fabu.toml into an immutable Config snapshot.
//
// Validation collects every problem of the file before giving up, so an operator fixes them in one go.
// toml++ throws on syntax errors; that exception is caught right here and becomes a ConfigError.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/config.h"

#include "config/api_config.h"
#include "config/roster_config.h"
#include "config/secret_files.h"
#include "config/inspection_config.h"
#include "config/screen_config.h"
#include "core/toml_guard.h"

namespace fabu {
namespace {

constexpr std::int64_t kMaxTimeoutMs = 3'600'000;  // an hour: anything longer is surely a typo
constexpr std::int64_t kMaxSeconds = 86'400;

bool matches(const std::string& value, const char* pattern) {
  return std::regex_match(value, std::regex(pattern));
}

std::string default_instance_name() {
  std::array<char, HOST_NAME_MAX + 1> host{};
  if (gethostname(host.data(), host.size() - 1) != 0 || host[0] == '\0') return "fabud-" + std::to_string(getpid());
  return std::string(host.data()) + "-" + std::to_string(getpid());
}

// A list of "host:port" strings; each bad entry is reported.
std::vector<SentinelAddress> read_addresses(TableReader& r, const toml::table& table, const std::string& key) {
  std::vector<SentinelAddress> out;
  for (const auto& address : r.strings(key)) {
    const auto colon = address.rfind(':');
    int port = 0;
    if (colon != std::string::npos && colon > 0) {
      const std::string digits = address.substr(colon + 1);
      if (!digits.empty() && digits.size() <= 5 && digits.find_first_not_of("0123456789") == std::string::npos) {
        port = std::stoi(digits);
      }
    }
    if (port < 1 || port > 65535) {
      r.error_at(table.get(key), "redis." + key + ": '" + address + "' is not host:port");
      continue;
    }
    out.push_back({address.substr(0, colon), port});
  }
  return out;
}

void read_redis(const toml::table& table, const std::string& file, ConfigErrors& errors, RedisConfig& out) {
  TableReader r(table, file, "redis", errors);
  r.reject_unknown({"host", "port", "username", "password", "password_env", "password_file", "db", "prefix",
                    "connect_timeout_ms", "command_timeout_ms", "token_key", "token_key_env", "token_key_file", "sentinels", "master_name",
                    "cluster_nodes"});
  out.host = r.string("host", out.host);
  if (out.host.empty()) r.error_at(table.get("host"), "redis.host: must not be empty");
  out.port = static_cast<int>(r.integer("port", out.port, 1, 65535));
  out.sentinels = read_addresses(r, table, "sentinels");
  out.master_name = r.string("master_name");
  if ((table.get("sentinels") == nullptr) != out.master_name.empty()) {
    r.error_at(table.get(table.get("sentinels") == nullptr ? "master_name" : "sentinels"),
               "redis.sentinels and redis.master_name go together: set both (Sentinel) or neither");
  }
  out.cluster_nodes = read_addresses(r, table, "cluster_nodes");
  if (!out.cluster_nodes.empty() && table.get("sentinels") != nullptr) {
    r.error_at(table.get("cluster_nodes"), "redis.cluster_nodes and redis.sentinels exclude each other: pick one");
  }
  out.username = r.string("username");
  out.password = r.secret("password", false);
  if (!out.username.empty() && out.password.empty()) {
    r.error_at(table.get("username"), "redis.username: a Redis ACL user needs a password too");
  }
  if (const std::string key = r.secret("token_key", false); !key.empty()) {
    auto sealing = SealingKey::from_base64(key);
    const toml::node* where = table.get("token_key_file") ? table.get("token_key_file")
                              : table.get("token_key_env") ? table.get("token_key_env")
                                                           : table.get("token_key");
    if (sealing) {
      out.token_key = *sealing;
    } else {
      r.error_at(where, "redis.token_key: " + sealing.error().message);
    }
  }
  out.db = static_cast<int>(r.integer("db", out.db, 0, 1023));
  if (out.db != 0 && !out.cluster_nodes.empty()) r.error_at(table.get("db"), "redis.db: Redis Cluster has only db 0");
  const std::string prefix = r.string("prefix", out.prefix);
  if (matches(prefix, "[a-z0-9_-]+")) {
    out.prefix = prefix;
  } else {
    r.error_at(table.get("prefix"), "redis.prefix: '" + prefix + "' must match [a-z0-9_-]+");
  }
  out.connect_timeout =
      std::chrono::milliseconds(r.integer("connect_timeout_ms", out.connect_timeout.count(), 1, kMaxTimeoutMs));
  out.command_timeout =
      std::chrono::milliseconds(r.integer("command_timeout_ms", out.command_timeout.count(), 1, kMaxTimeoutMs));
}

void read_daemon(const toml::table& table, const std::string& file, ConfigErrors& errors, DaemonConfig& out) {
  TableReader r(table, file, "daemon", errors);
  r.reject_unknown({"instance", "max_in_flight", "claim_batch", "http_threads", "lease_seconds",
                    "intake_reclaim_idle_seconds", "drain_deadline_seconds", "api_listen", "log_file",
                    "log_level", "token_warn_days", "intake_max_claims", "retention_days", "log_stream_max"});
  out.instance = r.string("instance", out.instance);
  if (table.get("instance") != nullptr && !matches(out.instance, "[A-Za-z0-9._:@-]+")) {
    r.error_at(table.get("instance"), "daemon.instance: '" + out.instance +
                                          "' must be non-empty and use only letters, digits and ._:@-");
  }
  out.max_in_flight = static_cast<int>(r.integer("max_in_flight", out.max_in_flight, 1, 100'000));
  out.claim_batch = static_cast<int>(r.integer("claim_batch", out.claim_batch, 1, 10'000));
  out.http_threads = static_cast<int>(r.integer("http_threads", out.http_threads, 1, 256));
  out.lease = std::chrono::seconds(r.integer("lease_seconds", out.lease.count(), 1, kMaxSeconds));
  out.intake_reclaim_idle = std::chrono::seconds(
      r.integer("intake_reclaim_idle_seconds", out.intake_reclaim_idle.count(), 1, kMaxSeconds));
  out.intake_max_claims = static_cast<int>(r.integer("intake_max_claims", out.intake_max_claims, 1, 1000));
  out.retention_days = static_cast<int>(r.integer("retention_days", out.retention_days, 1, 3650));
  out.drain_deadline =
      std::chrono::seconds(r.integer("drain_deadline_seconds", out.drain_deadline.count(), 0, 3600));
  out.api_listen = r.string("api_listen", out.api_listen);
  if (!out.api_listen.empty() && !matches(out.api_listen, "http://[^/\\s]+/?")) {
    r.error_at(table.get("api_listen"),
               "daemon.api_listen: '" + out.api_listen + "' must look like http://127.0.0.1:8780");
  }
  out.log_file = r.file_path("log_file", out.log_file);
  out.log_stream_max = r.integer("log_stream_max", out.log_stream_max, 0, 100000000);
  const std::string level = r.string("log_level", out.log_level);
  constexpr std::array<std::string_view, 5> kLevels{"trace", "debug", "info", "warn", "error"};
  if (std::find(kLevels.begin(), kLevels.end(), level) != kLevels.end()) {
    out.log_level = level;
  } else {
    r.error_at(table.get("log_level"),
               "daemon.log_level: '" + level + "' is not one of trace, debug, info, warn, error");
  }
  out.token_warn_days = static_cast<int>(r.integer("token_warn_days", out.token_warn_days, 0, 365));
}

void read_retry(const toml::table& table, const std::string& file, ConfigErrors& errors, RetryConfig& out) {
  TableReader r(table, file, "retry", errors);
  r.reject_unknown({"max_attempts", "base_ms", "cap_ms", "jitter", "request_timeout_ms", "in_doubt_wait_ms",
                    "breaker_failures", "breaker_cooloff_seconds"});
  out.max_attempts = static_cast<int>(r.integer("max_attempts", out.max_attempts, 1, 100));
  out.base = std::chrono::milliseconds(r.integer("base_ms", out.base.count(), 1, kMaxTimeoutMs));
  out.cap = std::chrono::milliseconds(r.integer("cap_ms", out.cap.count(), 1, kMaxSeconds * 1000));
  if (out.cap < out.base) {
    r.error_at(table.get("cap_ms"), "retry.cap_ms: " + std::to_string(out.cap.count()) +
                                        " is smaller than retry.base_ms (" + std::to_string(out.base.count()) + ")");
  }
  out.jitter = r.number("jitter", out.jitter, 0.0, 1.0);
  out.request_timeout =
      std::chrono::milliseconds(r.integer("request_timeout_ms", out.request_timeout.count(), 1, kMaxTimeoutMs));
  out.in_doubt_wait =
      std::chrono::milliseconds(r.integer("in_doubt_wait_ms", out.in_doubt_wait.count(), 0, kMaxTimeoutMs));
  out.breaker_failures = static_cast<int>(r.integer("breaker_failures", out.breaker_failures, 0, 1000));
  out.breaker_cooloff =
      std::chrono::seconds(r.integer("breaker_cooloff_seconds", out.breaker_cooloff.count(), 1, kMaxSeconds));
}

void read_http(const toml::table& table, const std::string& file, ConfigErrors& errors, bool old_threads_key,
               HttpConfig& out) {
  TableReader r(table, file, "http", errors);
  r.reject_unknown({"transport", "threads", "max_connections_per_host", "ca_file"});
  const std::string transport = r.string("transport", out.transport);
  if (transport == "beast" || transport == "cpprest") {
    out.transport = transport;
  } else {
    r.error_at(table.get("transport"), "http.transport: '" + transport + "' is not one of beast, cpprest");
  }
  if (old_threads_key && table.get("threads") != nullptr) {
    r.error_at(table.get("threads"), "http.threads: daemon.http_threads (its older name) is set too: keep one");
  }
  out.threads = static_cast<int>(r.integer("threads", out.threads, 1, 256));
  out.max_connections_per_host =
      static_cast<int>(r.integer("max_connections_per_host", out.max_connections_per_host, 1, 100'000));
  out.ca_file = r.file_path("ca_file", out.ca_file);
}

// Channels keep their raw tables for the adapter factories. toml::table's copy drops source positions,
// so the tables are moved out of the parsed document, and the result is ordered as in the file.
void read_channels(toml::table& channels, const std::string& file, ConfigErrors& errors,
                   std::vector<ChannelConfig>& out) {
  TableReader r(channels, file, "channels", errors);
  for (auto& [key, node] : channels) {
    const std::string name(key.str());
    auto* table = node.as_table();
    if (table == nullptr) {
      r.error_at(&node, "channels." + name + ": expected a table, got " +
                            std::string(node.is_array() ? "an array" : "a value") +
                            " (write it as [channels." + name + "])");
      continue;
    }
    if (!matches(name, "[a-z0-9_]+")) {
      r.error_at(table, "channels." + name + ": channel names must match [a-z0-9_]+");
      continue;
    }
    TableReader channel(*table, file, "channels." + name, errors);
    std::string type = channel.string("type", {}, true);
    if (type.empty()) continue;
    out.push_back(ChannelConfig{name, std::move(type), std::move(*table)});
  }
  const auto position = [](const ChannelConfig& c) {
    return std::pair(c.table.source().begin.line, c.table.source().begin.column);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const ChannelConfig& a, const ChannelConfig& b) { return position(a) < position(b); });
}

}  // namespace

std::string ConfigError::to_string() const {
  std::string where = file;
  if (line > 0) {
    where += (where.empty() ? "" : ":") + std::to_string(line);
    if (column > 0) where += ":" + std::to_string(column);
  }
  return where.empty() ? message : where + ": " + message;
}

const ChannelConfig* Config::channel(std::string_view name) const {
  for (const auto& c : channels) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const Spokesperson* Config::spokesperson(std::string_view id) const {
  for (const auto& s : spokespersons) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::expected<toml::table, ConfigErrors> parse_toml_document(std::string_view text, const std::string& source_name) {
  // Debian's toml++ 3.3.0 reaches undefined behaviour on some documents: refuse those first.
  if (auto hazard = find_toml_hazard(text)) {
    return std::unexpected(ConfigErrors{ConfigError{source_name, static_cast<int>(hazard->line),
                                                    static_cast<int>(hazard->column), hazard->reason}});
  }
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return std::unexpected(ConfigErrors{ConfigError{source_name, static_cast<int>(where.line),
                                                    static_cast<int>(where.column), std::string(e.description())}});
  } catch (const std::exception& e) {
    return std::unexpected(ConfigErrors{ConfigError{source_name, 0, 0, std::string("cannot be read: ") + e.what()}});
  }
}

std::expected<std::shared_ptr<const Config>, ConfigErrors> parse_config(std::string_view text,
                                                                       const std::string& source_name) {
  auto parsed = parse_toml_document(text, source_name);
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  toml::table& document = *parsed;

  auto config = std::make_shared<Config>();
  config->source_path = source_name;
  config->daemon.instance = default_instance_name();
  // Before the sections are read: the channels' tables are moved out of the document.
  config->warnings = exposed_secret_files(document, source_name);
  ConfigErrors errors;
  TableReader top(document, source_name, "", errors);
  top.reject_unknown({"redis", "daemon", "retry", "http", "screen", "api", "channels", "approval",
                    "spokespersons", "calendar", "inspection", "reach", "conference"});
  // An absent section means "all defaults"; one that is not a table is reported by table().
  if (const auto* t = top.table("redis")) read_redis(*t, source_name, errors, config->redis);
  if (const auto* t = top.table("daemon")) read_daemon(*t, source_name, errors, config->daemon);
  if (const auto* t = top.table("retry")) read_retry(*t, source_name, errors, config->retry);
  config->http.threads = config->daemon.http_threads;
  const bool old_threads_key = document.at_path("daemon.http_threads").node() != nullptr;
  if (const auto* t = top.table("http")) read_http(*t, source_name, errors, old_threads_key, config->http);
  read_api(top.table("api"), document, source_name, errors, config->daemon.api_listen, config->api);
  if (const auto* t = top.table("approval")) read_approval(*t, source_name, errors, config->approval);
  if (const auto* t = top.table("screen")) read_screen(*t, source_name, errors, config->screen);
  if (const auto* t = top.table("inspection")) read_inspection(*t, source_name, errors, config->inspection);
  config->inspection.token_warn_days = config->daemon.token_warn_days;
  if (const auto* a = top.array("spokespersons")) read_spokespersons(*a, source_name, errors, config->spokespersons);
  if (const auto* t = top.table("calendar")) read_calendar(*t, source_name, errors, config->calendar);
  if (const auto* t = top.table("reach")) read_reach(*t, source_name, errors, config->reach);
  if (const auto* t = top.table("conference")) read_conference(*t, source_name, errors, config->conference);
  if (top.table("channels") != nullptr) {
    read_channels(*document.get_as<toml::table>("channels"), source_name, errors, config->channels);
  }

  if (!errors.empty()) {
    std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return std::unexpected(std::move(errors));
  }
  return std::shared_ptr<const Config>(std::move(config));
}

std::expected<std::shared_ptr<const Config>, ConfigErrors> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return std::unexpected(
        ConfigErrors{ConfigError{path, 0, 0, std::string("cannot open: ") + std::strerror(error)}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace fabu
