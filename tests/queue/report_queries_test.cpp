// The queries the report card reads through, against a real redis-server: every kept release id
// (LedgerQueries::release_ids) and one account's followers readings in a time range
// (ReachBook::followers_between).
#include <gtest/gtest.h>

#include "queue/reach_book.h"
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

class ReportQueriesTest : public LedgerTest {};

TEST_F(ReportQueriesTest, ReleaseIdsListsEveryAdmittedReleaseOnce) {
  auto none = ledger_->release_ids();
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
  admit(chain("rel-b"));
  admit(chain("rel-a"));
  admit(request("rel-c", {spec("portal", "article", "portal/site")}));
  // Companion keys (rel:<id>:d) and other keys are not releases.
  auto ids = ledger_->release_ids();
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(*ids, (std::vector<std::string>{"rel-a", "rel-b", "rel-c"}));
}

TEST_F(ReportQueriesTest, FollowersBetweenReadsTheRangeOldestFirst) {
  auto book = make_redis_reach_book(config_, 400);
  ASSERT_TRUE(book->record_followers("microblog", {{"lead", 100}, {"county", 5}}, T0));
  ASSERT_TRUE(book->record_followers("microblog", {{"lead", 130}}, T0 + kHour));
  ASSERT_TRUE(book->record_followers("microblog", {{"lead", 170}}, T0 + 2 * kHour));
  auto all = book->followers_between("microblog", "lead", T0, T0 + 2 * kHour);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(*all, (std::vector<FollowersReading>{{T0, 100}, {T0 + kHour, 130}, {T0 + 2 * kHour, 170}}));
  auto later = book->followers_between("microblog", "lead", T0 + 1, T0 + 3 * kHour);
  ASSERT_TRUE(later);
  EXPECT_EQ(*later, (std::vector<FollowersReading>{{T0 + kHour, 130}, {T0 + 2 * kHour, 170}}));
  auto never = book->followers_between("microblog", "never-read", T0, T0 + kHour);
  ASSERT_TRUE(never);
  EXPECT_TRUE(never->empty());
}

}  // namespace
}  // namespace fabu::testing
