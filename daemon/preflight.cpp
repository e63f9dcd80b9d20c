#include "daemon/preflight.h"

#include <algorithm>

#include "daemon/account_watch.h"
#include "queue/delivery_ledger.h"

namespace fabu {
namespace {

void check_accounts(const Config& config, const ChannelSet& channels, const Date& today,
                    std::vector<CheckFinding>& out) {
  for (const auto& channel : channels.names()) {
    for (const auto& account : channels.find(channel)->accounts(channel)) {
      if (!account.token_expires) continue;
      const int left = days_between(today, *account.token_expires);
      if (left < 0) {
        out.push_back({true, account.lane + ": the token expired on " + account.token_expires->iso() +
                                 "; re-authorise the account and give fabu its new token (`fabuctl accounts "
                                 "set-token " + account.id + "` or the config)"});
      } else if (auto warning = token_expiry_warning(channel, account, *account.token_expires, today,
                                                     config.daemon.token_warn_days)) {
        out.push_back({false, *warning});
      }
    }
  }
}

void check_redis(const Config& config, std::vector<CheckFinding>& out) {
  const std::string where = "redis " + config.redis.host + ":" + std::to_string(config.redis.port);
  auto ledger = DeliveryLedger::connect(config.redis);
  if (!ledger) {
    out.push_back({true, ledger.error().message});  // it names the server
    return;
  }
  auto aof = (*ledger)->aof_enabled();
  if (!aof) {
    out.push_back({true, where + ": " + aof.error().message});
    return;
  }
  if (!*aof) {
    out.push_back({false, where + ": appendonly is off: a Redis restart would lose queued releases and delivery "
                                  "states (set `appendonly yes` in redis.conf)"});
  }
  auto tokens = (*ledger)->token_overrides();
  if (!tokens) {
    out.push_back({true, where + ": cannot read the tokens set at run time: " + tokens.error().message});
    return;
  }
  for (const auto& lane : tokens->unreadable) {
    out.push_back({true, lane + ": the token set at run time does not open with redis.token_key (another key, or "
                                "none configured); set the key every instance uses, or set the token again"});
  }
}

}  // namespace

bool PreflightReport::passed() const {
  return std::none_of(findings.begin(), findings.end(), [](const CheckFinding& f) { return f.problem; });
}

PreflightReport run_preflight(const Config& config, const ChannelSet& channels, bool offline, const Date& today) {
  PreflightReport report;
  for (const auto& warning : config.warnings) report.findings.push_back({false, warning});
  for (const auto& channel : channels.names()) {
    for (auto& finding : channels.find(channel)->check(channel)) report.findings.push_back(std::move(finding));
  }
  check_accounts(config, channels, today, report.findings);
  if (!offline) check_redis(config, report.findings);
  return report;
}

}  // namespace fabu
