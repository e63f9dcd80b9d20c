#include "tests/integration/harness.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include "http_server/bearer_tokens.h"

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "core/base64.h"
#include "core/clock.h"
#include "core/deadline.h"
#include "core/release.h"
#include "core/sealed_secret.h"

namespace fabu::testing {
namespace {

std::string account_toml(const AccountSpec& a, const std::string& token) {
  std::string s = "[[channels.microblog.accounts]]\n";
  s += "id = \"" + a.id + "\"\nname = \"" + a.id + "发布\"\nunit = \"" + a.id + "单位\"\ngroup = \"" + a.group + "\"\n";
  // The uid the sandbox gives the token's user (fabu-sandbox: 5000000000 + FNV-1a 64 mod 1e9), so
  // users/counts answers for it.
  std::uint64_t hash = 14695981039346656037ull;
  for (const unsigned char c : token) hash = (hash ^ c) * 1099511628211ull;
  s += "uid = \"" + std::to_string(5'000'000'000ull + hash % 1'000'000'000ull) + "\"\n";
  s += "token = \"" + token + "\"\nmode = \"" + a.mode + "\"\n";
  s += "posts_per_hour = " + std::to_string(a.posts_per_hour) + "\n";
  s += "min_gap_seconds = " + std::to_string(a.min_gap_seconds) + "\n";
  if (!a.token_expires.empty()) s += "token_expires = " + a.token_expires + "\n";
  return s;
}

}  // namespace

Harness::Harness(HarnessOptions options) : options_(std::move(options)) {
  std::vector<std::string> args = {"--safe-domain", "www.linyi.gov.cn"};
  args.insert(args.end(), options_.sandbox_args.begin(), options_.sandbox_args.end());
  sandbox_ = std::make_unique<SandboxServer>(args);
  prefix_ = options_.prefix.empty() ? unique_prefix() : options_.prefix;
  redis_port_ = options_.redis_port != 0 ? options_.redis_port : shared_redis_port();
  portal_dir_ = dir_.path() + "/portal";

  // The key that seals run-time tokens in Redis: 32 bytes, different for every harness.
  std::string key_bytes = prefix_;
  key_bytes.resize(SealingKey::size, '#');
  write_file(dir_.path() + "/token.key", base64_encode(key_bytes) + "\n");
  std::filesystem::permissions(dir_.path() + "/token.key", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  config_path_ = dir_.path() + "/fabu.toml";
  write_file(config_path_, render_config(""));

  RedisConfig redis;
  redis.port = redis_port_;
  redis.prefix = prefix_;
  for (int port : options_.redis_cluster_ports) redis.cluster_nodes.push_back({"127.0.0.1", port});
  auto ledger = DeliveryLedger::connect(redis);
  if (!ledger) throw std::runtime_error("cannot connect to test redis: " + ledger.error().message);
  ledger_ = std::move(*ledger);
  if (auto ok = ledger_->ensure_intake(); !ok) throw std::runtime_error(ok.error().message);
}

Harness::~Harness() = default;

std::string Harness::render_config(const std::string& instance) const {
  std::string toml;
  toml += "[redis]\nhost = \"127.0.0.1\"\nport = " + std::to_string(redis_port_) + "\nprefix = \"" + prefix_ + "\"\n";
  if (!options_.redis_cluster_ports.empty()) {
    toml += "cluster_nodes = [";
    for (int port : options_.redis_cluster_ports) toml += "\"127.0.0.1:" + std::to_string(port) + "\", ";
    toml += "]\n";
  }
  toml += "connect_timeout_ms = 500\ncommand_timeout_ms = 2000\ntoken_key_file = \"token.key\"\n" +
          options_.redis_extra_toml + "\n";
  toml += "[daemon]\nmax_in_flight = " + std::to_string(options_.max_in_flight) +
          "\nclaim_batch = 64\nlease_seconds = " + std::to_string(options_.lease_seconds) +
          "\nintake_reclaim_idle_seconds = " + std::to_string(options_.intake_reclaim_idle_seconds) +
          "\ndrain_deadline_seconds = " + std::to_string(options_.drain_deadline_seconds) +
          "\nhttp_threads = " + std::to_string(options_.http_threads) + "\n" + options_.daemon_extra_toml;
  if (!instance.empty()) toml += "instance = \"" + instance + "\"\n";
  toml += "\n";
  if (options_.api_port != 0) {
    toml += "[api]\nlisten = \"127.0.0.1:" + std::to_string(options_.api_port) + "\"\n" + options_.api_extra_toml;
    for (const auto& t : options_.api_tokens) {
      toml += "[[api.tokens]]\nname = \"" + t.name + "\"\nroles = " + t.roles_toml + "\nsha256 = \"" +
              sha256_hex(t.token) + "\"\n";
    }
    toml += "\n";
  }
  toml += "[retry]\nmax_attempts = " + std::to_string(options_.max_attempts) + "\nbase_ms = " +
          std::to_string(options_.retry_base_ms) + "\ncap_ms = " + std::to_string(options_.retry_cap_ms) +
          "\njitter = 0.1\nrequest_timeout_ms = " + std::to_string(options_.request_timeout_ms) +
          "\nin_doubt_wait_ms = " + std::to_string(options_.in_doubt_wait_ms) + "\n" + options_.retry_extra_toml + "\n";
  toml += "[channels.portal]\ntype = \"portal\"\noutput_dir = \"" + portal_dir_ +
          "\"\nbase_url = \"https://" + options_.safe_domain +
          "\"\nsite_name = \"临沂市人民政府\"\norg_code = \"01527918X\"\nindex_pattern = \"{org}-{year}-{serial:6}\"\n"
          "page_size = 20\n[[channels.portal.columns]]\nid = \"tzgg\"\nname = \"通知公告\"\n"
          "[[channels.portal.columns]]\nid = \"zcjd\"\nname = \"政策解读\"\n\n";
  toml += "[channels.microblog]\ntype = \"weibo\"\napi_base = \"" + sandbox_->base_url() + "\"\n";
  if (!options_.weibo_safe_domain.empty()) toml += "safe_domain = \"" + options_.weibo_safe_domain + "\"\n";
  toml += "lead = \"lead_acct\"\nhall = \"临沂政务微博发布厅\"\n" + options_.microblog_extra_toml + "\n";
  toml += options_.reach_toml + "\n";
  toml += options_.approval_toml.empty() ? test_approval_toml() : options_.approval_toml;
  toml += "\n";
  toml += account_toml({"lead_acct", "lead", "post", 0, 0}, "tok-" + prefix_ + "-lead_acct");
  for (const auto& m : options_.members) toml += account_toml(m, "tok-" + prefix_ + "-" + m.id);
  if (!options_.extra_toml.empty()) toml += "\n" + options_.extra_toml;
  return toml;
}

ChildProcess Harness::start_fabud(const std::string& name) {
  return ChildProcess({FABU_FABUD_BIN, "--config", config_path_}, {}, dir_.path() + "/" + name + ".log");
}

ChildProcess Harness::start_fabud_as(const std::string& name, const std::string& instance) {
  const std::string path = dir_.path() + "/" + name + ".toml";
  if (!std::filesystem::exists(path)) write_file(path, render_config(instance));
  return ChildProcess({FABU_FABUD_BIN, "--config", path}, {}, dir_.path() + "/" + name + ".log");
}

void Harness::set_members(std::vector<AccountSpec> members) {
  options_.members = std::move(members);
  write_file(config_path_, render_config(""));
}

void Harness::set_api_tokens(std::vector<ApiTokenSpec> tokens) {
  options_.api_tokens = std::move(tokens);
  write_file(config_path_, render_config(""));
}

std::string Harness::log_of(const std::string& name) const { return read_file(dir_.path() + "/" + name + ".log"); }

std::map<std::string, int> Harness::lanes_by_owner() const {
  std::string out;
  std::map<std::string, int> count;
  if (run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + config_path_ + " lanes --json", out) != 0) return count;
  const auto doc = nlohmann::json::parse(out, nullptr, false);
  if (!doc.is_object() || !doc["lanes"].is_array()) return count;
  for (const auto& lane : doc["lanes"]) {
    if (!lane["owner"].is_string()) {
      ++count["-"];
      continue;
    }
    ++count[lane["owner"].get<std::string>() + (lane["owner_live"] == true ? "" : " (gone)")];
  }
  return count;
}

DeliveryLedger& Harness::ledger() { return *ledger_; }

std::string Harness::enqueue(const std::string& json) {
  auto id = ledger_->enqueue(json, "json");
  if (!id) throw std::runtime_error(id.error().message);
  return *id;
}

nlohmann::json Harness::sandbox_posts() {
  auto r = http_request(sandbox_->port(), "GET", "/_sandbox/posts");
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (doc.is_discarded() || !doc.contains("posts")) return nlohmann::json::array();
  return doc["posts"];
}

std::vector<DeliveryStatus> Harness::deliveries(const std::string& release_id) {
  auto d = ledger_->deliveries_of(release_id);
  return d ? *d : std::vector<DeliveryStatus>{};
}

bool Harness::eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

bool Harness::settled(const std::string& release_id) {
  auto ds = deliveries(release_id);
  if (ds.empty()) return false;
  for (const auto& d : ds) {
    if (d.state != DeliveryState::delivered && d.state != DeliveryState::dead &&
        d.state != DeliveryState::needs_auth && d.state != DeliveryState::retracted &&
        d.state != DeliveryState::cancelled) {
      return false;
    }
  }
  return true;
}

int posts_by(const nlohmann::json& posts, const std::string& token) {
  int n = 0;
  for (const auto& p : posts) {
    if (p.value("token", "") == token && !p.value("deleted", false)) ++n;
  }
  return n;
}

std::string release_json(const std::string& id, const std::string& targets_json, const std::string& title,
                         const std::string& summary) {
  nlohmann::json r = {
      {"id", id},
      {"kind", "news"},
      {"title", title},
      {"summary", summary},
      {"body", "## 发布内容\n\n" + summary + "\n"},
      {"issuer", "临沂市人民政府新闻办公室"},
      {"formed_at", "2026-11-20"},
      {"disclosure", "主动公开"},
      {"subjects", {"综合政务\\政务公开"}},
      {"targets", nlohmann::json::parse(targets_json)},
      {"approval", {{"approver", "王晓明（市政府新闻办）"}, {"approved_at", "2026-11-25T09:30:00+08:00"}}},
  };
  return signed_release(r.dump());
}

std::string holiday_folder(const std::string& dir, std::initializer_list<int> offsets) {
  const int year = china_date(unix_now_ms() / 1000).year;
  for (const int offset : offsets) {
    const std::string y = std::to_string(year + offset);
    write_file(dir + "/" + y + ".toml",
               "year = " + y + "\n[notice]\ntitle = \"t\"\nnumber = \"n\"\ndate = " + std::to_string(year - 2) +
                   "-11-01\n[[holidays]]\nname = \"元旦\"\nfirst = " + y + "-01-01\nlast = " + y + "-01-01\n");
  }
  return dir;
}

const Ed25519KeyPair& test_reviewer_key() {
  static const Ed25519KeyPair key = [] {
    auto generated = ed25519_generate();
    if (!generated) throw std::runtime_error("cannot generate the test key: " + generated.error());
    return *generated;
  }();
  return key;
}

std::string approval_key_toml(const std::string& id, const std::string& public_key, const std::string& roles) {
  return "[[approval.keys]]\nid = \"" + id + "\"\nname = \"测试审核人 " + id + "\"\nunit = \"测试单位\"\nroles = [" + roles +
         "]\npublic_key = \"" + base64_encode(public_key) + "\"\n";
}

std::string test_approval_toml() {
  return "[approval]\nrequired_roles = [\"内容审核\"]\n" +
         approval_key_toml(test_key_id, test_reviewer_key().public_raw, R"("内容审核", "保密审查")");
}

std::string add_signature(const std::string& json, const std::string& key_id, const std::string& private_pem,
                          const std::string& role, std::int64_t signed_at_offset_seconds) {
  ApprovalSignature entry{key_id, role, Timestamp{unix_now_ms() / 1000 + signed_at_offset_seconds, 8 * 60}, {},
                          std::nullopt};
  auto message = message_to_sign(json, DocumentFormat::json, entry);
  if (!message) throw std::runtime_error("cannot sign an invalid release: " + join(message.error()));
  auto signature = ed25519_sign(private_pem, *message);
  if (!signature) throw std::runtime_error(signature.error());
  auto doc = nlohmann::json::parse(json);
  doc["approval"]["signatures"].push_back({{"key_id", entry.key_id},
                                           {"role", entry.role},
                                           {"signed_at", entry.signed_at.iso()},
                                           {"signature", base64_encode(*signature)}});
  return doc.dump();
}

std::string signed_release(const std::string& json, const std::string& role) {
  auto doc = nlohmann::json::parse(json);
  if (doc.contains("approval") && doc["approval"].is_object()) doc["approval"].erase("signatures");
  return add_signature(doc.dump(), test_key_id, test_reviewer_key().private_pem, role);
}

std::string fabuctl(const Harness& h, const std::string& args) {
  return std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " " + args;
}

std::string member_id(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "m%03d", i);
  return buf;
}

Date china_today() { return china_date(unix_now_ms() / 1000); }

}  // namespace fabu::testing
