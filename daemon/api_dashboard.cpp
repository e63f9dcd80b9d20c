// The dashboard's routes (README "Dashboard"): GET /v1/dashboard gathers every panel in one reply,
// GET /v1/log feeds the live delivery log, POST /v1/dead/{id}/retry and /drop are the page's Retry and
// Drop buttons. They
// read only what the ledger, the log stream and the reach book already keep.
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "daemon/account_watch.h"
#include "daemon/api_replies.h"
#include "daemon/api_routes.h"
#include "daemon/instance_json.h"
#include "daemon/readiness.h"
#include "dashboard/log_digest.h"

namespace fabu {
namespace {

using api::delivery_json;
using api::json_response;
using nlohmann::json;

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kFollowersWindowMs = 7 * 24 * kHourMs;  // the sparklines' span
constexpr int kFollowersPoints = 500;                           // per account, oldest first
constexpr std::size_t kHourEntries = 20000;                     // log entries read for the last hour
constexpr std::size_t kReleaseScan = 1000;                      // newest log entries searched for releases
constexpr std::size_t kRecentReleases = 20;
constexpr int kDeadShown = 50;

json queue_json(std::int64_t intake_depth, const Result<QueueDepths>& depths) {
  json out = {{"intake", intake_depth}};
  if (!depths) return out;
  out.update({{"queued", depths->queued}, {"retrying", depths->retrying}, {"needs_auth", depths->needs_auth},
              {"due", depths->due}, {"oldest_due_ms", depths->oldest_due_ms}, {"sending", depths->sending},
              {"scheduled", depths->scheduled_releases}, {"dead", depths->dead_letters},
              {"held", depths->held_releases}});
  return out;
}

json finding_json(const InspectionFinding& f) {
  return {{"check", to_string(f.check)},  {"channel", f.channel},
          {"target", f.target},           {"verdict", to_string(f.verdict)},
          {"days", f.days ? json(*f.days) : json()}, {"limit_days", f.limit_days},
          {"detail", f.detail}};
}

// Lanes parked until their token is replaced, and accounts whose token is past its expiry date.
json reauth_json(const std::vector<LaneStatus>& lanes, const std::vector<InspectionFinding>& findings) {
  json out = json::array();
  for (const auto& lane : lanes) {
    if (lane.parked_reason.empty()) continue;
    const auto slash = lane.lane.find('/');
    out.push_back({{"channel", lane.lane.substr(0, slash)},
                   {"account", slash == std::string::npos ? lane.lane : lane.lane.substr(slash + 1)},
                   {"state", "needs_auth"}, {"reason", lane.parked_reason}, {"held", lane.queued}});
  }
  for (const auto& f : findings) {
    if (f.check != InspectionCheck::token_expiry || !f.days || *f.days >= 0) continue;
    out.push_back({{"channel", f.channel}, {"account", f.target}, {"state", "token_expired"},
                   {"reason", f.detail}, {"held", 0}});
  }
  return out;
}

json release_json_of(const RecentRelease& recent, const Result<std::optional<ReleaseRecord>>& record) {
  json out = {{"id", recent.id}, {"logged_ms", recent.at_ms}};
  if (!record || !*record) return out;
  const ReleaseRecord& r = **record;
  out.update({{"revision", r.revision}, {"state", r.state}, {"admitted_ms", r.admitted_ms},
              {"first_out_ms", r.first_out_ms}, {"closed_ms", r.closed_ms}, {"retract_reason", r.retract_reason}});
  return out;
}

// A stream entry id, "<ms>-<seq>": Redis reads both parts as unsigned 64-bit numbers and refuses the
// command (XRANGE) for anything else.
struct StreamId {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;
};

std::optional<std::uint64_t> stream_id_part(std::string_view digits) {
  std::uint64_t value = 0;
  const char* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, value);  // digits only: no sign, no space
  if (digits.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

std::optional<StreamId> parse_stream_id(std::string_view id) {
  const auto dash = id.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto ms = stream_id_part(id.substr(0, dash));
  const auto seq = stream_id_part(id.substr(dash + 1));
  if (!ms || !seq) return std::nullopt;
  return StreamId{*ms, *seq};
}

// The first id after `id`, as XRANGE's start; nullopt after the last id there can be.
std::optional<std::string> stream_id_after(const StreamId& id) {
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  if (id.seq < kMax) return std::to_string(id.ms) + "-" + std::to_string(id.seq + 1);
  if (id.ms < kMax) return std::to_string(id.ms + 1) + "-0";
  return std::nullopt;
}

json entries_json(const std::vector<LogEntry>& entries) {
  json out = json::array();
  for (const auto& e : entries) {
    json line = json::parse(e.line, nullptr, false);
    out.push_back({{"id", e.id}, {"line", line.is_discarded() ? json(e.line) : line}});
  }
  return out;
}

// The registry's entries with their state at `now`; an empty array without a registry.
Result<json> instances_json(InstanceRegistry* registry, std::int64_t now) {
  json out = json::array();
  if (registry == nullptr) return out;
  auto listed = registry->list();
  if (!listed) return fail(listed.error());
  for (const auto& r : *listed) out.push_back(instance_json(r, now));
  return out;
}

}  // namespace

HttpServerResponse ApiRoutes::dashboard(bool can_operate) {
  const std::int64_t now = unix_now_ms();
  json out = {{"instance", instance_}, {"now_ms", now}, {"can_operate", can_operate}};

  std::vector<RecentRelease> recent;
  json last_hour = {{"deliveries", json::object()}, {"intake", json::object()}, {"available", false}};
  {
    std::lock_guard lock(dashboard_mu_);
    if (dashboard_.log) {
      if (auto hour = dashboard_.log->range(std::to_string(now - kHourMs), kHourEntries)) {
        const auto counts = count_outcomes(*hour, now - kHourMs);
        last_hour = {{"deliveries", counts.deliveries}, {"intake", counts.intake}, {"available", true},
                     {"truncated", hour->size() >= kHourEntries}};
      }
      if (auto newest = dashboard_.log->latest(kReleaseScan)) recent = recent_releases(*newest, kRecentReleases);
    }
  }
  out["last_hour"] = last_hour;

  std::vector<InspectionFinding> findings;
  {
    std::lock_guard lock(ledger_mu_);
    auto depth = ledger_->intake_depth();
    if (!depth) return json_response(503, {{"error", depth.error().message}});
    out["queue"] = queue_json(*depth, ledger_->queue_depths(now));

    json dead = json::array();
    if (auto letters = ledger_->dead_letters(kDeadShown)) {
      for (const auto& d : *letters) {
        if (d.dropped) continue;
        json one = delivery_json(d);
        one["release"] = d.release_id;
        dead.push_back(std::move(one));
      }
    }
    out["dead"] = std::move(dead);

    json releases = json::array();
    for (const auto& r : recent) releases.push_back(release_json_of(r, ledger_->release_record(r.id)));
    out["releases"] = std::move(releases);

    if (auto found = inspection_findings(*ledger_, *channels_.get(), now, today_local())) findings = std::move(*found);
    auto lanes = ledger_->lanes();
    out["reauth"] = reauth_json(lanes ? *lanes : std::vector<LaneStatus>{}, findings);
  }
  json inspection = json::array();
  for (const auto& f : findings) inspection.push_back(finding_json(f));
  out["inspection"] = {{"worst", to_string(worst(findings))}, {"findings", std::move(inspection)}};

  std::vector<std::pair<std::string, std::string>> accounts;
  for (const auto& f : findings) {
    if (f.check == InspectionCheck::account_idle) accounts.emplace_back(f.channel, f.target);
  }
  json followers = json::array();
  {
    std::lock_guard lock(dashboard_mu_);
    if (dashboard_.reach) {
      if (auto series = dashboard_.reach->followers_since(accounts, now - kFollowersWindowMs, kFollowersPoints)) {
        for (std::size_t i = 0; i < accounts.size() && i < series->size(); ++i) {
          json points = json::array();
          for (const auto& reading : (*series)[i]) points.push_back({reading.at_ms, reading.followers});
          followers.push_back({{"channel", accounts[i].first}, {"account", accounts[i].second}, {"points", points}});
        }
      }
    }
  }
  out["followers"] = std::move(followers);

  {
    std::lock_guard lock(dashboard_mu_);
    auto instances = instances_json(dashboard_.instances.get(), now);
    out["instances"] = instances ? std::move(*instances) : json::array();
  }
  return json_response(200, out);
}

HttpServerResponse ApiRoutes::instances() {
  std::lock_guard lock(dashboard_mu_);
  auto listed = instances_json(dashboard_.instances.get(), unix_now_ms());
  if (!listed) return json_response(503, {{"error", listed.error().message}});
  return json_response(200, {{"instances", std::move(*listed)}});
}

HttpServerResponse ApiRoutes::log_entries(const HttpServerRequest& request) {
  const auto after_param = request.query_param("after");
  const auto after = after_param ? parse_stream_id(*after_param) : std::nullopt;
  if (after_param && !after) {
    return json_response(422, {{"error", "after: expected a log entry id such as 1765000000123-0, both parts whole "
                                         "numbers from 0 to 18446744073709551615"}});
  }
  const auto limit = api::limit_of(request, 100);
  if (!limit) return limit.error();
  const auto from = after ? stream_id_after(*after) : std::nullopt;
  std::lock_guard lock(dashboard_mu_);
  if (!dashboard_.log) return json_response(200, {{"entries", json::array()}, {"stream", false}});
  if (after && !from) return json_response(200, {{"entries", json::array()}, {"stream", true}});  // nothing after
  const auto count = static_cast<std::size_t>(*limit);
  auto entries = from ? dashboard_.log->range(*from, count) : dashboard_.log->latest(count);
  if (!entries) return json_response(503, {{"error", entries.error().message}});
  return json_response(200, {{"entries", entries_json(*entries)}, {"stream", true}});
}

// Retry requeues the dead letter (attempts start over); drop takes it out of the dead-letter record for
// good, its state staying dead (as fabuctl dlq retry / drop).
HttpServerResponse ApiRoutes::dead_letter_action(const std::vector<std::string>& path, const std::string& caller) {
  const std::string& id = path[2];
  const bool retry = path[3] == "retry";
  if (!retry && path[3] != "drop") return json_response(404, {{"error", "no such endpoint"}});
  Result<bool> done;
  {
    std::lock_guard lock(ledger_mu_);
    done = retry ? ledger_->retry_dead(id, unix_now_ms()) : ledger_->drop_dead(id);
  }
  if (!done) return json_response(503, {{"error", done.error().message}});
  if (!*done) return json_response(404, {{"error", "delivery '" + id + "' is not a dead letter"}});
  log_.operator_action(operator_event(retry ? "dlq_retry" : "dlq_drop", caller, "api", {{"ids", json::array({id})}}));
  return json_response(200, {{"id", id}, {retry ? "retried" : "dropped", true}});
}

}  // namespace fabu
