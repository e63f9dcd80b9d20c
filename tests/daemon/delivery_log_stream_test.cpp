// DeliveryLog with a real Redis stream: events wait for flush(), which sends them in order with time
// and level added.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon/delivery_log.h"
#include "tests/support/test_redis_config.h"

namespace fabu::testing {
namespace {

TEST(DeliveryLogStream, EventsGoToTheStreamOnFlushInOrder) {
  const RedisConfig config = shared_redis_config();
  DeliveryLog log(nullptr, std::make_unique<LedgerLog>(config, 1000));
  ClaimedDelivery delivery;
  delivery.release_id = "r-1";
  delivery.channel = "microblog";
  delivery.destination = "county_a";
  Completion delivered;
  delivered.outcome = CompletionOutcome::delivered;
  delivered.receipt.post_id = "49000";
  Completion dead;
  dead.outcome = CompletionOutcome::dead;
  dead.error = "content rejected";
  dead.error_kind = FailureKind::permanent;
  log.intake("admitted", "r-1", "1 delivery");
  log.record(delivery, delivered, 12);
  log.record(delivery, dead, 3);

  LedgerLog reader(config, 1000);
  auto before = reader.range("-", 10);
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_TRUE(before->empty()) << "nothing is sent before flush()";
  log.flush();
  auto after = reader.range("-", 10);
  ASSERT_TRUE(after) << after.error().message;
  ASSERT_EQ(after->size(), 3u);
  const auto first = nlohmann::json::parse((*after)[0].line);
  const auto second = nlohmann::json::parse((*after)[1].line);
  const auto third = nlohmann::json::parse((*after)[2].line);
  EXPECT_EQ(first["event"], "admitted");
  EXPECT_EQ(second["outcome"], "delivered");
  EXPECT_EQ(second["post_id"], "49000");
  EXPECT_EQ(second["level"], "info");
  EXPECT_TRUE(second.contains("time"));
  EXPECT_EQ(third["outcome"], "dead");
  EXPECT_EQ(third["level"], "warning");
  EXPECT_EQ(third["error_kind"], "permanent");
  EXPECT_EQ(log.count(CompletionOutcome::delivered), 1);
}

}  // namespace
}  // namespace fabu::testing
