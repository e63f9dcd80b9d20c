// End to end, the release lifecycle: retract a release everywhere it went, cancel what had not gone
// out, survive a SIGKILL in the middle of a retraction, and move or cancel a schedule with two
// instances. Real redis-server, real sandbox platform over loopback, real fabud and fabuctl processes;
// checks read the sandbox's own record of posts (live or deleted) and the ledger.
#include <signal.h>

#include <cstdio>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

using std::chrono::seconds;

std::string fabuctl(const Harness& h, const std::string& args) {
  return std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " " + args;
}

std::string member_id(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "m%03d", i);
  return buf;
}

std::vector<AccountSpec> fifty_members() {
  std::vector<AccountSpec> members;
  for (int i = 0; i < 50; ++i) members.push_back({member_id(i), "county", i % 3 == 0 ? "repost" : "post"});
  return members;
}

// Posts the sandbox received whose text or retweet names nothing else: by live / deleted.
struct PostCount {
  int live = 0;
  int deleted = 0;
};
PostCount count_posts(Harness& h) {
  PostCount c;
  for (const auto& p : h.sandbox_posts()) ++(p.value("deleted", false) ? c.deleted : c.live);
  return c;
}

// `json` with publish_at set, signed again.
std::string scheduled(const std::string& json, std::int64_t at_unix_ms) {
  auto doc = nlohmann::json::parse(json);
  doc["publish_at"] = Timestamp{at_unix_ms / 1000, 8 * 60}.iso();
  return signed_release(doc.dump());
}

// `json` with an explicit link (no portal targeted), signed again.
std::string linked(const std::string& json, const std::string& link) {
  auto doc = nlohmann::json::parse(json);
  doc["link"] = link;
  return signed_release(doc.dump());
}

TEST(LifecycleE2E, ARetractionTakesBackEveryPostAndTheArticle) {
  Harness h({.members = fifty_members()});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("wrong-figure", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("wrong-figure"); }, seconds(40))) << h.log_of();
  ASSERT_EQ(count_posts(h).live, 51);  // the lead and 50 members, reposts included

  std::string said;
  ASSERT_EQ(run_shell(fabuctl(h, "retract wrong-figure --reason '第二段数据有误'"), said), 0) << said;
  EXPECT_NE(said.find("51 retraction(s) queued"), std::string::npos) << said;  // the article is the 52nd
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("wrong-figure"); }, seconds(40))) << h.log_of();

  const PostCount after = count_posts(h);
  EXPECT_EQ(after.live, 0);
  EXPECT_EQ(after.deleted, 51);  // nothing was posted again
  int retracted = 0, retractions = 0;
  for (const auto& d : h.deliveries("wrong-figure")) {
    if (d.operation == Operation::retract) {
      ++retractions;
      EXPECT_EQ(d.state, DeliveryState::delivered) << d.id << ": " << d.last_error;
    } else {
      ++retracted;
      EXPECT_EQ(d.state, DeliveryState::retracted) << d.id;
    }
  }
  EXPECT_EQ(retracted, 52);
  EXPECT_EQ(retractions, 52);

  // Once more: nothing changes.
  ASSERT_EQ(run_shell(fabuctl(h, "retract wrong-figure --reason again"), said), 0) << said;
  EXPECT_NE(said.find("retracted already"), std::string::npos) << said;
  ASSERT_EQ(run_shell(fabuctl(h, "status wrong-figure"), said), 0) << said;
  EXPECT_NE(said.find("retracted"), std::string::npos) << said;
  EXPECT_NE(said.find("第二段数据有误"), std::string::npos) << said;
}

TEST(LifecycleE2E, ARetractionCancelsWhatIsStillQueued) {
  std::vector<AccountSpec> members;
  for (int i = 0; i < 10; ++i) members.push_back({member_id(i), "county", "post", 0, 3600});  // one post an hour
  Harness h({.members = members});
  auto fabud = h.start_fabud();
  h.enqueue(linked(release_json("first", R"({"microblog":["all"]})", "第一条"), "https://www.linyi.gov.cn/a"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("first"); }, seconds(20))) << h.log_of();
  h.enqueue(linked(release_json("second", R"({"microblog":["all"]})", "第二条"), "https://www.linyi.gov.cn/b"));
  // The accounts' gap holds the second release in their queues.
  ASSERT_TRUE(Harness::eventually([&] { return h.deliveries("second").size() == 10u; }, seconds(10)));
  std::string said;
  ASSERT_EQ(run_shell(fabuctl(h, "retract second --reason 重复发布"), said), 0) << said;
  EXPECT_NE(said.find("10 delivery(ies) cancelled"), std::string::npos) << said;
  for (const auto& d : h.deliveries("second")) EXPECT_EQ(d.state, DeliveryState::cancelled) << d.id;
  EXPECT_EQ(count_posts(h).live, 10);  // the first release only
  for (const auto& d : h.deliveries("first")) EXPECT_EQ(d.state, DeliveryState::delivered) << d.id;
}

TEST(LifecycleE2E, ARetractionInterruptedBySigkillFinishesOnce) {
  auto members = fifty_members();
  Harness h({.members = members});
  {
    auto fabud = h.start_fabud();
    h.enqueue(release_json("killed", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
    ASSERT_TRUE(Harness::eventually([&] { return h.settled("killed"); }, seconds(40))) << h.log_of();
    // Slow destroys on ten accounts keep part of the retraction in flight when fabud dies.
    nlohmann::json slow = nlohmann::json::object();
    for (int i = 40; i < 50; ++i) slow[h.token_of(member_id(i))] = 1500;
    ASSERT_EQ(http_request(h.sandbox().port(), "POST", "/_sandbox/faults", nlohmann::json{{"slow_tokens", slow}}.dump()).status, 200);
    auto retracted = h.ledger().retract("killed", "撤回测试", unix_now_ms());
    ASSERT_TRUE(retracted) << retracted.error().message;
    ASSERT_TRUE(Harness::eventually([&] { return count_posts(h).deleted >= 5; }, seconds(20)));
    fabud.signal(SIGKILL);
    fabud.wait();
  }
  ASSERT_LT(count_posts(h).deleted, 51) << "the kill came too late to interrupt anything";
  ASSERT_EQ(http_request(h.sandbox().port(), "POST", "/_sandbox/faults", R"({"slow_tokens":{}})").status, 200);
  auto again = h.start_fabud();
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("killed"); }, seconds(40))) << h.log_of();
  const PostCount after = count_posts(h);
  EXPECT_EQ(after.live, 0);
  EXPECT_EQ(after.deleted, 51);
  for (const auto& d : h.deliveries("killed")) {
    if (d.operation == Operation::retract) {
      EXPECT_EQ(d.state, DeliveryState::delivered) << d.id << ": " << d.last_error;
    }
  }
}

TEST(LifecycleE2E, SchedulesMoveAndCancelOnEveryInstance) {
  Harness h({.members = {{"m000"}, {"m001"}}});
  auto a = h.start_fabud_as("fabud-a", "a");
  auto b = h.start_fabud_as("fabud-b", "b");
  const std::int64_t in_an_hour = unix_now_ms() + 3'600'000;
  h.enqueue(scheduled(release_json("moved", R"({"portal":["tzgg"],"microblog":["lead","all"]})"), in_an_hour));
  h.enqueue(scheduled(release_json("dropped", R"({"portal":["tzgg"],"microblog":["lead","all"]})"), in_an_hour));
  ASSERT_TRUE(Harness::eventually([&] { return h.deliveries("moved").size() == 4u && h.deliveries("dropped").size() == 4u; },
                                  seconds(10)));
  std::string said;
  ASSERT_EQ(run_shell(fabuctl(h, "schedule list"), said), 0) << said;
  EXPECT_NE(said.find("moved"), std::string::npos) << said;
  EXPECT_NE(said.find("+08:00"), std::string::npos) << said;

  ASSERT_EQ(run_shell(fabuctl(h, "schedule cancel dropped"), said), 0) << said;
  // Moved to three seconds from now; then one instance restarts while it waits.
  const std::int64_t due = unix_now_ms() + 3000;
  const std::string when = Timestamp{due / 1000 + 1, 8 * 60}.iso();
  ASSERT_EQ(run_shell(fabuctl(h, "schedule reschedule moved " + when), said), 0) << said;
  b.signal(SIGKILL);
  b.wait();
  b = h.start_fabud_as("fabud-b", "b");
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("moved"); }, seconds(30))) << h.log_of("fabud-a");

  const auto posts = h.sandbox_posts();
  EXPECT_EQ(posts.size(), 3u);  // lead + two members, once each: the cancelled release posted nothing
  for (const auto& p : posts) EXPECT_GE(p.value("created_at_ms", 0LL), (due / 1000 + 1) * 1000 - 50) << p.dump();
  for (const auto& d : h.deliveries("moved")) EXPECT_EQ(d.state, DeliveryState::delivered) << d.id;
  for (const auto& d : h.deliveries("dropped")) EXPECT_EQ(d.state, DeliveryState::cancelled) << d.id;

  // Too late now: the release went out, so it can only be retracted.
  EXPECT_EQ(run_shell(fabuctl(h, "schedule cancel moved"), said), 3) << said;
  EXPECT_NE(said.find("retract"), std::string::npos) << said;
  ASSERT_EQ(run_shell(fabuctl(h, "schedule list"), said), 0) << said;
  EXPECT_NE(said.find("nothing scheduled"), std::string::npos) << said;
}

}  // namespace
}  // namespace fabu::testing
