// The complete script enters the post of each delivery it records as delivered in the reach book, in
// the same step (queue/lua_reach.h): a stale result, a failure or a completion without a note enters
// nothing, and what it enters is read at the checkpoints like a post reach_add_posts entered. Real
// redis-server.
#include "queue/reach_book.h"
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

constexpr std::int64_t kDayMs = 24 * 3'600'000LL;

class LedgerReachTest : public LedgerTest {
 protected:
  static Completion noted(const ClaimedDelivery& d, CompletionOutcome outcome, std::int64_t now, int attempt = 0) {
    Completion c = completion(d.id, attempt > 0 ? attempt : d.attempt, outcome, now + 1000, "timeout");
    c.reach = ReachNote{{d.release_id, d.channel, d.destination, "41000000" + d.destination, now}, 400 * kDayMs};
    return c;
  }

  std::unique_ptr<ReachBook> book_;
  void SetUp() override {
    LedgerTest::SetUp();
    book_ = make_redis_reach_book(config_, 400);
  }
};

TEST_F(LedgerReachTest, ADeliveryRecordedAsDeliveredIsFollowedFromTheSameStep) {
  admit(request("r1", {spec("microblog", "lead", "microblog/lead"), spec("microblog", "second", "microblog/second"),
                       spec("microblog", "third", "microblog/third")}));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 3u);
  std::map<std::string, ClaimedDelivery> by_account;
  for (const auto& d : claimed) by_account[d.destination] = d;

  const std::int64_t at = T0 + 5;
  auto applied = ledger_->apply_completions(
      {noted(by_account["lead"], CompletionOutcome::delivered, at),
       noted(by_account["second"], CompletionOutcome::delivered, at, by_account["second"].attempt + 1),  // stale
       noted(by_account["third"], CompletionOutcome::retry, at)},
      at);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(*applied, (std::vector<bool>{true, false, true}));

  auto reach = book_->release_reach("r1");
  ASSERT_TRUE(reach) << reach.error().message;
  ASSERT_EQ(reach->size(), 1u) << "only the delivery recorded as delivered";
  EXPECT_EQ((*reach)[0].account, "lead");
  EXPECT_EQ((*reach)[0].post_id, "41000000lead");

  auto due = book_->claim_due(checkpoint_due_ms(at, 0), 100, std::chrono::minutes(10));
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].post.release, "r1");
  EXPECT_EQ((*due)[0].post.channel, "microblog");
  EXPECT_EQ((*due)[0].post.account, "lead");
  EXPECT_EQ((*due)[0].post.post_id, "41000000lead");
  EXPECT_EQ((*due)[0].post.delivered_ms, at);
  EXPECT_EQ((*due)[0].checkpoint, 0u);

  // The same result again (a replayed batch) is fenced off and enters nothing twice.
  auto replay = ledger_->apply_completions({noted(by_account["lead"], CompletionOutcome::delivered, at)}, at);
  ASSERT_TRUE(replay);
  EXPECT_EQ(*replay, (std::vector<bool>{false}));
  EXPECT_EQ(book_->release_reach("r1")->size(), 1u);
}

TEST_F(LedgerReachTest, ACompletionWithoutANoteEntersNothing) {
  admit(request("r1", {spec("microblog", "lead", "microblog/lead")}));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(finish(claimed[0], CompletionOutcome::delivered, T0 + 1));
  auto reach = book_->release_reach("r1");
  ASSERT_TRUE(reach);
  EXPECT_TRUE(reach->empty());
  auto due = book_->claim_due(T0 + 30 * kDayMs, 100, std::chrono::minutes(10));
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->empty());
}

}  // namespace
}  // namespace fabu::testing
