#include "daemon/scrape_metrics.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "daemon/account_watch.h"
#include "metrics/metrics.h"

namespace fabu {
namespace {

constexpr std::string_view kAccountStates[] = {"active", "needs_auth", "token_expired", "breaker_open", "slowed"};

// Unix seconds of the midnight (local time) that ends `date`: a token is valid through its expiry date.
std::int64_t end_of_day(const Date& date) {
  std::tm t{};
  t.tm_year = date.year - 1900;
  t.tm_mon = date.month - 1;
  t.tm_mday = date.day + 1;  // mktime normalises the day after the month's last
  t.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&t));
}

std::string channel_of(const std::string& lane) { return lane.substr(0, lane.find('/')); }

void lane_metrics(MetricsRegistry& registry, const std::vector<LaneStatus>& lanes, const std::set<std::string>& expired,
                  std::int64_t now_ms) {
  auto& accounts = registry.gauge("fabu_accounts", "Account lanes by state (each lane counts in one state).",
                                  {"channel", "state"});
  double parked = 0, queued = 0, in_flight = 0;
  for (const auto& lane : lanes) {
    const std::string channel = channel_of(lane.lane);
    for (auto state : kAccountStates) accounts.with({channel, state});  // every state shows, 0 or not
    accounts.with({channel, account_state(lane, expired.contains(lane.lane), now_ms)}).add(1);
    parked += lane.parked_reason.empty() ? 0 : 1;
    queued += lane.queued;
    in_flight += lane.in_flight;
  }
  registry.gauge("fabu_accounts_needs_auth", "Lanes (accounts) parked until their token is replaced.")
      .with({})
      .set(parked);
  registry.gauge("fabu_deliveries_queued", "Deliveries in the lanes' queues (due now or later).").with({}).set(queued);
  registry.gauge("fabu_deliveries_in_flight", "Deliveries being sent by all instances.").with({}).set(in_flight);
}

void depth_metrics(MetricsRegistry& registry, const QueueDepths& d, std::int64_t now_ms) {
  auto& by_state = registry.gauge("fabu_queue_deliveries", "Deliveries waiting in the lanes or being sent, by state.",
                                  {"state"});
  by_state.with({"queued"}).set(static_cast<double>(d.queued));
  by_state.with({"retrying"}).set(static_cast<double>(d.retrying));
  by_state.with({"needs_auth"}).set(static_cast<double>(d.needs_auth));
  by_state.with({"sending"}).set(static_cast<double>(d.sending));
  registry.gauge("fabu_queue_due_deliveries", "Deliveries in the lanes whose due time has come.")
      .with({})
      .set(static_cast<double>(d.due));
  registry
      .gauge("fabu_queue_oldest_due_age_seconds",
             "How long the longest-waiting due delivery has been due (0 when none is due).")
      .with({})
      .set(d.oldest_due_ms < 0 ? 0.0 : static_cast<double>(std::max<std::int64_t>(now_ms - d.oldest_due_ms, 0)) / 1000.0);
  registry.gauge("fabu_scheduled_releases", "Releases due later (publish_at in the future).")
      .with({})
      .set(static_cast<double>(d.scheduled_releases));
  registry.gauge("fabu_dead_letters", "Dead deliveries not yet retried or dropped (fabuctl dlq list).")
      .with({})
      .set(static_cast<double>(d.dead_letters));
  registry.gauge("fabu_held_releases", "Releases the privacy screen holds for review (fabuctl held).")
      .with({})
      .set(static_cast<double>(d.held_releases));
}

}  // namespace

std::string_view account_state(const LaneStatus& lane, bool token_expired, std::int64_t now_ms) {
  if (!lane.parked_reason.empty()) return "needs_auth";
  if (token_expired) return "token_expired";
  if (lane.breaker_until_ms > now_ms) return "breaker_open";
  if (lane.slow_until_ms > now_ms) return "slowed";
  return "active";
}

void render_queue_metrics(std::string& out, DeliveryLedger& ledger, const ChannelSet& channels, std::int64_t now_ms,
                          const Date& today) {
  MetricsRegistry registry;
  const auto depth = ledger.intake_depth();
  registry.gauge("fabu_redis_up", "Whether this instance can reach Redis.").with({}).set(depth ? 1 : 0);
  if (!depth) {
    registry.render(out);
    return;
  }
  registry.gauge("fabu_intake_depth", "Releases queued and not yet admitted.").with({}).set(static_cast<double>(*depth));

  std::vector<TokenOverride> overrides;
  if (auto stored = ledger.token_overrides()) overrides = std::move(stored->overrides);
  auto& expiry = registry.gauge("fabu_token_expiry_timestamp_seconds",
                                "When an account's token expires: the end of its token_expires day, local time (unix time).",
                                {"channel", "account"});
  std::set<std::string> expired;
  for (const auto& [channel, account_and_date] : token_expiries(channels, overrides)) {
    const int days = days_between(today, account_and_date.second);
    expiry.with({channel, account_and_date.first.id}).set(static_cast<double>(end_of_day(account_and_date.second)));
    if (days < 0) expired.insert(account_and_date.first.lane);
  }
  if (auto lanes = ledger.lanes()) lane_metrics(registry, *lanes, expired, now_ms);
  if (auto depths = ledger.queue_depths(now_ms)) depth_metrics(registry, *depths, now_ms);
  registry.render(out);
}

}  // namespace fabu
