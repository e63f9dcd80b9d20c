#include "cli/reach.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/table.h"
#include "core/clock.h"
#include "queue/reach_book.h"

namespace fabu::cli {
namespace {

std::string number_or_dash(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "-";
}

nlohmann::json optional_json(const std::optional<std::int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

nlohmann::json reach_json(const std::string& release_id, const std::vector<AccountReach>& accounts,
                          const BudgetUse& budget) {
  nlohmann::json out{{"release", release_id},
                     {"budget", {{"window_start_ms", budget.window_start_ms}, {"used", budget.used},
                                 {"calls_per_hour", budget.limit}}},
                     {"accounts", nlohmann::json::array()}};
  for (const auto& account : accounts) {
    nlohmann::json checkpoints = nlohmann::json::object();
    for (const auto& [name, at] : account.checkpoints) {
      checkpoints[name] = {{"at_ms", at.at_ms},
                           {"reposts", at.counts.reposts},
                           {"comments", at.counts.comments},
                           {"likes", at.counts.likes}};
    }
    out["accounts"].push_back({{"channel", account.channel},
                               {"account", account.account},
                               {"post_id", account.post_id},
                               {"delivered_ms", account.delivered_ms},
                               {"followers_at_delivery", optional_json(account.followers_at_delivery)},
                               {"followers_now", optional_json(account.followers_now)},
                               {"checkpoints", std::move(checkpoints)}});
  }
  return out;
}

void print_table(const std::vector<AccountReach>& accounts) {
  std::vector<std::string> header{"account", "post", "delivered", "followers then", "followers now"};
  for (const auto& checkpoint : kReachCheckpoints) header.push_back("+" + std::string(checkpoint.name));
  TextTable table(std::move(header));
  for (const auto& account : accounts) {
    std::vector<std::string> row{account.channel + "/" + account.account, account.post_id,
                                 format_time_ms(account.delivered_ms), number_or_dash(account.followers_at_delivery),
                                 number_or_dash(account.followers_now)};
    for (const auto& checkpoint : kReachCheckpoints) {
      const auto at = account.checkpoints.find(std::string(checkpoint.name));
      row.push_back(at == account.checkpoints.end()
                        ? "-"
                        : std::to_string(at->second.counts.reposts) + "/" + std::to_string(at->second.counts.comments) +
                              "/" + std::to_string(at->second.counts.likes));
    }
    table.add(std::move(row));
  }
  std::cout << table.render() << "(+1h ... +7d after delivery: reposts/comments/likes; - = not read yet)\n";
}

}  // namespace

int reach(const Context& ctx, const std::string& release_id) {
  auto config = load_config(ctx.config_path);
  if (!config) {
    std::cerr << "fabuctl: cannot use config " << ctx.config_path << ":\n";
    for (const auto& e : config.error()) std::cerr << "  " << e.to_string() << "\n";
    return 2;
  }
  auto book = make_redis_reach_book((*config)->redis, (*config)->daemon.retention_days);
  auto accounts = book->release_reach(release_id);
  if (!accounts) {
    std::cerr << "fabuctl reach: cannot read from redis: " << accounts.error().message << "\n";
    return 1;
  }
  const auto budget = book->budget_use(unix_now_ms(), (*config)->reach.calls_per_hour);
  if (!budget) {
    std::cerr << "fabuctl reach: cannot read from redis: " << budget.error().message << "\n";
    return 1;
  }
  if (ctx.json) {
    std::cout << reach_json(release_id, *accounts, *budget).dump() << "\n";
    return accounts->empty() ? 1 : 0;
  }
  if (accounts->empty()) {
    std::cerr << "fabuctl reach: no reach recorded for release " << release_id
              << " (not delivered to an account yet, [reach] calls_per_hour = 0, or past retention)\n";
    return 1;
  }
  std::cout << "reach of " << release_id << "\n";
  print_table(*accounts);
  std::cout << "reach calls this hour (all instances): " << budget->used << " of " << budget->limit << "\n";
  return 0;
}

}  // namespace fabu::cli
