// GET /metrics from a real fabud after a real run against the sandbox: the text passes
// `promtool check metrics` (Debian's prometheus package), and the counters agree with what the sandbox
// itself counted.
#include <ctime>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

using ::testing::HasSubstr;

const std::string kMetricsReadToken = "apitok-metrics-read-0123456789";

// The value of one sample line ("name{labels} value"), or -1 when the text has no such line.
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

// What promtool says about the text (its stdout and stderr) and its exit status.
std::pair<std::string, int> promtool_check(const std::string& text) {
  std::string said;
  const int status = run_shell("promtool check metrics", said, text);
  return {said, status};
}

std::int64_t stat_of(const nlohmann::json& stats, const std::string& endpoint, const std::string& outcome) {
  const auto& endpoints = stats["endpoints"];
  if (!endpoints.contains(endpoint) || !endpoints[endpoint].contains(outcome)) return 0;
  return endpoints[endpoint][outcome].get<std::int64_t>();
}

TEST(MetricsE2E, AfterARunWithFaultsTheMetricsPassPromtoolAndMatchTheSandboxsCounts) {
  const int api_port = free_port();
  HarnessOptions o{.sandbox_args = {"--p-5xx", "0.25", "--p-rate-limit", "0.15", "--seed", "7"},
                   .members = {{"county_a"}, {"county_b"}, {"county_c", "county", "post", 0, 0, "2099-01-01"}},
                   .api_port = api_port};
  o.retry_extra_toml = "breaker_failures = 0\n";  // every failure reaches the sandbox (no holds)
  o.microblog_extra_toml = "rate_limit_wait_seconds = 1\n";
  o.api_tokens = {{"grafana", R"(["read"])", kMetricsReadToken}};
  Harness h(o);
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();

  for (int i = 0; i < 4; ++i) {
    h.enqueue(release_json("metrics-" + std::to_string(i), R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
  }
  h.enqueue(release_json("metrics-unknown-target", R"({"microblog":["lead","nobody"]})"));
  h.enqueue("{not json");
  for (int i = 0; i < 4; ++i) {
    const std::string id = "metrics-" + std::to_string(i);
    ASSERT_TRUE(Harness::eventually([&] { return h.settled(id); }, std::chrono::seconds(60))) << h.log_of();
  }
  ASSERT_TRUE(Harness::eventually([&] { return h.ledger().intake_depth().value_or(1) == 0; })) << h.log_of();

  const auto metrics = http_request(api_port, "GET", "/metrics", {}, {}, kMetricsReadToken);
  ASSERT_EQ(metrics.status, 200);
  const std::string& text = metrics.body;
  const auto [said, status] = promtool_check(text);
  EXPECT_EQ(said, "") << text;
  EXPECT_EQ(status, 0) << said;

  const auto stats = nlohmann::json::parse(http_request(h.sandbox().port(), "GET", "/_sandbox/stats").body);
  const std::string share = "statuses/share.json";
  const std::int64_t posted = stat_of(stats, share, "ok");
  const std::int64_t server_errors = stat_of(stats, share, "fault_5xx");
  const std::int64_t rate_limits = stat_of(stats, share, "fault_rate_limit");
  EXPECT_EQ(posted, 16) << stats.dump();  // 4 releases x (lead + 3 members)
  EXPECT_GT(server_errors + rate_limits, 0) << "the run should have seen faults: " << stats.dump();

  const auto deliveries = [&](const std::string& channel, const std::string& outcome) {
    return sample(text, "fabu_deliveries_total{channel=\"" + channel + "\",outcome=\"" + outcome + "\"}");
  };
  EXPECT_EQ(deliveries("microblog", "delivered"), posted) << text;
  EXPECT_EQ(std::max(deliveries("microblog", "retrying"), 0.0), server_errors) << text;
  EXPECT_EQ(std::max(deliveries("microblog", "rate_limited"), 0.0), rate_limits) << text;
  EXPECT_EQ(deliveries("microblog", "breaker_hold"), -1) << "the breaker is off: no holds";
  EXPECT_EQ(deliveries("portal", "delivered"), 4) << text;
  // Every attempt the sandbox answered was timed.
  EXPECT_EQ(sample(text, "fabu_delivery_duration_seconds_count{channel=\"microblog\"}"),
            posted + server_errors + rate_limits) << text;
  EXPECT_EQ(sample(text, "fabu_delivery_duration_seconds_bucket{channel=\"microblog\",le=\"+Inf\"}"),
            posted + server_errors + rate_limits);

  EXPECT_EQ(sample(text, "fabu_releases_total{result=\"admitted\"}"), 4) << text;
  EXPECT_EQ(sample(text, "fabu_releases_rejected_total{reason=\"unplannable\"}"), 1) << text;
  EXPECT_EQ(sample(text, "fabu_releases_rejected_total{reason=\"invalid\"}"), 1) << text;
  EXPECT_EQ(sample(text, "fabu_releases_total{result=\"rejected\"}"), 2) << text;

  // The queue is empty after the run; the gauges read Redis at the scrape.
  EXPECT_EQ(sample(text, "fabu_redis_up"), 1);
  EXPECT_EQ(sample(text, "fabu_intake_depth"), 0);
  EXPECT_EQ(sample(text, "fabu_queue_deliveries{state=\"queued\"}"), 0) << text;
  EXPECT_EQ(sample(text, "fabu_queue_deliveries{state=\"retrying\"}"), 0) << text;
  EXPECT_EQ(sample(text, "fabu_queue_oldest_due_age_seconds"), 0) << text;
  EXPECT_EQ(sample(text, "fabu_dead_letters"), 0) << text;
  // A rate limit slows its account for a second, so an account may still be "slowed".
  EXPECT_EQ(sample(text, "fabu_accounts{channel=\"microblog\",state=\"active\"}") +
                sample(text, "fabu_accounts{channel=\"microblog\",state=\"slowed\"}"),
            4) << text;
  EXPECT_EQ(sample(text, "fabu_accounts{channel=\"microblog\",state=\"needs_auth\"}"), 0) << text;
  EXPECT_EQ(sample(text, "fabu_accounts{channel=\"portal\",state=\"active\"}"), 1) << text;
  // Reach is on by default: its counters, the shared budget and the followers family are exported.
  EXPECT_EQ(sample(text, "fabu_reach_budget_limit_calls"), 1000) << text;
  EXPECT_GE(sample(text, "fabu_reach_budget_used_calls"), 0) << text;
  EXPECT_GE(sample(text, "fabu_reach_calls_total"), 0) << text;
  EXPECT_THAT(text, HasSubstr("# TYPE fabu_account_followers gauge"));
  // 2099-01-01 ends at the local midnight into 2099-01-02 (4070995200 is that midnight in UTC; local
  // time is UTC-12 to UTC+14).
  const double expires = sample(text, "fabu_token_expiry_timestamp_seconds{channel=\"microblog\",account=\"county_c\"}");
  EXPECT_GE(expires, 4070995200.0 - 14 * 3600) << text;
  EXPECT_LE(expires, 4070995200.0 + 12 * 3600) << text;
  EXPECT_THAT(text, HasSubstr("\nfabu_build_info{version=\""));
  // The only instance owns every lane: as many as `fabuctl lanes --json` lists.
  std::string lanes;
  ASSERT_EQ(run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " lanes --json", lanes), 0) << lanes;
  const auto listed = nlohmann::json::parse(lanes, nullptr, false);
  ASSERT_TRUE(listed.is_object()) << lanes;
  ASSERT_GT(listed["lanes"].size(), 0u) << lanes;
  EXPECT_EQ(sample(text, "fabu_lanes_owned"), static_cast<double>(listed["lanes"].size())) << text;
}

TEST(MetricsE2E, QueueGaugesSeeDueAndScheduledWork) {
  const int api_port = free_port();
  HarnessOptions o{.members = {{"county_a"}}, .api_port = api_port};
  o.api_tokens = {{"grafana", R"(["read"])", kMetricsReadToken}};
  Harness h(o);
  // A release due in 2099 is admitted and waits in its lane, not yet due.
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  auto doc = nlohmann::json::parse(release_json("metrics-later", R"({"portal":["tzgg"],"microblog":["lead"]})"));
  doc["publish_at"] = "2099-01-01T09:00:00+08:00";
  h.enqueue(signed_release(doc.dump()));
  ASSERT_TRUE(Harness::eventually([&] { return !h.deliveries("metrics-later").empty(); })) << h.log_of();
  const auto text = http_request(api_port, "GET", "/metrics", {}, {}, kMetricsReadToken).body;
  EXPECT_EQ(sample(text, "fabu_scheduled_releases"), 1) << text;
  EXPECT_EQ(sample(text, "fabu_queue_deliveries{state=\"queued\"}"), 1) << "the article; the post waits on it: " << text;
  EXPECT_EQ(sample(text, "fabu_queue_due_deliveries"), 0) << text;
  EXPECT_EQ(sample(text, "fabu_queue_oldest_due_age_seconds"), 0) << text;
}

// fabuctl inspect after a run: the accounts and the column that had posts pass, the account that had
// none fails (exit 1), the column that had none warns (one empty column is no veto), and /metrics
// carries the same verdicts.
TEST(MetricsE2E, InspectFlagsTheIdleAccountAndTheColumnNothingWasDeliveredTo) {
  const int api_port = free_port();
  HarnessOptions o{.members = {{"county_a"}, {"county_idle"}}, .api_port = api_port};
  o.api_tokens = {{"grafana", R"(["read"])", kMetricsReadToken}};
  Harness h(o);
  write_file(h.config_path(), read_file(h.config_path()) + "\n[inspection]\nidle_days = 14\nidle_warn_days = 10\n"
                                                            "[inspection.column_days]\ntzgg = 180\nzcjd = 14\n");
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  h.enqueue(release_json("inspect-1", R"({"portal":["tzgg"],"microblog":["lead","county_a"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("inspect-1"); })) << h.log_of();

  std::string out;
  const int rc = run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " inspect --json", out);
  EXPECT_EQ(rc, 1) << out;
  const auto doc = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << out;
  EXPECT_EQ(doc["verdict"], "fail");
  std::map<std::string, std::string> verdicts;
  for (const auto& f : doc["findings"]) {
    verdicts[f["check"].get<std::string>() + " " + f["target"].get<std::string>()] = f["verdict"];
  }
  EXPECT_EQ(verdicts["account_idle lead_acct"], "ok") << out;
  EXPECT_EQ(verdicts["account_idle county_a"], "ok") << out;
  EXPECT_EQ(verdicts["account_idle county_idle"], "fail") << out;
  EXPECT_EQ(verdicts["column_stale tzgg"], "ok") << out;
  EXPECT_EQ(verdicts["column_stale zcjd"], "warn") << out;
  EXPECT_EQ(verdicts["column_veto columns"], "warn") << out;
  EXPECT_EQ(verdicts["home_page home"], "ok") << out;  // tzgg's article is on the home page

  std::string table;
  EXPECT_EQ(run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " inspect", table), 1);
  EXPECT_THAT(table, HasSubstr("county_idle")) << table;
  EXPECT_THAT(table, HasSubstr("1 fail")) << table;

  const auto text = http_request(api_port, "GET", "/metrics", {}, {}, kMetricsReadToken).body;
  EXPECT_EQ(sample(text, "fabu_inspection_status{check=\"account_idle\",channel=\"microblog\",target=\"county_idle\"}"), 2)
      << text;
  EXPECT_EQ(sample(text, "fabu_inspection_status{check=\"account_idle\",channel=\"microblog\",target=\"county_a\"}"), 0);
  EXPECT_EQ(sample(text, "fabu_account_last_post_timestamp_seconds{channel=\"microblog\",account=\"county_idle\"}"), -1)
      << "nothing recorded, no series: " << text;
  const double now_s = static_cast<double>(std::time(nullptr));
  EXPECT_NEAR(sample(text, "fabu_account_last_post_timestamp_seconds{channel=\"microblog\",account=\"county_a\"}"),
              now_s, 60) << text;
  EXPECT_NEAR(sample(text, "fabu_portal_column_last_update_timestamp_seconds{channel=\"portal\",column=\"tzgg\"}"),
              now_s, 60) << text;
  EXPECT_EQ(sample(text, "fabu_inspection_findings{check=\"column_stale\",verdict=\"warn\"}"), 1) << text;
  EXPECT_EQ(sample(text, "fabu_inspection_status{check=\"column_veto\",channel=\"portal\",target=\"columns\"}"), 1)
      << text;
  EXPECT_EQ(sample(text, "fabu_inspection_status{check=\"home_page\",channel=\"portal\",target=\"home\"}"), 0) << text;
  EXPECT_NEAR(sample(text, "fabu_portal_home_last_update_timestamp_seconds{channel=\"portal\"}"), now_s, 60) << text;
  std::string said;
  EXPECT_EQ(run_shell("promtool check metrics", said, text), 0) << said;
  EXPECT_EQ(said, "");
}

}  // namespace
}  // namespace fabu::testing
