// The [approval] table of fabu.toml into an ApprovalPolicy (core/approval.h), with the same
// file:line:column messages as the rest of the config.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "core/base64.h"
#include "core/ed25519.h"

namespace fabu {
namespace {

// China Standard Time: a key's validity written as a bare date means that day in Beijing.
constexpr std::int64_t beijing_offset_seconds = 8 * 3600;

std::int64_t unix_of(const toml::date& d) {
  const std::chrono::sys_days day{std::chrono::year{d.year} / std::chrono::month{d.month} / std::chrono::day{d.day}};
  return std::int64_t{day.time_since_epoch().count()} * 86400;
}

// A date (whole day, +08:00) or an offset date-time. `end_of_day` picks the day's last second.
std::optional<std::int64_t> validity_bound(TableReader& r, const toml::table& table, std::string_view key,
                                           bool end_of_day) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  if (const auto* date = node->as_date()) {
    return unix_of(date->get()) - beijing_offset_seconds + (end_of_day ? 86399 : 0);
  }
  const auto* date_time = node->as_date_time();
  if (date_time == nullptr || !date_time->get().offset) {
    r.error_at(node, r.path(key) + ": expected a date (2026-01-01) or a date-time with offset "
                                   "(2026-01-01T00:00:00+08:00)");
    return std::nullopt;
  }
  const toml::date_time& dt = date_time->get();
  return unix_of(dt.date) + dt.time.hour * 3600 + dt.time.minute * 60 + dt.time.second -
         std::int64_t{dt.offset->minutes} * 60;
}

std::string read_public_key(TableReader& r, const toml::table& table) {
  const toml::node* inline_node = table.get("public_key");
  const toml::node* file_node = table.get("public_key_file");
  if ((inline_node == nullptr) == (file_node == nullptr)) {
    r.error_at(file_node != nullptr ? file_node : nullptr,
               r.path("public_key") + ": set exactly one of public_key (base64 of the 32 raw bytes) or "
                                      "public_key_file (a PEM SubjectPublicKeyInfo file)");
    return {};
  }
  if (inline_node != nullptr) {
    const std::string text = r.string("public_key");
    const auto raw = base64_decode(text);
    if (!raw || raw->size() != ed25519_public_key_bytes) {
      r.error_at(inline_node, r.path("public_key") + ": expected the base64 of a 32-byte Ed25519 public key "
                                                     "(as `fabuctl keygen` prints it)");
      return {};
    }
    return *raw;
  }
  const std::string path = r.file_path("public_key_file");
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  if (!in || !(contents << in.rdbuf())) {
    r.error_at(file_node, r.path("public_key_file") + ": cannot read '" + path + "'");
    return {};
  }
  auto raw = ed25519_read_public_pem(contents.str());
  if (!raw) {
    r.error_at(file_node, r.path("public_key_file") + ": '" + path + "': " + raw.error());
    return {};
  }
  return *raw;
}

ApproverKey read_key(const toml::table& table, const std::string& file, const std::string& prefix,
                     ConfigErrors& errors) {
  TableReader r(table, file, prefix, errors);
  r.reject_unknown({"id", "name", "unit", "roles", "public_key", "public_key_file", "valid_from", "valid_until"});
  ApproverKey key;
  key.id = r.string("id", {}, true);
  if (!key.id.empty() && key.id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
                             std::string::npos) {
    r.error_at(table.get("id"), r.path("id") + ": '" + key.id + "' may contain only letters, digits and . _ -");
  }
  key.name = r.string("name", {}, true);
  key.unit = r.string("unit");
  key.roles = r.strings("roles");
  if (key.roles.empty()) r.error_at(table.get("roles"), r.path("roles") + ": name at least one role the key may sign for");
  key.public_key = read_public_key(r, table);
  key.valid_from = validity_bound(r, table, "valid_from", false);
  key.valid_until = validity_bound(r, table, "valid_until", true);
  if (key.valid_from && key.valid_until && *key.valid_until < *key.valid_from) {
    r.error_at(table.get("valid_until"), r.path("valid_until") + ": is before valid_from");
  }
  return key;
}

}  // namespace

void read_approval(const toml::table& table, const std::string& file, ConfigErrors& errors, ApprovalPolicy& out) {
  TableReader r(table, file, "approval", errors);
  r.reject_unknown({"require_signature", "required_roles", "max_clock_skew_seconds", "keys"});
  out.require_signature = r.boolean("require_signature", out.require_signature);
  out.required_roles = r.strings("required_roles");
  out.max_clock_skew_seconds = r.integer("max_clock_skew_seconds", out.max_clock_skew_seconds, 0, 86'400);
  if (const toml::array* keys = r.array("keys")) {
    for (std::size_t i = 0; i < keys->size(); ++i) {
      const toml::node& node = *keys->get(i);
      const std::string prefix = "approval.keys[" + std::to_string(i) + "]";
      const auto* key_table = node.as_table();
      if (key_table == nullptr) {
        r.error_at(&node, prefix + ": expected a table (write it as [[approval.keys]])");
        continue;
      }
      ApproverKey key = read_key(*key_table, file, prefix, errors);
      for (const ApproverKey& earlier : out.keys) {
        if (!key.id.empty() && earlier.id == key.id) {
          r.error_at(key_table->get("id"), prefix + ".id: '" + key.id + "' is listed twice");
        } else if (!key.public_key.empty() && earlier.public_key == key.public_key) {
          // Two ids for one key would let one reviewer count as two.
          r.error_at(key_table, prefix + ": the same public key as '" + earlier.id + "': each reviewer needs a key of their own");
        }
      }
      out.keys.push_back(std::move(key));
    }
  }
  if (!out.require_signature) return;
  for (std::size_t i = 0; i < out.required_roles.size(); ++i) {
    const std::string& role = out.required_roles[i];
    const bool held = std::any_of(out.keys.begin(), out.keys.end(), [&](const ApproverKey& k) {
      return std::find(k.roles.begin(), k.roles.end(), role) != k.roles.end();
    });
    if (!held) {
      r.error_at(table.get("required_roles"), "approval.required_roles[" + std::to_string(i) + "]: no key in "
                 "[[approval.keys]] holds the role '" + role + "', so no release could be approved");
    }
  }
}

}  // namespace fabu
