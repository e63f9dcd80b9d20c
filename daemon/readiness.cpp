#include "daemon/readiness.h"

#include "daemon/account_watch.h"
#include "metrics/metrics.h"

namespace fabu {
namespace {

std::optional<std::int64_t> recorded(const std::map<std::string, std::int64_t>& activity, const std::string& key) {
  const auto it = activity.find(key);
  if (it == activity.end() || it->second <= 0) return std::nullopt;
  return it->second;
}

// The newest `<channel>#<column>` stamp: the home page lists every column's latest articles.
std::optional<std::int64_t> newest_article(const std::map<std::string, std::int64_t>& activity,
                                           const std::string& channel) {
  const std::string prefix = channel + "#";
  std::optional<std::int64_t> newest;
  for (auto it = activity.lower_bound(prefix); it != activity.end() && it->first.starts_with(prefix); ++it) {
    if (it->second > 0 && (!newest || it->second > *newest)) newest = it->second;
  }
  return newest;
}

}  // namespace

Result<std::vector<InspectionFinding>> inspection_findings(DeliveryLedger& ledger, const ChannelSet& channels,
                                                           std::int64_t now_ms, const Date& today) {
  auto activity = ledger.activity();
  if (!activity) return fail(activity.error());
  auto overrides = ledger.token_overrides();
  if (!overrides) return fail(overrides.error());
  std::map<std::string, int> token_days;  // lane -> days left
  for (const auto& [channel, account_and_date] : token_expiries(channels, overrides->overrides)) {
    token_days[account_and_date.first.lane] = days_between(today, account_and_date.second);
  }
  std::vector<AccountActivity> accounts;
  for (const auto& channel : channels.names()) {
    const Adapter* adapter = channels.find(channel);
    if (adapter == nullptr) continue;
    for (const auto& account : adapter->accounts(channel)) {
      AccountActivity a{channel, account.id, recorded(*activity, channel + "|" + account.id), std::nullopt};
      if (auto days = token_days.find(account.lane); days != token_days.end()) a.token_days = days->second;
      accounts.push_back(std::move(a));
    }
  }
  std::vector<ColumnActivity> columns;
  for (const auto& [channel, column] : channels.inspected_columns()) {
    columns.push_back({channel, column, recorded(*activity, channel + "#" + column)});
  }
  auto findings = inspect(accounts, columns, channels.inspection(), now_ms);
  std::vector<PortalActivity> portals;
  for (const auto& channel : channels.portals()) portals.push_back({channel, newest_article(*activity, channel)});
  for (auto& f : home_page_findings(portals, channels.inspection(), now_ms)) findings.push_back(std::move(f));
  std::vector<BrokenLink> links;
  for (const auto& channel : channels.names()) {
    if (const Adapter* adapter = channels.find(channel)) {
      for (auto& link : adapter->broken_links(channel)) links.push_back(std::move(link));
    }
  }
  for (auto& f : broken_link_findings(links)) findings.push_back(std::move(f));
  return findings;
}

void render_inspection_metrics(std::string& out, const std::vector<InspectionFinding>& findings) {
  MetricsRegistry registry;
  auto& posted = registry.gauge("fabu_account_last_post_timestamp_seconds",
                                "When the account last had a post delivered (unix time; absent when none is recorded).",
                                {"channel", "account"});
  auto& updated = registry.gauge("fabu_portal_column_last_update_timestamp_seconds",
                                 "When an inspected portal column last had an article delivered (unix time; absent: never).",
                                 {"channel", "column"});
  auto& status = registry.gauge("fabu_inspection_status",
                                "Inspection readiness per check and target: 0 ok, 1 warn, 2 fail (fabuctl inspect).",
                                {"check", "channel", "target"});
  auto& counts = registry.gauge("fabu_inspection_findings", "Inspection findings by check and verdict.",
                                {"check", "verdict"});
  auto& home = registry.gauge("fabu_portal_home_last_update_timestamp_seconds",
                              "When a portal's home page last got a new article, in any column (unix time; absent: never).",
                              {"channel"});
  for (auto check : {InspectionCheck::account_idle, InspectionCheck::token_expiry, InspectionCheck::column_stale,
                     InspectionCheck::column_veto, InspectionCheck::home_page, InspectionCheck::broken_link}) {
    for (auto verdict : {InspectionVerdict::ok, InspectionVerdict::warn, InspectionVerdict::fail}) {
      counts.with({to_string(check), to_string(verdict)});
    }
  }
  for (const auto& f : findings) {
    const double at = f.at_ms ? static_cast<double>(*f.at_ms) / 1000.0 : 0.0;
    if (f.at_ms && f.check == InspectionCheck::account_idle) posted.with({f.channel, f.target}).set(at);
    if (f.at_ms && f.check == InspectionCheck::column_stale) updated.with({f.channel, f.target}).set(at);
    if (f.at_ms && f.check == InspectionCheck::home_page) home.with({f.channel}).set(at);
    status.with({to_string(f.check), f.channel, f.target}).set(static_cast<double>(f.verdict));
    counts.with({to_string(f.check), to_string(f.verdict)}).add(1);
  }
  registry.render(out);
}

}  // namespace fabu
