// The fixture of the tests of packed deliveries (queue/lua_settled.h): the ledger, a direct Redis
// connection to look at its keys, and helpers that claim, complete and pack. Real redis-server.
#pragma once

#include <set>

#include "queue/lua_prelude.h"
#include "queue/lua_scripts.h"
#include "queue/lua_settled.h"
#include "queue/redis_connection.h"
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {

class SettledTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    redis_ = std::make_unique<RedisConnection>(config_);
  }

  std::string key(const std::string& name) const { return config_.prefix + ":{" + config_.prefix + "}:" + name; }

  // The names of the keys of the ledger matching `pattern` (after the key base).
  std::vector<std::string> keys(const std::string& pattern) {
    auto reply = redis_->command({"KEYS", key(pattern)});
    EXPECT_TRUE(reply) << reply.error().message;
    std::vector<std::string> out;
    if (!reply) return out;
    for (std::size_t i = 0; i < reply_size(reply->get()); ++i) out.push_back(reply_string(reply_at(reply->get(), i)));
    return out;
  }

  std::int64_t memory_usage(const std::string& name) {
    auto reply = redis_->command({"MEMORY", "USAGE", key(name), "SAMPLES", "0"});
    EXPECT_TRUE(reply) << reply.error().message;
    return reply ? reply_integer(reply->get()) : 0;
  }

  // Turns a compacted release back into the layout fabu wrote before compaction existed.
  void write_old_layout(const std::string& release_id) {
    const RedisScript script{"old_layout", std::string(lua::kPrelude) + lua::kSettled + "unpack_release(ARGV[2])"};
    auto reply = redis_->eval(script, {key("serial")}, {key(""), release_id});
    ASSERT_TRUE(reply) << reply.error().message;
  }

  std::vector<DeliveryStatus> deliveries(const std::string& release_id) {
    auto all = ledger_->deliveries_of(release_id);
    EXPECT_TRUE(all) << all.error().message;
    return all ? *all : std::vector<DeliveryStatus>{};
  }

  // A release to `n` accounts, each on its own lane: more deliveries than one chunk packs.
  static AdmitRequest wide(const std::string& release_id, int n) {
    std::vector<DeliverySpec> specs;
    for (int i = 0; i < n; ++i) {
      const std::string account = "a" + std::to_string(i);
      specs.push_back(spec("microblog", account, "microblog/" + account));
    }
    return request(release_id, std::move(specs));
  }

  // Claims and completes, in batches, everything due at `now`: the ids in `dying` die, the rest are
  // delivered.
  void complete_all(std::int64_t now, const std::set<std::string>& dying = {}) {
    for (auto claimed = claim(now, 500); !claimed.empty(); claimed = claim(now, 500)) {
      std::vector<Completion> batch;
      for (const auto& d : claimed) {
        const bool dies = dying.contains(d.id);
        batch.push_back(completion(d.id, d.attempt, dies ? CompletionOutcome::dead : CompletionOutcome::delivered, 0,
                                   dies ? "content rejected" : ""));
      }
      auto applied = ledger_->apply_completions(batch, now);
      ASSERT_TRUE(applied) << applied.error().message;
    }
  }

  // One call of pack_settled, as the retention sweep makes it: {deliveries packed, releases left}.
  std::pair<std::int64_t, std::int64_t> pack_step() {
    auto reply = redis_->eval(lua::pack_settled, {key("serial")}, {key("")});
    EXPECT_TRUE(reply) << reply.error().message;
    if (!reply) return {-1, -1};
    return {reply_integer(reply_at(reply->get(), 0)), reply_integer(reply_at(reply->get(), 1))};
  }

  std::int64_t packing() {
    auto reply = redis_->command({"ZCARD", key("packing")});
    EXPECT_TRUE(reply) << reply.error().message;
    return reply ? reply_integer(reply->get()) : -1;
  }

  std::unique_ptr<RedisConnection> redis_;
};

inline constexpr int kChunk = 500;  // PACK_CHUNK in queue/lua_settled.h

}  // namespace fabu::testing
