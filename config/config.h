// Config: fabu.toml parsed once into an immutable snapshot.
//
// A Config is built by load_config() and never changed afterwards; the daemon swaps a whole new
// snapshot in on reload (SIGHUP). Share it across threads as `std::shared_ptr<const Config>`.
// Channel tables are kept as parsed TOML: each channel's AdapterFactory validates its own table
// (adapters/adapter.h), so config/ knows nothing about Weibo or the portal.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "core/sealed_secret.h"
#include "core/approval.h"
#include "core/inspection.h"
#include "core/roster.h"
#include "core/screen.h"

namespace fabu {

// A problem in a config file, located as precisely as the parser allows (line/column 0 = unknown).
struct ConfigError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  std::string to_string() const;  // "fabu.toml:12:3: unknown key 'redis.hots'"
};
using ConfigErrors = std::vector<ConfigError>;

struct SentinelAddress {
  std::string host;
  int port = 26379;
  friend bool operator==(const SentinelAddress&, const SentinelAddress&) = default;
};

struct RedisConfig {
  std::string host = "127.0.0.1";
  int port = 6379;
  // Redis Sentinel: when set, host and port are not used; every connection asks the sentinels (in
  // order, first answer wins) for the current master of `master_name`, checks with ROLE that it is a
  // master, and asks again after any connection failure or READONLY reply (a failover).
  std::vector<SentinelAddress> sentinels;
  std::string master_name;
  // Redis Cluster: when set, host and port are not used; every connection asks these seed nodes (in
  // order, first answer wins) with CLUSTER SLOTS for the primary that owns the slot of `{prefix}`,
  // and follows MOVED and ASK replies. Excludes sentinels; db must be 0.
  std::vector<SentinelAddress> cluster_nodes;
  std::string username;  // Redis 6+ ACL user; empty = the default user
  std::string password;  // resolved from password / password_env / password_file
  // Seals the access tokens operators set at run time before they are written to Redis
  // (from token_key / token_key_env / token_key_file: base64 of 32 random bytes). Without it,
  // `fabuctl accounts set-token` refuses to store a token.
  std::optional<SealingKey> token_key;
  int db = 0;
  std::string prefix = "fabu";  // every key starts with "<prefix>:{<prefix>}:" (one hash slot)
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{5000};
};

struct DaemonConfig {
  std::string instance;               // consumer name in the group; default hostname-pid
  int max_in_flight = 10000;          // deliveries being sent at once by this instance (docs/BENCHMARKS.md, fan-out)
  int claim_batch = 128;              // deliveries claimed per Redis round trip
  int http_threads = 2;               // older name of http.threads (HttpConfig)
  std::chrono::seconds lease{60};     // a sending delivery not finished by then is in doubt
  std::chrono::seconds intake_reclaim_idle{30};  // intake entries idle this long are reclaimed
  int intake_max_claims = 5;          // an entry claimed this often without a decision is poison (rejected)
  std::chrono::seconds drain_deadline{20};       // SIGTERM: time to finish what is in flight
  std::string api_listen;             // older spelling of [api] listen, e.g. "http://127.0.0.1:8780"
  std::string log_file;               // empty = stderr
  std::string log_level = "info";
  std::int64_t log_stream_max = 100000;  // events kept in the Redis stream `log` (approximately); 0 = off
  int token_warn_days = 7;            // warn about tokens expiring within this many days
  int retention_days = 400;           // settled releases are removed from Redis this long after they settled
};

// [reach]: reading followers and post counts back from the platforms (reach/reach_poller.h).
struct ReachConfig {
  std::chrono::seconds followers_every{std::chrono::hours(6)};  // followers of every account, this often
  int calls_per_hour = 1000;  // reach calls per clock hour for the whole app, all instances; 0 = reach off
};

struct RetryConfig {
  int max_attempts = 8;
  std::chrono::milliseconds base{2000};
  std::chrono::milliseconds cap{std::chrono::minutes(10)};
  double jitter = 0.2;  // +-20%
  std::chrono::milliseconds request_timeout{15000};
  std::chrono::milliseconds in_doubt_wait{std::chrono::minutes(2)};  // RetryPolicy::in_doubt_wait
  // Circuit breakers (per account lane and per channel): after this many consecutive transient
  // failures, stop sending for the cool-off, then let one probe through. 0 = off.
  int breaker_failures = 5;
  std::chrono::seconds breaker_cooloff{60};
};

// [http]: the HTTP client every channel talks through (adapters/http_transport.h).
struct HttpConfig {
  std::string transport = "beast";     // "beast" (owns its connections, never re-sends) or "cpprest"
  int threads = 2;                     // I/O threads; `daemon.http_threads` is its older name
  int max_connections_per_host = 4096;  // beast: connections kept to one host, split between the threads
  std::string ca_file;                 // beast: PEM CA certificates trusted for HTTPS; "" = the system's
};

// One `[[api.tokens]]` entry: who holds a bearer token and what it may do. The token itself is never
// in the config, only the hex SHA-256 of it (fabuctl api-token makes both).
struct ApiTokenConfig {
  std::string name;
  std::vector<std::string> roles;  // each of "submit", "read", "operate"
  std::string sha256;              // 64 lower-case hex digits
  bool operator==(const ApiTokenConfig&) const = default;
};

// `[api]`: fabud's HTTP API (daemon/admin_api.h) and the limits its server enforces.
struct ApiConfig {
  std::string listen;  // as written: "127.0.0.1:8780", "http://..." or "https://..."; empty = no API
  std::string host;    // IP address parsed from listen ("localhost" = 127.0.0.1)
  int port = 0;
  bool loopback = true;
  std::string tls_cert_file;  // both set = TLS
  std::string tls_key_file;
  int threads = 2;
  int max_connections = 64;
  std::int64_t max_body_bytes = 1 << 20;
  int max_header_bytes = 16 * 1024;
  int max_headers = 64;
  std::chrono::seconds read_timeout{10};
  std::vector<ApiTokenConfig> tokens;  // empty = no authentication (allowed on loopback only)
  bool operator==(const ApiConfig&) const = default;
};

// One `[channels.<name>]` table: the channel's name, its adapter type and its raw table.
struct ChannelConfig {
  std::string name;
  std::string type;
  toml::table table;  // the whole [channels.<name>] table, including `type`
                      // (toml++ drops source positions when a table is copied: read it in place)
};

// `[calendar]`: where the working-day calendar's year files are (config/holiday_files.h).
struct CalendarConfig {
  std::string holidays_dir = "/usr/share/fabu/holidays";  // relative = next to the config file
};

// `[conference]`: the series a conference release becomes (core/conference.h) and its calendar feed.
struct ConferenceConfig {
  std::chrono::seconds remind_before{std::chrono::hours(1)};  // the reminder, this long before the start
  std::string calendar_file;  // the iCalendar feed fabud keeps up to date; "" = none (the API serves it anyway)
};

struct Config {
  std::string source_path;  // file the snapshot was read from
  RedisConfig redis;
  DaemonConfig daemon;
  RetryConfig retry;
  HttpConfig http;
  ScreenPolicy screen;                  // [screen]: the pre-publication privacy screen
  ApiConfig api;
  std::vector<ChannelConfig> channels;  // in file order
  // Not errors, but worth a line at every start and reload (e.g. a secret file others can read).
  std::vector<std::string> warnings;
  ApprovalPolicy approval;              // [approval]
  InspectionRules inspection;           // [inspection]; token_warn_days is daemon.token_warn_days
  std::vector<Spokesperson> spokespersons;  // [[spokespersons]], in file order, ids unique
  CalendarConfig calendar;                  // [calendar]
  const Spokesperson* spokesperson(std::string_view id) const;  // nullptr when not in the roster
  ReachConfig reach;                    // [reach]
  ConferenceConfig conference;          // [conference]
  const ChannelConfig* channel(std::string_view name) const;
};

// Reads and validates `path`. Unknown keys and type errors are reported with file, line, column.
std::expected<std::shared_ptr<const Config>, ConfigErrors> load_config(const std::string& path);
std::expected<std::shared_ptr<const Config>, ConfigErrors> parse_config(std::string_view text,
                                                                       const std::string& source_name);

// Parses a TOML document, refusing first what Debian's toml++ cannot parse safely (core/toml_guard.h);
// a syntax error is one ConfigError at its position. For every TOML file fabu reads.
std::expected<toml::table, ConfigErrors> parse_toml_document(std::string_view text, const std::string& source_name);

// Reads the [approval] table into `out` (config/approval_config.cpp).
void read_approval(const toml::table& table, const std::string& file, ConfigErrors& errors, ApprovalPolicy& out);

// Reads the [reach] table into `out` (config/reach_config.cpp).
void read_reach(const toml::table& table, const std::string& file, ConfigErrors& errors, ReachConfig& out);

// Reads the [conference] table into `out` (config/conference_config.cpp).
void read_conference(const toml::table& table, const std::string& file, ConfigErrors& errors, ConferenceConfig& out);

// Helpers for AdapterFactory implementations validating their own tables with the same messages.
// Each records a ConfigError (with the node's source position) and returns the default on a problem.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string file, std::string path_prefix, ConfigErrors& errors);
  std::string string(std::string_view key, std::string def = {}, bool required = false);
  std::int64_t integer(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max);
  double number(std::string_view key, double def, double min, double max);
  bool boolean(std::string_view key, bool def);
  std::vector<std::string> strings(std::string_view key);
  const toml::table* table(std::string_view key);
  const toml::array* array(std::string_view key);
  // Secret given as `<key>`, `<key>_env` (environment variable) or `<key>_file` (file contents, trimmed).
  // At most one of the three may be set; list all three among reject_unknown()'s known keys.
  std::string secret(std::string_view key, bool required);
  // A string naming a file or folder; a relative value is resolved against the config file's folder.
  // Returns `def` (resolved the same way, if not empty) when the key is absent.
  std::string file_path(std::string_view key, std::string def = {}, bool required = false);
  // Reports every key of the table not in `known`.
  void reject_unknown(std::initializer_list<std::string_view> known);
  void error_at(const toml::node* node, std::string message);
  ConfigErrors& errors() { return errors_; }
  const std::string& file() const { return file_; }
  std::string path(std::string_view key) const;  // "channels.microblog.accounts[2].uid"

 private:
  const toml::table& table_;
  std::string file_;
  std::string prefix_;
  ConfigErrors& errors_;
};

}  // namespace fabu
