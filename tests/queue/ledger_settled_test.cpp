// Compaction of settled deliveries (queue/lua_settled.h): a settled release keeps one packed record,
// reads the same through the ledger, and comes alive again as before. Real redis-server.
#include "tests/queue/settled_fixture.h"

namespace fabu::testing {
namespace {

TEST_F(SettledTest, ANewDeliveryHashHoldsOnlyItsFieldsThatAreNotAtTheirDefault) {
  admit(request("r1", {spec("microblog", "lead", "microblog/lead")}));
  auto fields = redis_->command({"HLEN", key("d:r1|microblog|lead")});
  ASSERT_TRUE(fields);
  EXPECT_EQ(reply_integer(fields->get()), 7);  // release, channel, dest, lane, state, next_at, updated_ms
  auto all = deliveries("r1");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].state, DeliveryState::queued);
  EXPECT_EQ(all[0].attempt, 0);
  EXPECT_FALSE(all[0].in_doubt);
  EXPECT_EQ(all[0].owner, "");
  EXPECT_EQ(all[0].post_id, "");
  EXPECT_EQ(all[0].next_at_ms, T0);
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].attempt, 1);
  EXPECT_FALSE(claimed[0].in_doubt);
}

// The hot path writes only the fields that change: no `lease_until` (the lease is the score in
// `inflight`), no `next_at` or `owner` reset, no `error` cleared that was never set.
TEST_F(SettledTest, TheHotPathLeavesFieldsThatMeanNothingInTheNewStateAsTheyWere) {
  admit(request("r1", {spec("microblog", "lead", "microblog/lead"), spec("microblog", "second", "microblog/second")}));
  const std::string id = "r1|microblog|lead";
  auto hash_fields = [&](std::vector<std::string> names) {
    RedisArgs args{"HMGET", key("d:" + id)};
    args.insert(args.end(), names.begin(), names.end());
    auto reply = redis_->command(args);
    EXPECT_TRUE(reply) << reply.error().message;
    std::vector<std::string> values;
    for (std::size_t i = 0; reply && i < reply_size(reply->get()); ++i) {
      const redisReply* v = reply_at(reply->get(), i);
      values.push_back(reply_is_nil(v) ? "(nil)" : reply_string(v));
    }
    return values;
  };

  auto first = claim(T0);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(hash_fields({"lease_until", "owner"}), (std::vector<std::string>{"(nil)", "worker-a"}));
  auto sending = status(id);
  EXPECT_EQ(sending.next_at_ms, 0) << "a sending delivery reports no due time, though its hash keeps the old one";
  EXPECT_EQ(sending.owner, "worker-a");

  const auto& lead = first[0].id == id ? first[0] : first[1];
  ASSERT_TRUE(finish(lead, CompletionOutcome::retry, T0 + 1, T0 + 5, "timeout"));
  auto retrying = status(id);
  EXPECT_EQ(retrying.owner, "") << "no owner outside `sending`";
  EXPECT_EQ(retrying.next_at_ms, T0 + 5);
  EXPECT_EQ(retrying.last_error, "timeout");

  auto again = claim(T0 + 5);
  ASSERT_EQ(again.size(), 1u);
  ASSERT_TRUE(finish(again[0], CompletionOutcome::delivered, T0 + 6));
  EXPECT_TRUE(keys("d:" + id).empty()) << "packed when delivered (ledger_packed_test.cpp)";
  auto delivered = status(id);
  EXPECT_EQ(delivered.state, DeliveryState::delivered);
  EXPECT_EQ(delivered.owner, "");
  EXPECT_EQ(delivered.next_at_ms, 0);
  EXPECT_EQ(delivered.last_error, "") << "an error that was set is cleared on delivery";
  EXPECT_EQ(delivered.error_kind, "");
}

// A delivery claimed by the previous version (its hash has `lease_until`, `next_at` 0) finishes as
// before, and its lease still expires through `inflight`.
TEST_F(SettledTest, ADeliveryClaimedByThePreviousVersionStillFinishesAndExpires) {
  admit(request("r1", {spec("microblog", "lead", "microblog/lead"), spec("microblog", "second", "microblog/second")}));
  auto claimed = claim(T0, 16, std::chrono::milliseconds(100));
  ASSERT_EQ(claimed.size(), 2u);
  for (const auto& d : claimed) {
    ASSERT_TRUE(redis_->command({"HSET", key("d:" + d.id), "lease_until", std::to_string(T0 + 100), "next_at", "0"}));
  }
  ASSERT_TRUE(finish(claimed[0], CompletionOutcome::delivered, T0 + 1));
  EXPECT_EQ(status(claimed[0].id).state, DeliveryState::delivered);
  auto reclaimed = claim(T0 + 200);
  ASSERT_EQ(reclaimed.size(), 1u) << "the other lease ran out";
  EXPECT_EQ(reclaimed[0].id, claimed[1].id);
  EXPECT_TRUE(reclaimed[0].in_doubt);
  EXPECT_FALSE(finish(claimed[1], CompletionOutcome::delivered, T0 + 201)) << "the expired attempt is fenced off";
  ASSERT_TRUE(finish(reclaimed[0], CompletionOutcome::delivered, T0 + 202));
  EXPECT_EQ(status(claimed[1].id).state, DeliveryState::delivered);
}

TEST_F(SettledTest, ASettledReleaseKeepsOnePackedRecordThatReadsAsBefore) {
  admit(chain("r1"));
  deliver_all(T0 + 5);
  const auto before_settling = keys("d:r1|*");
  EXPECT_TRUE(before_settling.empty()) << "the last delivery settled the release";
  EXPECT_TRUE(keys("rel:r1:d").empty());
  ASSERT_EQ(keys("rel:r1:settled").size(), 1u);
  EXPECT_LE(memory_usage("rel:r1:settled") / 3, 200) << "bytes per settled delivery, key included";

  auto all = deliveries("r1");
  ASSERT_EQ(all.size(), 3u);
  const std::vector<std::string> ids = {"r1|microblog|lanshan", "r1|microblog|lead", "r1|portal|article"};
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& d = all[i];
    EXPECT_EQ(d.id, ids[i]);
    EXPECT_EQ(d.release_id, "r1");
    EXPECT_EQ(d.state, DeliveryState::delivered);
    EXPECT_EQ(d.attempt, 1);
    EXPECT_EQ(d.post_id, "post-" + d.id);
    EXPECT_EQ(d.url, "https://www.linyi.gov.cn/art/" + d.id);
    EXPECT_EQ(d.updated_at_ms, T0 + 5);
    EXPECT_EQ(d.operation, Operation::publish);
    EXPECT_EQ(d.revision, 1);
    EXPECT_FALSE(d.in_doubt);
  }
  EXPECT_EQ(all[0].lane, "microblog/lanshan");
  EXPECT_EQ(all[0].waits_on, "r1|microblog|lead");
  EXPECT_EQ(all[2].lane, "portal/site");
  EXPECT_EQ(all[2].channel, "portal");
  EXPECT_EQ(all[2].destination, "article");
  EXPECT_EQ(status("r1|microblog|lead").post_id, "post-r1|microblog|lead");
}

TEST_F(SettledTest, DeadDeliveriesKeepTheirHashAndARetryBringsTheReleaseBack) {
  admit(chain("r1"));
  auto article = claim(T0);
  ASSERT_TRUE(finish(article[0], CompletionOutcome::delivered, T0 + 1));
  auto lead = claim(T0 + 1);
  ASSERT_TRUE(finish(lead[0], CompletionOutcome::dead, T0 + 2, 0, "content rejected"));
  // Settled: the article is packed, the dead lead and the member that died with it are not.
  EXPECT_TRUE(keys("d:r1|portal|article").empty());
  EXPECT_EQ(keys("d:r1|microblog|*").size(), 2u);
  EXPECT_EQ(status("r1|portal|article").state, DeliveryState::delivered);
  auto dead = ledger_->dead_letters(10);
  ASSERT_TRUE(dead);
  EXPECT_EQ(dead->size(), 2u);

  ASSERT_TRUE(ledger_->retry_dead("r1|microblog|lead", T0 + 100).value_or(false));
  EXPECT_EQ(keys("d:r1|*").size(), 3u) << "alive again: every hash is back";
  EXPECT_TRUE(keys("rel:r1:settled").empty());
  auto again = claim(T0 + 100);
  ASSERT_EQ(ids_of(again), (std::vector<std::string>{"r1|microblog|lead"}));
  EXPECT_EQ(again[0].upstream.post_id, "post-r1|portal|article") << "the unpacked article's receipt";
  ASSERT_TRUE(finish(again[0], CompletionOutcome::delivered, T0 + 101));
  auto member = claim(T0 + 101);
  ASSERT_EQ(ids_of(member), (std::vector<std::string>{"r1|microblog|lanshan"}));
  ASSERT_TRUE(finish(member[0], CompletionOutcome::delivered, T0 + 102));
  EXPECT_TRUE(keys("d:r1|*").empty()) << "settled again, packed again";
  EXPECT_EQ(deliveries("r1").size(), 3u);
}

TEST_F(SettledTest, ADeadLetterOfAPackedReleaseIsDroppedAsBefore) {
  admit(request("r1", {spec("portal", "article", "portal/site"), spec("microblog", "lead", "microblog/lead")}));
  for (const auto& d : claim(T0)) {
    ASSERT_TRUE(finish(d, d.channel == "portal" ? CompletionOutcome::delivered : CompletionOutcome::dead, T0 + 1, 0,
                       "rejected"));
  }
  ASSERT_TRUE(ledger_->drop_dead("r1|microblog|lead").value_or(false));
  EXPECT_TRUE(status("r1|microblog|lead").dropped);
  EXPECT_FALSE(ledger_->retry_dead("r1|microblog|lead", T0 + 2).value_or(true));
  EXPECT_EQ(keys("d:r1|*").size(), 1u);
}

TEST_F(SettledTest, RetractingASettledReleaseTakesBackWhatItPacked) {
  admit(chain("r1"));
  deliver_all(T0);
  ASSERT_TRUE(keys("d:r1|*").empty());
  auto result = retract("r1", T0 + 100);
  EXPECT_EQ(result.retractions, 3);
  auto claimed = claim(T0 + 100);
  ASSERT_EQ(claimed.size(), 3u);
  for (const auto& d : claimed) {
    EXPECT_EQ(d.operation, Operation::retract);
    EXPECT_EQ(d.previous.post_id, "post-" + DeliveryId::parse(d.id)->first_publish().str());
    ASSERT_TRUE(finish(d, CompletionOutcome::delivered, T0 + 200));
  }
  auto all = deliveries("r1");
  ASSERT_EQ(all.size(), 6u);
  for (const auto& d : all) {
    EXPECT_EQ(d.state, d.operation == Operation::retract ? DeliveryState::delivered : DeliveryState::retracted) << d.id;
  }
  EXPECT_EQ(status("r1|microblog|lead").note, "retracted by r1|microblog|lead|retract.1");
  EXPECT_TRUE(keys("d:r1|*").empty()) << "settled again, packed again";
}

TEST_F(SettledTest, CorrectingASettledReleaseFollowsThePackedPosts) {
  admit(chain("r1"));
  deliver_all(T0);
  ASSERT_TRUE(keys("d:r1|*").empty());
  EXPECT_EQ(admit(correction("r1", 2, "digest-2")).outcome, AdmitOutcome::corrected);
  auto step1 = claim(T0 + 1000);
  ASSERT_EQ(ids_of(step1), (std::vector<std::string>{"r1|portal|article|correct.2"}));
  EXPECT_EQ(step1[0].previous.post_id, "post-r1|portal|article");
  EXPECT_EQ(status("r1|microblog|lead").state, DeliveryState::delivered);
}

TEST_F(SettledTest, AnInterpretationPackedWhileWaitingForItsPolicyStaysPacked) {
  AdmitRequest interpretation = chain("jd-1");
  interpretation.link_target = "portal|article";
  interpretation.interprets = "zc-1";
  admit(interpretation);
  EXPECT_EQ(retract("jd-1", T0 + 1).cancelled, 3);
  ASSERT_TRUE(keys("d:jd-1|*").empty());
  EXPECT_TRUE(keys("waiters:jd-1|*").empty()) << "the cancelled deliveries' waiters go with them";

  AdmitRequest policy = request("zc-1", {spec("portal", "article", "portal/site")});
  policy.link_target = "portal|article";
  admit(policy);
  EXPECT_TRUE(keys("d:jd-1|*").empty()) << "no hash written for a packed waiter";
  auto all = deliveries("jd-1");
  ASSERT_EQ(all.size(), 3u);
  for (const auto& d : all) EXPECT_EQ(d.state, DeliveryState::cancelled) << d.id;
  EXPECT_EQ(ids_of(claim(T0 + 2)), (std::vector<std::string>{"zc-1|portal|article"}));
}

TEST_F(SettledTest, ASettledReleaseCannotBeRescheduled) {
  admit(chain("r1"));
  deliver_all(T0);
  auto moved = ledger_->reschedule("r1", T0 + kHour, T0 + 10);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->outcome, ScheduleOutcome::started);
}

TEST_F(SettledTest, AReleaseInTheOldLayoutReadsRetractsAndExpires) {
  admit(chain("old"));
  deliver_all(T0);
  write_old_layout("old");
  ASSERT_EQ(keys("d:old|*").size(), 3u);
  ASSERT_TRUE(keys("rel:old:settled").empty());
  EXPECT_EQ(status("old|portal|article").post_id, "post-old|portal|article");
  EXPECT_EQ(deliveries("old").size(), 3u);

  auto result = retract("old", T0 + 100);
  EXPECT_EQ(result.retractions, 3);
  deliver_all(T0 + 200);
  EXPECT_TRUE(keys("d:old|*").empty()) << "packed once it settles again";
  EXPECT_EQ(deliveries("old").size(), 6u);

  // An old-layout release that never comes alive again is expired as it is.
  admit(chain("older"));
  deliver_all(T0 + 300);
  write_old_layout("older");
  auto removed = ledger_->expire_settled(T0 + 400, 10);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 2);
  EXPECT_TRUE(keys("*old*").empty());
}

TEST_F(SettledTest, TheSweepPacksReleasesSettledInTheOldLayout) {
  admit(chain("old"));
  deliver_all(T0);
  write_old_layout("old");
  admit(chain("live"));
  auto removed = ledger_->expire_settled(T0 - 1, 10);  // nothing is old enough to expire
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 0);
  EXPECT_TRUE(keys("d:old|*").empty());
  EXPECT_EQ(keys("rel:old:settled").size(), 1u);
  EXPECT_EQ(keys("d:live|*").size(), 3u) << "the sweep does not pack a live release";
  auto all = deliveries("old");
  ASSERT_EQ(all.size(), 3u);
  for (const auto& d : all) EXPECT_EQ(d.post_id, "post-" + d.id);
}

TEST_F(SettledTest, RetentionExpiresAPackedReleaseWithEveryKeyOfIt) {
  admit(request("r1", {spec("portal", "article", "portal/site"), spec("microblog", "lead", "microblog/lead")}));
  for (const auto& d : claim(T0)) {
    ASSERT_TRUE(finish(d, d.channel == "portal" ? CompletionOutcome::delivered : CompletionOutcome::dead, T0 + 1, 0,
                       "rejected"));
  }
  ASSERT_EQ(keys("rel:r1:settled").size(), 1u);
  ASSERT_EQ(keys("d:r1|*").size(), 1u);
  auto removed = ledger_->expire_settled(T0 + 10, 10);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 1);
  EXPECT_TRUE(keys("*r1*").empty());
  EXPECT_TRUE(deliveries("r1").empty());
  EXPECT_TRUE(ledger_->dead_letters(10).value_or(std::vector<DeliveryStatus>(1)).empty());
}

TEST_F(SettledTest, ALargeReleaseIsPackedInChunksThatReadTheSameMidWay) {
  admit(wide("big", 1200));
  const std::set<std::string> dying = {"big|microblog|a7", "big|microblog|a700"};
  complete_all(T0 + 5, dying);
  // Too large to pack in the settling call: it waits in `packing` for the sweep.
  EXPECT_EQ(keys("d:big|*").size(), 1200u);
  EXPECT_EQ(packing(), 1);

  auto all = deliveries("big");
  ASSERT_EQ(all.size(), 1200u) << "packed rows and hashes read together";
  int delivered = 0, dead = 0;
  for (const auto& d : all) {
    if (d.state == DeliveryState::delivered && d.post_id == "post-" + d.id) ++delivered;
    if (d.state == DeliveryState::dead) ++dead;
  }
  EXPECT_EQ(delivered, 1198);
  EXPECT_EQ(dead, 2);
  auto letters = ledger_->dead_letters(10);
  ASSERT_TRUE(letters);
  EXPECT_EQ(letters->size(), 2u);
  EXPECT_EQ(status("big|microblog|a7").state, DeliveryState::dead);
  EXPECT_EQ(status("big|microblog|a1199").post_id, "post-big|microblog|a1199");

  std::int64_t total = 0;
  for (int call = 0; call < 10 && packing() > 0; ++call) {
    auto [packed, left] = pack_step();
    EXPECT_GE(packed, 0);
    EXPECT_LE(packed, kChunk) << "one chunk per call at most";
    total += packed;
    EXPECT_EQ(keys("d:big|*").size(), 1200u - total);
    EXPECT_EQ(left, packing());
  }
  EXPECT_EQ(total, 1198);
  EXPECT_EQ(packing(), 0);
  EXPECT_EQ(keys("d:big|*").size(), 2u) << "only the dead keep their hash";
  EXPECT_EQ(deliveries("big").size(), 1200u);
  EXPECT_EQ(status("big|microblog|a0").post_id, "post-big|microblog|a0");
  EXPECT_EQ(pack_step(), std::make_pair(std::int64_t{0}, std::int64_t{0}));
}

TEST_F(SettledTest, TheSweepFinishesPackingALargeRelease) {
  admit(wide("big", 1200));
  complete_all(T0 + 5);
  ASSERT_EQ(packing(), 1);
  auto removed = ledger_->expire_settled(T0 - 1, 10);  // nothing is old enough to expire
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 0);
  EXPECT_EQ(packing(), 0);
  EXPECT_TRUE(keys("d:big|*").empty());
  EXPECT_TRUE(keys("rel:big:d").empty());
  EXPECT_EQ(deliveries("big").size(), 1200u);
}

TEST_F(SettledTest, ARetractionBetweenChunksFindsEveryPostAndStopsThePacking) {
  admit(wide("big", 1200));
  complete_all(T0 + 5);
  ASSERT_EQ(pack_step().first, kChunk) << "one chunk packed before the retraction";
  ASSERT_EQ(keys("d:big|*").size(), 1200u - kChunk);

  auto result = retract("big", T0 + 100);
  EXPECT_EQ(result.retractions, 1200);
  EXPECT_EQ(packing(), 0) << "alive again: nothing left to pack";
  EXPECT_TRUE(keys("rel:big:settled").empty());
  EXPECT_EQ(pack_step().first, 0);
  EXPECT_EQ(keys("d:big|*").size(), 2400u) << "every hash is back, with its retraction's";

  int retracts = 0;
  for (auto claimed = claim(T0 + 100, 500); !claimed.empty(); claimed = claim(T0 + 100, 500)) {
    std::vector<Completion> batch;
    for (const auto& d : claimed) {
      EXPECT_EQ(d.operation, Operation::retract);
      EXPECT_EQ(d.previous.post_id, "post-" + DeliveryId::parse(d.id)->first_publish().str());
      ++retracts;
      batch.push_back(completion(d.id, d.attempt, CompletionOutcome::delivered));
    }
    ASSERT_TRUE(ledger_->apply_completions(batch, T0 + 200));
  }
  EXPECT_EQ(retracts, 1200);
  // Settled anew: packed again, by the sweep.
  EXPECT_EQ(keys("d:big|*").size(), 2400u);
  EXPECT_EQ(packing(), 1);
  ASSERT_TRUE(ledger_->expire_settled(T0 - 1, 10));
  EXPECT_TRUE(keys("d:big|*").empty());
  auto all = deliveries("big");
  ASSERT_EQ(all.size(), 2400u);
  for (const auto& d : all) {
    EXPECT_EQ(d.state, d.operation == Operation::retract ? DeliveryState::delivered : DeliveryState::retracted) << d.id;
  }
}

TEST_F(SettledTest, ARetriedDeadLetterBetweenChunksUnpacksTheRelease) {
  admit(wide("big", 1200));
  complete_all(T0 + 5, {"big|microblog|a3"});
  ASSERT_EQ(packing(), 1);
  ASSERT_EQ(pack_step().first, kChunk) << "one chunk packed before the retry";
  ASSERT_EQ(keys("d:big|*").size(), 1200u - kChunk);
  ASSERT_TRUE(ledger_->retry_dead("big|microblog|a3", T0 + 100).value_or(false));
  EXPECT_EQ(packing(), 0);
  EXPECT_EQ(keys("d:big|*").size(), 1200u);
  EXPECT_EQ(pack_step().first, 0);
  complete_all(T0 + 100);
  EXPECT_EQ(keys("d:big|*").size(), 1200u);
  EXPECT_EQ(packing(), 1);
  EXPECT_EQ(status("big|microblog|a3").state, DeliveryState::delivered);
}

TEST_F(SettledTest, AReleaseOfDeadLettersIsWalkedThroughAndKeepsEveryHash) {
  admit(wide("dead", 1200));
  std::set<std::string> dying;
  for (int i = 0; i < 1200; ++i) dying.insert("dead|microblog|a" + std::to_string(i));
  complete_all(T0 + 5, dying);
  int calls = 0;
  while (packing() > 0 && calls < 10) {
    EXPECT_EQ(pack_step().first, 0);
    ++calls;
  }
  EXPECT_EQ(packing(), 0) << "the walk through the set ends";
  EXPECT_GE(calls, 1) << "more members than one call reads";
  EXPECT_EQ(keys("d:dead|*").size(), 1200u);
  EXPECT_TRUE(keys("rel:dead:settled").empty());
  EXPECT_TRUE(ledger_->retry_dead("dead|microblog|a0", T0 + 10).value_or(false));
}

}  // namespace
}  // namespace fabu::testing
