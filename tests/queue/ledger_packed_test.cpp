// Packed when delivered (queue/lua_settled.h): a delivered delivery that nothing may still read or change
// goes into its release's packed record at once, while the release lives; readers, retractions and
// corrections find it as before. Real redis-server.
#include "tests/queue/settled_fixture.h"

namespace fabu::testing {
namespace {

using PackedTest = SettledTest;

AdmitRequest two_accounts(const std::string& release_id) {
  return LedgerTest::request(release_id, {LedgerTest::spec("microblog", "lead", "microblog/lead"),
                                          LedgerTest::spec("microblog", "second", "microblog/second")});
}

const ClaimedDelivery& find(const std::vector<ClaimedDelivery>& claimed, const std::string& id) {
  for (const auto& d : claimed) {
    if (d.id == id) return d;
  }
  throw std::runtime_error("not claimed: " + id);
}

TEST_F(PackedTest, ADeliveredDeliveryIsPackedAtOnceWhileItsReleaseLives) {
  admit(two_accounts("r1"));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_TRUE(finish(find(claimed, "r1|microblog|lead"), CompletionOutcome::delivered, T0 + 1));

  EXPECT_TRUE(keys("d:r1|microblog|lead").empty()) << "its hash went into the packed record";
  EXPECT_EQ(keys("d:r1|microblog|second").size(), 1u) << "the one being sent keeps its hash";
  ASSERT_EQ(keys("rel:r1:settled").size(), 1u);
  auto members = redis_->command({"SMEMBERS", key("rel:r1:d")});
  ASSERT_TRUE(members);
  ASSERT_EQ(reply_size(members->get()), 1u);
  EXPECT_EQ(reply_string(reply_at(members->get(), 0)), "r1|microblog|second");

  auto lead = status("r1|microblog|lead");
  EXPECT_EQ(lead.state, DeliveryState::delivered);
  EXPECT_EQ(lead.attempt, 1);
  EXPECT_EQ(lead.post_id, "post-r1|microblog|lead");
  EXPECT_EQ(lead.url, "https://www.linyi.gov.cn/art/r1|microblog|lead");
  EXPECT_EQ(lead.updated_at_ms, T0 + 1);
  EXPECT_EQ(lead.lane, "microblog/lead");
  EXPECT_EQ(lead.operation, Operation::publish);
  EXPECT_EQ(lead.revision, 1);
  EXPECT_EQ(deliveries("r1").size(), 2u) << "a live release lists both forms";

  ASSERT_TRUE(finish(find(claimed, "r1|microblog|second"), CompletionOutcome::delivered, T0 + 2));
  EXPECT_TRUE(keys("d:r1|*").empty());
  EXPECT_TRUE(keys("rel:r1:d").empty());
  EXPECT_LE(memory_usage("rel:r1:settled") / 2, 200) << "bytes per settled delivery, key included";
  auto all = deliveries("r1");
  ASSERT_EQ(all.size(), 2u);
  for (const auto& d : all) EXPECT_EQ(d.state, DeliveryState::delivered) << d.id;
  auto settled = redis_->command({"ZSCORE", key("settled"), "r1"});
  ASSERT_TRUE(settled);
  EXPECT_FALSE(reply_is_nil(settled->get())) << "the release settled as before";
}

// A dependant is woken by the delivery and reads its post; a previous version's claim reads it from the
// hash, so a delivery with dependants keeps its hash until its release settles.
TEST_F(PackedTest, ADeliveryWithDependantsKeepsItsHashUntilItsReleaseSettles) {
  admit(chain("r1"));
  auto article = claim(T0);
  ASSERT_EQ(ids_of(article), (std::vector<std::string>{"r1|portal|article"}));
  ASSERT_TRUE(finish(article[0], CompletionOutcome::delivered, T0 + 1));
  ASSERT_EQ(keys("d:r1|portal|article").size(), 1u);
  auto state = redis_->command({"HGET", key("d:r1|portal|article"), "state"});
  ASSERT_TRUE(state);
  EXPECT_EQ(reply_string(state->get()), "delivered");

  auto lead = claim(T0 + 1);
  ASSERT_EQ(ids_of(lead), (std::vector<std::string>{"r1|microblog|lead"}));
  EXPECT_EQ(lead[0].upstream.post_id, "post-r1|portal|article");
  ASSERT_TRUE(finish(lead[0], CompletionOutcome::delivered, T0 + 2));
  deliver_all(T0 + 2);
  EXPECT_TRUE(keys("d:r1|*").empty()) << "packed when the release settled";
  EXPECT_EQ(deliveries("r1").size(), 3u);
}

TEST_F(PackedTest, RetractingAHalfDeliveredReleaseTakesBackThePackedPost) {
  admit(two_accounts("r1"));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_TRUE(finish(find(claimed, "r1|microblog|lead"), CompletionOutcome::delivered, T0 + 1));
  ASSERT_TRUE(keys("d:r1|microblog|lead").empty());

  auto result = retract("r1", T0 + 10);
  EXPECT_EQ(result.retractions, 1) << "the delivered post";
  EXPECT_EQ(result.waiting, 1) << "the post being sent";
  auto retraction = claim(T0 + 10);
  ASSERT_EQ(ids_of(retraction), (std::vector<std::string>{"r1|microblog|lead|retract.1"}));
  EXPECT_EQ(retraction[0].previous.post_id, "post-r1|microblog|lead");
  ASSERT_TRUE(finish(retraction[0], CompletionOutcome::delivered, T0 + 11));
  EXPECT_EQ(status("r1|microblog|lead").state, DeliveryState::retracted);

  // The send under way comes back delivered after the retraction: it keeps its hash (the release is
  // retracted), and its own retraction follows it.
  ASSERT_TRUE(finish(find(claimed, "r1|microblog|second"), CompletionOutcome::delivered, T0 + 12));
  auto second = claim(T0 + 12);
  ASSERT_EQ(ids_of(second), (std::vector<std::string>{"r1|microblog|second|retract.1"}));
  EXPECT_EQ(second[0].previous.post_id, "post-r1|microblog|second");
  ASSERT_TRUE(finish(second[0], CompletionOutcome::delivered, T0 + 13));
  auto all = deliveries("r1");
  ASSERT_EQ(all.size(), 4u);
  for (const auto& d : all) {
    EXPECT_EQ(d.state, d.operation == Operation::retract ? DeliveryState::delivered : DeliveryState::retracted) << d.id;
  }
  EXPECT_TRUE(keys("d:r1|*").empty()) << "packed once it settled";
}

TEST_F(PackedTest, CorrectingAHalfDeliveredReleaseFollowsThePackedPost) {
  admit(request("r1", {spec("portal", "article", "portal/site"), spec("microblog", "lead", "microblog/lead")}));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_TRUE(finish(find(claimed, "r1|portal|article"), CompletionOutcome::delivered, T0 + 1));
  ASSERT_TRUE(keys("d:r1|portal|article").empty());

  EXPECT_EQ(admit(correction("r1", 2, "digest-2")).outcome, AdmitOutcome::corrected);
  auto step1 = claim(T0 + 1000);
  ASSERT_EQ(ids_of(step1), (std::vector<std::string>{"r1|portal|article|correct.2"}));
  EXPECT_EQ(step1[0].previous.post_id, "post-r1|portal|article");
  ASSERT_TRUE(finish(step1[0], CompletionOutcome::delivered, T0 + 1001));
  EXPECT_EQ(status("r1|portal|article").state, DeliveryState::delivered) << "a correction leaves the post standing";
  EXPECT_EQ(status("r1|portal|article|correct.2").post_id, "post-r1|portal|article|correct.2");
}

// A release larger than one chunk is packed by the retention sweep, in chunks, once it settles: a row
// per delivery appended while it is sent would make a string of thousands of chunks.
TEST_F(PackedTest, AReleaseLargerThanAChunkKeepsItsHashesUntilItSettles) {
  admit(wide("r1", kChunk + 1));
  auto one = claim(T0, 1);
  ASSERT_EQ(one.size(), 1u);
  ASSERT_TRUE(finish(one[0], CompletionOutcome::delivered, T0 + 1));
  EXPECT_EQ(keys("d:" + one[0].id).size(), 1u);
  EXPECT_TRUE(keys("rel:r1:settled").empty());
}

TEST_F(PackedTest, ADeliveryNamedTwiceInOneBatchIsFinishedOnce) {
  admit(two_accounts("r1"));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 2u);
  const auto& lead = find(claimed, "r1|microblog|lead");
  const auto c = completion(lead.id, lead.attempt, CompletionOutcome::delivered);
  auto applied = ledger_->apply_completions({c, c}, T0 + 1);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(*applied, (std::vector<bool>{true, false}));
  auto done = redis_->command({"HGET", key("rel:r1"), "done"});
  ASSERT_TRUE(done);
  EXPECT_EQ(reply_string(done->get()), "1");
  EXPECT_EQ(deliveries("r1").size(), 2u) << "one row, not two";

  ASSERT_TRUE(finish(find(claimed, "r1|microblog|second"), CompletionOutcome::delivered, T0 + 2));
  EXPECT_EQ(deliveries("r1").size(), 2u);
}

}  // namespace
}  // namespace fabu::testing
