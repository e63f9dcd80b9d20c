// End-to-end harness: a real redis-server, the real sandbox platform and real fabud processes,
// configured through a generated fabu.toml in a temp dir. Each harness uses its own key prefix.
#pragma once

#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/deadline.h"
#include "core/ed25519.h"
#include "queue/delivery_ledger.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace fabu::testing {

struct AccountSpec {
  std::string id;
  std::string group = "county";
  std::string mode = "post";
  int posts_per_hour = 0;
  int min_gap_seconds = 0;
  std::string token_expires;  // "YYYY-MM-DD", or empty for none
};

// One [[api.tokens]] entry; the config gets the SHA-256 of `token`.
struct ApiTokenSpec {
  std::string name;
  std::string roles_toml;  // e.g. R"(["submit"])"
  std::string token;
};

struct HarnessOptions {
  std::vector<std::string> sandbox_args;
  std::vector<AccountSpec> members;  // besides the lead account "lead_acct"
  int lease_seconds = 4;
  int max_attempts = 6;
  int retry_base_ms = 100;
  int retry_cap_ms = 800;
  int request_timeout_ms = 2000;
  int in_doubt_wait_ms = 0;  // the sandbox shows every post at once: nothing to wait for
  int max_in_flight = 256;
  int redis_port = 0;  // 0 = the shared test redis
  // Redis Cluster: the seed nodes' ports (loopback); the config and the harness's own ledger use
  // redis.cluster_nodes instead of redis_port.
  std::vector<int> redis_cluster_ports;
  std::string prefix;  // the office's redis.prefix; empty = a unique one
  std::string safe_domain = "www.linyi.gov.cn";
  // The weibo channel's safe_domain in fabud's config; empty leaves it out, so fabud posts any link
  // and only the platform (the sandbox, which keeps www.linyi.gov.cn) refuses one off the domain.
  std::string weibo_safe_domain = "www.linyi.gov.cn";
  int drain_deadline_seconds = 5;
  int api_port = 0;  // non-zero: fabud serves its HTTP API on 127.0.0.1:<api_port>
  std::vector<ApiTokenSpec> api_tokens;
  std::string api_extra_toml;  // extra lines for the [api] table, e.g. "read_timeout_seconds = 1\n"
  int intake_reclaim_idle_seconds = 2;
  int http_threads = 2;
  // Extra TOML lines for the [channels.microblog] table, e.g. "rate_limit_wait_seconds = 1\n".
  std::string microblog_extra_toml;
  // Extra TOML lines for the [daemon] table, e.g. "log_file = \"fabud-file.log\"\n".
  std::string daemon_extra_toml;
  // Extra TOML lines for the [redis] table, e.g. a username and password.
  std::string redis_extra_toml;
  // Extra TOML lines for the [retry] table, e.g. "breaker_cooloff_seconds = 1\n".
  std::string retry_extra_toml;
  // The whole [reach] section, e.g. "[reach]\ncalls_per_hour = 0\n"; empty = the defaults.
  std::string reach_toml;
  // The whole [approval] section; empty = test_approval_toml() (the test reviewer, role 内容审核).
  std::string approval_toml;
  // Top-level tables appended at the end, e.g. "[calendar]\nholidays_dir = ...\n" or [[spokespersons]].
  std::string extra_toml;
};

// The reviewer key pair of the tests, generated once per test process. Every harness config lists
// its public key as `test_key_id` with the roles 内容审核 and 保密审查.
const Ed25519KeyPair& test_reviewer_key();
inline constexpr const char* test_key_id = "test-reviewer";
// The default [approval] section: required_roles = ["内容审核"] and the test reviewer's key.
std::string test_approval_toml();
// An [[approval.keys]] table for `public_key` (raw bytes) with the given roles (a TOML array body).
std::string approval_key_toml(const std::string& id, const std::string& public_key, const std::string& roles);

// `json` (a release) with approval.signatures replaced by one signature of the test reviewer for
// `role`, made now. Call it after the last change to a release: any later change breaks the signature.
std::string signed_release(const std::string& json, const std::string& role = "内容审核");
// The same with any key: adds one entry to the signatures already there.
// `signed_at_offset_seconds` moves signed_at away from now (e.g. into the future).
std::string add_signature(const std::string& json, const std::string& key_id, const std::string& private_pem,
                          const std::string& role, std::int64_t signed_at_offset_seconds = 0);

class Harness {
 public:
  explicit Harness(HarnessOptions options = {});
  ~Harness();

  const std::string& config_path() const { return config_path_; }
  const std::string& portal_dir() const { return portal_dir_; }
  const std::string& prefix() const { return prefix_; }
  SandboxServer& sandbox() { return *sandbox_; }
  int redis_port() const { return redis_port_; }

  // Starts a fabud with this config; its log goes to <dir>/<name>.log.
  ChildProcess start_fabud(const std::string& name = "fabud");
  // Starts a fabud whose `[daemon] instance` is `instance`, from a copy of the config in
  // <dir>/<name>.toml (written on first use); its log goes to <dir>/<name>.log (appended to, so
  // a restarted instance keeps its earlier lines).
  ChildProcess start_fabud_as(const std::string& name, const std::string& instance);
  // Rewrites config_path() with another member list (the rest unchanged), e.g. before a SIGHUP.
  void set_members(std::vector<AccountSpec> members);
  // Rewrites config_path() with other [[api.tokens]] (the rest unchanged), e.g. before a SIGHUP.
  void set_api_tokens(std::vector<ApiTokenSpec> tokens);
  // The sandbox access token the config gives `account` (the sandbox records posts by token).
  std::string token_of(const std::string& account) const { return "tok-" + prefix_ + "-" + account; }
  std::string log_of(const std::string& name = "fabud") const;

  DeliveryLedger& ledger();  // a connection of the test's own
  std::string enqueue(const std::string& json);  // XADD to the intake, returns the entry id

  // The sandbox's record of everything it received.
  nlohmann::json sandbox_posts();
  // Deliveries of a release, by destination.
  std::vector<DeliveryStatus> deliveries(const std::string& release_id);
  // Polls `done` every 50 ms until it is true or the timeout passes.
  static bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // True when every delivery of the release is in one of the settled states.
  bool settled(const std::string& release_id);
  // `fabuctl lanes --json`: how many lanes each owner has, by instance name; "-" counts lanes no
  // instance owns, "<name> (gone)" those of an owner whose lease ran out. Empty when the command fails.
  std::map<std::string, int> lanes_by_owner() const;

 private:
  std::string render_config(const std::string& instance) const;

  HarnessOptions options_;
  TempDir dir_;
  std::unique_ptr<SandboxServer> sandbox_;
  std::string prefix_;
  int redis_port_ = 0;
  std::string config_path_;
  std::string portal_dir_;
  std::unique_ptr<DeliveryLedger> ledger_;
};

// Writes a holiday file into `dir` for this year plus each offset (one made-up holiday on 1 January),
// so a test does not depend on which notices have been published when it runs; returns `dir`.
std::string holiday_folder(const std::string& dir, std::initializer_list<int> offsets);

// Live (not destroyed) posts of one account, by its token, in a sandbox record (Harness::sandbox_posts).
int posts_by(const nlohmann::json& posts, const std::string& token);

// A valid release as JSON, signed by the test reviewer (signed_release). `targets_json` is the JSON object of targets, e.g.
// R"({"portal":["tzgg"],"microblog":["lead","all"]})".
std::string release_json(const std::string& id, const std::string& targets_json,
                         const std::string& title = "临沂市举行新闻发布会",
                         const std::string& summary = "市政府新闻办今天举行新闻发布会，介绍全市政务公开工作情况。");

// The shell command that runs fabuctl with this harness's config: `fabuctl --config <path> <args>`.
std::string fabuctl(const Harness& h, const std::string& args);

// A member account's id in the matrix tests' numbering: m000, m001, …
std::string member_id(int i);

// Today in China (UTC+8), the calendar the statutory clock and the report card count in.
Date china_today();

}  // namespace fabu::testing
