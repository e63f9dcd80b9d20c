#include "adapters/weibo/weibo_channel.h"

#include <algorithm>
#include <set>

namespace fabu::weibo {

namespace {

bool is_account_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

const toml::node* node_or(const toml::table& table, std::string_view key) {
  const toml::node* node = table.get(key);
  return node != nullptr ? node : &table;
}

struct Defaults {
  MemberMode mode = MemberMode::post;
  int posts_per_hour = 30;
  int min_gap_seconds = 0;
};

MemberMode read_mode(TableReader& reader, const toml::table& table, MemberMode fallback) {
  const std::string mode = reader.string("mode", fallback == MemberMode::post ? "post" : "repost");
  if (mode == "post") return MemberMode::post;
  if (mode == "repost") return MemberMode::repost;
  reader.error_at(table.get("mode"), reader.path("mode") + ": '" + mode + "' must be \"post\" or \"repost\"");
  return fallback;
}

CorrectionPolicy read_correction(TableReader& reader, const toml::table& table) {
  const std::string policy = reader.string("correction", "note");
  if (policy == "note") return CorrectionPolicy::note;
  if (policy == "replace") return CorrectionPolicy::replace;
  if (policy == "none") return CorrectionPolicy::none;
  reader.error_at(table.get("correction"),
                  reader.path("correction") + ": '" + policy + "' must be \"note\", \"replace\" or \"none\"");
  return CorrectionPolicy::note;
}

Defaults read_defaults(const toml::table* table, const std::string& file, const std::string& prefix,
                       ConfigErrors& errors) {
  Defaults out;
  if (table == nullptr) return out;
  TableReader reader(*table, file, prefix + ".defaults", errors);
  reader.reject_unknown({"mode", "posts_per_hour", "min_gap_seconds"});
  out.mode = read_mode(reader, *table, out.mode);
  out.posts_per_hour = static_cast<int>(reader.integer("posts_per_hour", out.posts_per_hour, 0, 100000));
  out.min_gap_seconds = static_cast<int>(reader.integer("min_gap_seconds", out.min_gap_seconds, 0, 86400));
  return out;
}

Account read_account(const toml::table& table, const std::string& file, const std::string& prefix,
                     const Defaults& defaults, ConfigErrors& errors) {
  TableReader reader(table, file, prefix, errors);
  reader.reject_unknown({"id", "name", "unit", "group", "uid", "token", "token_env", "token_file", "token_expires",
                         "mode", "posts_per_hour", "min_gap_seconds"});
  Account account;
  account.id = reader.string("id", {}, true);
  if (table.get("id") != nullptr && !is_account_id(account.id)) {
    reader.error_at(table.get("id"), reader.path("id") + ": '" + account.id + "' must match [a-z0-9_]+");
  }
  account.name = reader.string("name", {}, true);
  account.unit = reader.string("unit", {}, true);
  account.group = reader.string("group", {}, true);
  account.uid = reader.string("uid", {}, true);
  account.token = reader.secret("token", true);
  if (const toml::node* expires = table.get("token_expires")) {
    if (const auto* date = expires->as_date()) {
      const toml::date& d = date->get();
      account.token_expires = Date{d.year, d.month, d.day};
    } else {
      reader.error_at(expires, reader.path("token_expires") + ": expected a date like 2027-06-30");
    }
  }
  account.mode = read_mode(reader, table, defaults.mode);
  account.posts_per_hour = static_cast<int>(reader.integer("posts_per_hour", defaults.posts_per_hour, 0, 100000));
  account.min_gap_seconds = static_cast<int>(reader.integer("min_gap_seconds", defaults.min_gap_seconds, 0, 86400));
  return account;
}

}  // namespace

const Account* WeiboChannel::find(std::string_view id) const {
  if (index_.size() == accounts.size()) {
    const auto it = index_.find(id);
    return it == index_.end() || accounts[it->second].id != id ? nullptr : &accounts[it->second];
  }
  for (const auto& account : accounts) {
    if (account.id == id) return &account;
  }
  return nullptr;
}

void WeiboChannel::index_accounts() {
  index_.clear();
  for (std::size_t i = 0; i < accounts.size(); ++i) index_.emplace(accounts[i].id, i);
}

const Account& WeiboChannel::lead_account() const { return *find(lead); }

bool url_on_domain(std::string_view url, std::string_view domain) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  host = host.substr(0, host.find(':'));
  if (domain.empty() || host.size() < domain.size()) return false;
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  const std::string_view tail = host.substr(host.size() - domain.size());
  const bool same_tail = std::equal(tail.begin(), tail.end(), domain.begin(), domain.end(),
                                    [&](char a, char b) { return lower(a) == lower(b); });
  return same_tail && (host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.');
}

std::expected<WeiboChannel, ConfigErrors> parse_weibo_channel(const ChannelConfig& channel, const std::string& file) {
  ConfigErrors errors;
  const std::string prefix = "channels." + channel.name;
  const toml::table& table = channel.table;
  TableReader reader(table, file, prefix, errors);
  reader.reject_unknown({"type", "api_base", "safe_domain", "lead", "hall", "rate_limit_wait_seconds", "correction",
                         "app_posts_per_hour", "defaults", "accounts"});

  WeiboChannel out;
  out.name = channel.name;
  out.api_base = reader.string("api_base", "https://api.weibo.com/2/");
  if (!(out.api_base.starts_with("http://") || out.api_base.starts_with("https://")) || !out.api_base.ends_with("/")) {
    reader.error_at(node_or(table, "api_base"),
                    reader.path("api_base") + ": '" + out.api_base + "' must be an http(s) URL ending in '/'");
  }
  out.safe_domain = reader.string("safe_domain");
  out.lead = reader.string("lead", {}, true);
  out.hall = reader.string("hall");
  out.rate_limit_wait =
      std::chrono::seconds(reader.integer("rate_limit_wait_seconds", out.rate_limit_wait.count(), 1, 86400));
  out.correction = read_correction(reader, table);
  out.app_posts_per_hour = static_cast<int>(reader.integer("app_posts_per_hour", 0, 0, 1000000));
  const Defaults defaults = read_defaults(reader.table("defaults"), file, prefix, errors);

  const toml::array* accounts = reader.array("accounts");
  if (accounts == nullptr || accounts->empty()) {
    reader.error_at(node_or(table, "accounts"), reader.path("accounts") + ": at least one account is required");
  } else {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < accounts->size(); ++i) {
      const std::string where = prefix + ".accounts[" + std::to_string(i) + "]";
      const toml::table* account_table = accounts->get(i)->as_table();
      if (account_table == nullptr) {
        reader.error_at(accounts->get(i), where + ": expected a table");
        continue;
      }
      Account account = read_account(*account_table, file, where, defaults, errors);
      if (!account.id.empty() && !seen.insert(account.id).second) {
        reader.error_at(account_table->get("id"), where + ".id: '" + account.id + "' is used by another account");
      }
      out.accounts.push_back(std::move(account));
    }
  }
  if (!out.lead.empty()) {
    auto lead = std::find_if(out.accounts.begin(), out.accounts.end(), [&](const Account& a) { return a.id == out.lead; });
    if (lead != out.accounts.end()) {
      lead->mode = MemberMode::post;  // the lead is what members repost: it always posts itself
    } else if (accounts != nullptr && !accounts->empty()) {
      reader.error_at(table.get("lead"), reader.path("lead") + ": '" + out.lead + "' is not the id of an account");
    }
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  out.index_accounts();
  return out;
}

std::expected<std::vector<PlannedDelivery>, FieldErrors> plan_deliveries(const WeiboChannel& hall,
                                                                         const std::string& channel,
                                                                         const std::vector<std::string>& targets) {
  FieldErrors errors;
  std::vector<const Account*> chosen;
  auto choose = [&](const Account& account) {
    if (std::find(chosen.begin(), chosen.end(), &account) == chosen.end()) chosen.push_back(&account);
  };
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::string& target = targets[i];
    const std::string path = "targets." + channel + "[" + std::to_string(i) + "]";
    if (target == "lead") {
      choose(hall.lead_account());
    } else if (target == "all") {
      for (const auto& account : hall.accounts) {
        if (account.id != hall.lead) choose(account);
      }
    } else if (target.starts_with("group:")) {
      const std::string group = target.substr(6);
      bool any = false;
      for (const auto& account : hall.accounts) {
        if (account.group == group) {
          choose(account);
          any = true;
        }
      }
      if (!any) errors.push_back({path, "unknown group '" + group + "'"});
    } else if (const Account* account = hall.find(target)) {
      choose(*account);
    } else {
      errors.push_back({path, "unknown account '" + target + "'"});
    }
  }
  if (targets.empty()) errors.push_back({"targets." + channel, "names no account"});

  const bool lead_chosen = std::any_of(chosen.begin(), chosen.end(), [&](const Account* a) { return a->id == hall.lead; });
  std::string reposters;
  std::vector<PlannedDelivery> planned;
  for (const Account* account : chosen) {
    PlannedDelivery delivery;
    delivery.destination = account->id;
    delivery.lane = channel + "/" + account->id;
    if (account->id != hall.lead && account->mode == MemberMode::repost) {
      delivery.after = hall.lead;  // a repost needs the lead's post id
      reposters += (reposters.empty() ? "" : ", ") + account->id;
    } else {
      delivery.needs_link = true;
    }
    planned.push_back(std::move(delivery));
  }
  if (!reposters.empty() && !lead_chosen) {
    errors.push_back({"targets." + channel, "repost-mode accounts (" + reposters + ") repost the lead's post: add \"lead\""});
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return planned;
}

std::vector<LaneLimits> lane_limits(const WeiboChannel& hall, const std::string& channel) {
  std::vector<LaneLimits> lanes;
  for (const auto& account : hall.accounts) {
    lanes.push_back({channel + "/" + account.id, 1, account.posts_per_hour,
                     std::chrono::milliseconds(std::int64_t{account.min_gap_seconds} * 1000), channel,
                     hall.app_posts_per_hour});
  }
  return lanes;
}

}  // namespace fabu::weibo
