// The reach poller's rounds with a simulated clock: checkpoints at +1h..+7d, batches of at most 100
// ids per account, followers every interval, and the hourly call budget.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "reach/reach_poller.h"
#include "tests/reach/memory_reach_book.h"

namespace fabu {
namespace {

using testing::MemoryReachBook;

constexpr std::int64_t T0 = 1'800'000'000'000 - 1'800'000'000'000 % 3'600'000;  // on an hour
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

// Answers every read with counts that grow with the (simulated) time, and records each call.
class FakeSource final : public ReachSource {
 public:
  std::vector<Account> accounts() override { return account_list; }
  Result<std::vector<AccountCounts>> account_counts(const std::string& channel,
                                                    const std::vector<std::string>& accounts) override {
    follower_calls.push_back(accounts.size());
    EXPECT_LE(accounts.size(), kReachIdsPerCall);
    if (expired.contains(accounts.front())) return fail(Error::auth("token of " + accounts.front() + " expired"));
    std::vector<AccountCounts> out;
    for (const auto& account : accounts) out.push_back({account, 1000 + (*now - T0) / kHour, 1, 1});
    (void)channel;
    return out;
  }
  Result<std::vector<PostCounts>> post_counts(const std::string& channel, const std::string& account,
                                              const std::vector<std::string>& post_ids) override {
    (void)channel;
    post_calls.push_back({account, post_ids.size()});
    EXPECT_LE(post_ids.size(), kReachIdsPerCall);
    if (fail_next > 0) {
      --fail_next;
      return fail(Error::transient("platform down"));
    }
    if (removed.contains(account)) return fail(Error::config("account '" + account + "' is not configured"));
    std::vector<PostCounts> out;
    for (const auto& id : post_ids) {
      if (gone.contains(id)) continue;
      out.push_back({id, (*now - T0) / kHour, 0, 2 * (*now - T0) / kHour});
    }
    return out;
  }

  const std::int64_t* now = nullptr;
  std::vector<Account> account_list;
  std::vector<std::size_t> follower_calls;
  std::vector<std::pair<std::string, std::size_t>> post_calls;
  std::set<std::string> gone;
  std::set<std::string> removed;  // accounts no longer configured
  std::set<std::string> expired;  // accounts whose token the platform refuses
  int fail_next = 0;
};

class ReachPollerTest : public ::testing::Test {
 protected:
  void make(int calls_per_hour, std::chrono::milliseconds followers_every = std::chrono::hours(6)) {
    source_.now = &now_;
    auto book = std::make_unique<MemoryReachBook>();
    book_ = book.get();
    ReachOptions options;
    options.calls_per_hour = calls_per_hour;
    options.followers_every = followers_every;
    poller_ = std::make_unique<ReachPoller>(options, std::move(book), source_);
  }
  void deliver(const std::string& account, int posts, std::int64_t at) {
    // One post per account and release, as deliveries make them (the complete script enters them).
    std::vector<DeliveredPost> delivered;
    for (int i = 0; i < posts; ++i) {
      delivered.push_back({"rel-" + std::to_string(i), "microblog", account, account + "-" + std::to_string(i), at});
    }
    ASSERT_TRUE(book_->add_posts(delivered));
  }
  // Rounds every `step` until `until`, as the worker would run them.
  void run_until(std::int64_t until, std::int64_t step = 10 * kMinute) {
    for (; now_ <= until; now_ += step) ASSERT_TRUE(poller_->poll(now_));
  }

  std::int64_t now_ = T0;
  FakeSource source_;
  MemoryReachBook* book_ = nullptr;
  std::unique_ptr<ReachPoller> poller_;
};

TEST_F(ReachPollerTest, AWeekReadsEachPostAtEveryCheckpointInBatchesOfAHundredPerAccount) {
  make(1000);
  deliver("lead", 150, T0);
  deliver("lanshan", 20, T0);
  run_until(T0 + 8 * 24 * kHour);
  ASSERT_EQ(book_->recorded.size(), 170u);
  for (const auto& [post, checkpoints] : book_->recorded) {
    ASSERT_EQ(checkpoints.size(), 5u) << post;
    for (std::size_t i = 0; i < kReachCheckpoints.size(); ++i) {
      const auto& at = checkpoints.at(std::string(kReachCheckpoints[i].name));
      // Read at the first round at or after its time (rounds every 10 minutes).
      EXPECT_GE(at.at_ms, checkpoint_due_ms(T0, i));
      EXPECT_LT(at.at_ms, checkpoint_due_ms(T0, i) + 10 * kMinute);
    }
    EXPECT_EQ(checkpoints.at("24h").counts.reposts, 24);
  }
  // 150 posts of the lead: 100 + 50; 20 of lanshan: one call; five checkpoints.
  EXPECT_EQ(source_.post_calls.size(), 15u);
  for (const auto& [account, ids] : source_.post_calls) EXPECT_TRUE(ids == 100 || ids == 50 || ids == 20) << ids;
  EXPECT_TRUE(book_->due.empty());  // nothing left after +7d
  EXPECT_EQ(poller_->metrics().checkpoints_read, 170 * 5);
}

TEST_F(ReachPollerTest, FollowersAreReadEveryIntervalAHundredAccountsACall) {
  make(1000, std::chrono::hours(6));
  for (int i = 0; i < 130; ++i) source_.account_list.push_back({"microblog", "a" + std::to_string(i)});
  run_until(T0 + 24 * kHour - 1);
  // Turns at 0, 6, 12 and 18 h, each two calls (100 + 30).
  ASSERT_EQ(source_.follower_calls.size(), 8u);
  EXPECT_EQ(source_.follower_calls[0], 100u);
  EXPECT_EQ(source_.follower_calls[1], 30u);
  const auto& samples = book_->followers.at("microblog/a7");
  ASSERT_EQ(samples.size(), 4u);
  EXPECT_EQ(samples.rbegin()->first, T0 + 18 * kHour);
  EXPECT_EQ(samples.rbegin()->second, 1018);
}

TEST_F(ReachPollerTest, WhenTheCallingAccountsTokenFailsTheNextAccountReadsTheFollowers) {
  make(1000);
  source_.account_list = {{"microblog", "lead"}, {"microblog", "lanshan"}, {"microblog", "feixian"}};
  source_.expired = {"lead"};
  ASSERT_TRUE(poller_->poll(now_));
  EXPECT_EQ(source_.follower_calls.size(), 2u);  // as lead (refused), then as lanshan
  EXPECT_EQ(book_->followers.size(), 3u);
  EXPECT_EQ(poller_->metrics().errors, 1);
  EXPECT_EQ(book_->calls[T0], 2);  // each try is a call

  source_.expired = {"lead", "lanshan", "feixian"};
  now_ += 6 * kHour;
  ASSERT_TRUE(poller_->poll(now_));
  EXPECT_EQ(source_.follower_calls.size(), 5u);  // three tries, then the next turn
  EXPECT_EQ(poller_->metrics().errors, 4);
}

TEST_F(ReachPollerTest, TheHourlyBudgetHoldsAndWhatItLeavesOutWaitsForTheNextHour) {
  make(3);
  source_.account_list = {{"microblog", "lead"}};
  deliver("lead", 250, T0);  // three calls at +1h
  deliver("other", 1, T0);   // a fourth
  run_until(T0 + 3 * kHour);
  for (const auto& [hour, used] : book_->calls) EXPECT_LE(used, 3) << "hour " << (hour - T0) / kHour;
  EXPECT_EQ(book_->calls[T0], 1);                  // the followers at the start
  EXPECT_EQ(book_->calls[T0 + kHour], 3);          // the budget of the +1h hour, all spent
  EXPECT_GE(poller_->metrics().deferred, 1);
  // The post left out was read in the next hour, still as its +1h checkpoint.
  const auto& late = book_->recorded.at("other-0").at("1h");
  EXPECT_GE(late.at_ms, T0 + 2 * kHour);
  EXPECT_EQ(poller_->metrics().budget.limit, 3);
  EXPECT_LE(poller_->metrics().budget.used, 3);
}

TEST_F(ReachPollerTest, AFailedReadIsTriedAgainLaterAndAGonePostIsDropped) {
  make(1000);
  deliver("lead", 2, T0);
  source_.gone.insert("lead-1");
  source_.fail_next = 1;
  run_until(T0 + kHour);
  EXPECT_TRUE(book_->recorded.empty());
  EXPECT_EQ(poller_->metrics().errors, 1);
  run_until(T0 + kHour + 20 * kMinute);  // retry_after is 15 min
  ASSERT_EQ(book_->recorded.size(), 1u);
  EXPECT_TRUE(book_->recorded.contains("lead-0"));
  EXPECT_EQ(poller_->metrics().posts_gone, 1);
  EXPECT_EQ(book_->due.size(), 1u);  // lead-0's +6h only
}

TEST_F(ReachPollerTest, PostsOfAnAccountNoLongerConfiguredAreDroppedNotRetried) {
  make(1000);
  deliver("lead", 1, T0);
  deliver("removed", 1, T0);
  source_.removed.insert("removed");
  run_until(T0 + 2 * kHour);
  EXPECT_EQ(poller_->metrics().posts_gone, 1);
  EXPECT_EQ(poller_->metrics().errors, 0);
  EXPECT_FALSE(book_->recorded.contains("removed-0"));
  ASSERT_EQ(book_->due.size(), 1u);  // lead-0's +6h only
  EXPECT_EQ(book_->due.begin()->first.find("|lead|"), std::string("rel-0|microblog").size());
}

TEST_F(ReachPollerTest, AReadingAfterAnOutageFillsTheCheckpointItBelongsTo) {
  make(1000);
  deliver("lead", 1, T0);
  now_ = T0 + 30 * kHour;  // nothing ran for 30 hours
  ASSERT_TRUE(poller_->poll(now_));
  const auto& post = book_->recorded.at("lead-0");
  EXPECT_TRUE(post.contains("24h"));
  EXPECT_FALSE(post.contains("1h"));
  EXPECT_EQ(book_->due.begin()->second, checkpoint_due_ms(T0, 3));  // next: +72h
}

}  // namespace
}  // namespace fabu

namespace fabu {
namespace {

TEST(ReachWorkerTest, RunsARoundAtStartThenEveryTickAndStopsPromptly) {
  FakeSource source;
  std::int64_t frozen = T0;
  source.now = &frozen;
  ReachOptions options;
  options.calls_per_hour = 10;
  auto poller = std::make_unique<ReachPoller>(options, std::make_unique<testing::MemoryReachBook>(), source);
  std::atomic<int> rounds{0};
  auto worker = std::make_unique<ReachWorker>(
      std::move(poller), [&] { ++rounds; return T0; }, std::chrono::hours(1));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (rounds.load() == 0 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
  EXPECT_EQ(rounds.load(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(rounds.load(), 1) << "the next round waits for the tick";
  EXPECT_EQ(worker->metrics().errors, 0);
  const auto stop_started = std::chrono::steady_clock::now();
  worker.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(1));
}

}  // namespace
}  // namespace fabu
