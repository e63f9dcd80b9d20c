// What one fabud counts for GET /metrics, and how an account lane's state is named.
#include "daemon/daemon_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/version.h"
#include "daemon/scrape_metrics.h"

namespace fabu {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string rendered(const DaemonMetrics& metrics) {
  std::string out;
  metrics.render(out);
  return out;
}

TEST(DaemonMetrics, BuildInfoAndEveryRejectReasonShowBeforeAnythingHappens) {
  const DaemonMetrics metrics;
  const std::string text = rendered(metrics);
  EXPECT_THAT(text, HasSubstr("fabu_build_info{version=\"" + std::string(version()) + "\",revision=\"" +
                              std::string(revision()) + "\"} 1\n"));
  for (const char* reason : {"format", "invalid", "approval", "unplannable", "unexaminable", "poison", "no_release",
                             "conflict", "stale", "refused"}) {
    EXPECT_THAT(text, HasSubstr("fabu_releases_rejected_total{reason=\"" + std::string(reason) + "\"} 0\n"));
  }
  EXPECT_THAT(text, HasSubstr("fabu_releases_total{result=\"admitted\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE fabu_delivery_duration_seconds histogram\n"));
}

TEST(DaemonMetrics, DeliveriesAreCountedByChannelAndOutcomeAndTimedInSeconds) {
  DaemonMetrics metrics;
  metrics.delivery("microblog", DeliveryOutcome::delivered, 0.2);
  metrics.delivery("microblog", DeliveryOutcome::delivered, 3.0);
  metrics.delivery("microblog", DeliveryOutcome::breaker_hold, std::nullopt);
  metrics.delivery("portal", DeliveryOutcome::dead, 0.01);
  metrics.rejected(RejectReason::approval);
  metrics.intake("admitted");
  const std::string text = rendered(metrics);
  EXPECT_THAT(text, HasSubstr("fabu_deliveries_total{channel=\"microblog\",outcome=\"delivered\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("fabu_deliveries_total{channel=\"microblog\",outcome=\"breaker_hold\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("fabu_deliveries_total{channel=\"portal\",outcome=\"dead\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("fabu_delivery_duration_seconds_bucket{channel=\"microblog\",le=\"0.25\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("fabu_delivery_duration_seconds_bucket{channel=\"microblog\",le=\"5\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("fabu_delivery_duration_seconds_count{channel=\"microblog\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("fabu_delivery_duration_seconds_sum{channel=\"microblog\"} 3.2\n"));
  EXPECT_THAT(text, HasSubstr("fabu_releases_rejected_total{reason=\"approval\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("fabu_releases_total{result=\"rejected\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("fabu_releases_total{result=\"admitted\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("outcome=\"rate_limited\"")));
}

TEST(DaemonMetrics, AnAccountLaneIsInTheFirstStateThatApplies) {
  LaneStatus lane;
  EXPECT_EQ(account_state(lane, false, 1000), "active");
  lane.slow_until_ms = 2000;
  EXPECT_EQ(account_state(lane, false, 1000), "slowed");
  lane.breaker_until_ms = 2000;
  EXPECT_EQ(account_state(lane, false, 1000), "breaker_open");
  EXPECT_EQ(account_state(lane, false, 3000), "active") << "both ran out";
  EXPECT_EQ(account_state(lane, true, 1000), "token_expired");
  lane.parked_reason = "21327 expired_token";
  EXPECT_EQ(account_state(lane, true, 1000), "needs_auth");
}

}  // namespace
}  // namespace fabu
