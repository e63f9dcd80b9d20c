// LedgerLog against a real Redis: pipelined appends in order, the MAXLEN cap, reading by time and
// waiting for new entries.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "queue/ledger_log.h"
#include "tests/support/test_redis_config.h"

namespace fabu::testing {
namespace {

std::string line(int n) { return R"({"event":"delivery","n":)" + std::to_string(n) + "}"; }

TEST(LedgerLog, KeyIsTheHashTaggedLogName) {
  RedisConfig config;
  config.prefix = "pfx";
  EXPECT_EQ(LedgerLog::key_for(config), "pfx:{pfx}:log");
}

TEST(LedgerLog, AppendsInOrderAndReadsFromAnId) {
  const RedisConfig config = shared_redis_config();
  LedgerLog log(config, 1000);
  ASSERT_TRUE(log.append({line(1), line(2), line(3)}));
  auto all = log.range("-", 10);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ((*all)[i].line, line(i + 1));
  // Paging: from the id after the first entry, the other two.
  auto rest = log.range(next_stream_id((*all)[0].id), 10);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].line, line(2));
  // A time after the last entry: nothing.
  auto later = log.range(std::to_string(std::stoll(all->back().id) + 60'000), 10);
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->empty());
}

TEST(LedgerLog, LatestIsTheNewestEntriesOldestFirst) {
  const RedisConfig config = shared_redis_config();
  LedgerLog log(config, 1000);
  auto none = log.latest(5);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(log.append({line(1), line(2), line(3), line(4)}));
  auto newest = log.latest(2);
  ASSERT_TRUE(newest);
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_EQ((*newest)[0].line, line(3));
  EXPECT_EQ((*newest)[1].line, line(4));
  EXPECT_EQ(log.latest(10)->size(), 4u);
}

TEST(LedgerLog, StaysNearItsCap) {
  const RedisConfig config = shared_redis_config();
  LedgerLog log(config, 10);
  std::vector<std::string> batch;
  for (int i = 0; i < 100; ++i) batch.push_back(line(i));
  for (int round = 0; round < 10; ++round) ASSERT_TRUE(log.append(batch));
  auto all = log.range("-", 5000);
  ASSERT_TRUE(all);
  // MAXLEN ~ trims whole radix-tree nodes (100 entries by default), never below the cap.
  EXPECT_GE(all->size(), 10u);
  EXPECT_LE(all->size(), 200u);
  EXPECT_EQ(all->back().line, line(99));
}

TEST(LedgerLog, ReadAfterWaitsForANewEntry) {
  const RedisConfig config = shared_redis_config();
  LedgerLog reader(config, 1000);
  std::thread writer([config] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    LedgerLog log(config, 1000);
    EXPECT_TRUE(log.append({line(7)}));
  });
  auto fresh = reader.read_after("$", std::chrono::seconds(5), 10);
  writer.join();
  ASSERT_TRUE(fresh) << fresh.error().message;
  ASSERT_EQ(fresh->size(), 1u);
  EXPECT_EQ((*fresh)[0].line, line(7));
  // Nothing newer: the wait ends empty.
  auto none = reader.read_after((*fresh)[0].id, std::chrono::milliseconds(100), 10);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(LedgerLog, NextStreamId) {
  EXPECT_EQ(next_stream_id("5-1"), "5-2");
  EXPECT_EQ(next_stream_id("1765000000123-0"), "1765000000123-1");
}

}  // namespace
}  // namespace fabu::testing
