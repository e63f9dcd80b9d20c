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
  EXPECT_NE(said.find("52 retraction(s) queued"), std::string::npos) << said;  // 51 posts and the article
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

  // The portal: the article is a withdrawal notice with its reason, out of the column's index; the
  // column's feed carries the withdrawal as an update.
  const std::string article = read_file(h.portal_dir() + "/tzgg/2026/wrong-figure.html");
  EXPECT_NE(article.find("已撤回"), std::string::npos) << article.substr(0, 400);
  EXPECT_NE(article.find("第二段数据有误"), std::string::npos);
  EXPECT_NE(article.find("临沂市举行新闻发布会"), std::string::npos) << "the notice keeps the title";
  EXPECT_EQ(read_file(h.portal_dir() + "/tzgg/index.html").find("wrong-figure"), std::string::npos);
  EXPECT_NE(read_file(h.portal_dir() + "/tzgg/feed.xml").find("已撤回"), std::string::npos);

  // Once more: nothing changes.
  ASSERT_EQ(run_shell(fabuctl(h, "retract wrong-figure --reason again"), said), 0) << said;
  EXPECT_NE(said.find("retracted already"), std::string::npos) << said;
  ASSERT_EQ(run_shell(fabuctl(h, "status wrong-figure"), said), 0) << said;
  EXPECT_NE(said.find("retracted"), std::string::npos) << said;
  EXPECT_NE(said.find("第二段数据有误"), std::string::npos) << said;

  // The log stream names what the operator did, once: the repeat changed nothing.
  ASSERT_EQ(run_shell(fabuctl(h, "logs --release wrong-figure --state operator --json"), said), 0) << said;
  EXPECT_EQ(count_of(said, "\"action\":\"retract\""), 1) << said;
  EXPECT_NE(said.find("\"via\":\"fabuctl\""), std::string::npos) << said;
  EXPECT_NE(said.find("\"reason\":\"第二段数据有误\""), std::string::npos) << said;
  ASSERT_EQ(run_shell(fabuctl(h, "logs --release wrong-figure --state operator"), said), 0) << said;
  EXPECT_NE(said.find("retract by "), std::string::npos) << said;
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
  // The platform deleted what it was asked to, but the slow replies never reached fabud: those
  // retractions are in doubt in the ledger.
  int recorded = 0;
  for (const auto& d : h.deliveries("killed")) recorded += d.operation == Operation::retract && d.state == DeliveryState::delivered;
  ASSERT_LT(recorded, 52) << "the kill came too late to interrupt anything";
  nlohmann::json fast = nlohmann::json::object();
  for (int i = 40; i < 50; ++i) fast[h.token_of(member_id(i))] = 0;
  ASSERT_EQ(http_request(h.sandbox().port(), "POST", "/_sandbox/faults", nlohmann::json{{"slow_tokens", fast}}.dump()).status, 200);
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
  for (const auto& p : posts) EXPECT_GE(p.value("created_at_ms", 0LL), (due / 1000 + 1) * 1000 - 50) << p.value("text", "");
  for (const auto& d : h.deliveries("moved")) EXPECT_EQ(d.state, DeliveryState::delivered) << d.id;
  for (const auto& d : h.deliveries("dropped")) EXPECT_EQ(d.state, DeliveryState::cancelled) << d.id;

  // Too late now: the release went out, so it can only be retracted.
  EXPECT_EQ(run_shell(fabuctl(h, "schedule cancel moved"), said), 3) << said;
  EXPECT_NE(said.find("retract"), std::string::npos) << said;
  ASSERT_EQ(run_shell(fabuctl(h, "schedule list"), said), 0) << said;
  EXPECT_NE(said.find("nothing scheduled"), std::string::npos) << said;
  // The cancel and the move that were done are in the log; the refused cancel is not.
  ASSERT_EQ(run_shell(fabuctl(h, "logs --state operator --json"), said), 0) << said;
  EXPECT_EQ(count_of(said, "\"action\":\"schedule_cancel\""), 1) << said;
  EXPECT_EQ(count_of(said, "\"action\":\"reschedule\""), 1) << said;
}

// The 索引号 on an article page (the text after the label, up to the next tag).
std::string index_number_on(const std::string& page) {
  const auto label = page.find("索引号");
  if (label == std::string::npos) return "";
  const auto start = page.find_first_of("0123456789", label);
  const auto end = page.find('<', start);
  return start == std::string::npos ? "" : page.substr(start, end - start);
}

TEST(LifecycleE2E, AFreshRedisInFrontOfAnExistingPortalIssuesNewIndexNumbers) {
  Harness h;
  {
    auto fabud = h.start_fabud();
    h.enqueue(release_json("before-flush", R"({"portal":["tzgg"]})"));
    ASSERT_TRUE(Harness::eventually([&] { return h.settled("before-flush"); }, seconds(20))) << h.log_of();
    fabud.signal(SIGTERM);
    fabud.wait();
  }
  // Redis loses everything (a restore from an old dump, a new server): its serial starts over.
  std::string said;
  ASSERT_EQ(run_shell("redis-cli -p " + std::to_string(h.redis_port()) + " --scan --pattern '" + h.prefix() +
                          ":*' | xargs -r redis-cli -p " + std::to_string(h.redis_port()) + " DEL",
                      said), 0) << said;
  auto fabud = h.start_fabud();
  h.enqueue(release_json("after-flush", R"({"portal":["tzgg"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("after-flush"); }, seconds(20))) << h.log_of();
  const std::string before = index_number_on(read_file(h.portal_dir() + "/tzgg/2026/before-flush.html"));
  const std::string after = index_number_on(read_file(h.portal_dir() + "/tzgg/2026/after-flush.html"));
  ASSERT_FALSE(before.empty());
  ASSERT_FALSE(after.empty());
  EXPECT_NE(before, after) << "the 索引号 " << before << " was issued twice";
}

// Revision 2 of `json`: another summary, a change note, signed again.
std::string revised(const std::string& json, const std::string& summary) {
  auto doc = nlohmann::json::parse(json);
  doc["revision"] = 2;
  doc["change_note"] = "第二段数字更正为12.6万";
  doc["summary"] = summary;
  return signed_release(doc.dump());
}

std::vector<nlohmann::json> live_posts_of(Harness& h, const std::string& account) {
  std::vector<nlohmann::json> out;
  for (const auto& p : h.sandbox_posts()) {
    if (p.value("token", "") == h.token_of(account) && !p.value("deleted", false)) out.push_back(p);
  }
  return out;
}

class CorrectionE2E : public ::testing::TestWithParam<std::string> {};

TEST_P(CorrectionE2E, ACorrectionReachesEveryAccountAsItsChannelSays) {
  const std::string policy = GetParam();
  Harness h({.members = {{"m000"}, {"m001", "county", "repost"}},
             .microblog_extra_toml = "correction = \"" + policy + "\"\n"});
  auto fabud = h.start_fabud();
  const std::string original = release_json("fixed", R"({"portal":["tzgg"],"microblog":["lead","all"]})",
                                            "临沂市政务服务情况通报", "全年受理审批事项12.5万件。");
  h.enqueue(original);
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("fixed"); }, seconds(20))) << h.log_of();
  const std::string old_lead_post = live_posts_of(h, "lead_acct").at(0).value("idstr", "");

  std::string said;
  const std::string file = h.portal_dir() + "/../fixed-r2.json";
  write_file(file, revised(original, "全年受理审批事项12.6万件。"));
  ASSERT_EQ(run_shell(fabuctl(h, "correct fixed " + file), said), 0) << said;
  ASSERT_TRUE(Harness::eventually([&] {
    int corrections = 0;
    for (const auto& d : h.deliveries("fixed")) corrections += d.revision == 2;
    return corrections > 0 && h.settled("fixed");
  }, seconds(20))) << h.log_of();
  for (const auto& d : h.deliveries("fixed")) {
    EXPECT_NE(d.state, DeliveryState::dead) << d.id << ": " << d.last_error;
  }

  const auto lead = live_posts_of(h, "lead_acct");
  const auto poster = live_posts_of(h, "m000");
  const auto reposter = live_posts_of(h, "m001");
  if (policy == "note") {
    ASSERT_EQ(lead.size(), 2u);  // the original and its 更正
    ASSERT_EQ(poster.size(), 2u);
    ASSERT_EQ(reposter.size(), 2u);  // its repost and a repost of the lead's note
    bool note_found = false;
    for (const auto& p : lead) note_found |= p.value("text", "").find("【更正】") != std::string::npos;
    EXPECT_TRUE(note_found) << lead.size();
  } else if (policy == "replace") {
    ASSERT_EQ(lead.size(), 1u);
    EXPECT_NE(lead[0].value("idstr", ""), old_lead_post);
    EXPECT_NE(lead[0].value("text", "").find("12.6万"), std::string::npos) << lead[0].value("text", "");
    ASSERT_EQ(poster.size(), 1u);
    ASSERT_EQ(reposter.size(), 1u);
    EXPECT_EQ(std::to_string(reposter[0].value("retweeted_id", std::int64_t{0})), lead[0].value("idstr", ""));
  } else {
    ASSERT_EQ(lead.size(), 1u);
    EXPECT_EQ(lead[0].value("idstr", ""), old_lead_post);
    EXPECT_EQ(poster.size(), 1u);
    EXPECT_EQ(reposter.size(), 1u);
  }
  // Whatever the microblog does, the article is corrected in place.
  bool article_corrected = false;
  for (const auto& d : h.deliveries("fixed")) {
    if (d.channel == "portal" && d.operation == Operation::correct) article_corrected = d.state == DeliveryState::delivered;
  }
  EXPECT_TRUE(article_corrected);

  // An older revision arriving late is refused with its reason.
  h.enqueue(original);
  ASSERT_TRUE(Harness::eventually([&] {
    auto rejects = h.ledger().rejects(10);
    return rejects && !rejects->empty() && rejects->front().release_id == "fixed";
  }, seconds(10)));
  auto rejects = h.ledger().rejects(1);
  ASSERT_TRUE(rejects && !rejects->empty());
  EXPECT_NE(rejects->front().errors.at(0).reason.find("only move forward"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Policies, CorrectionE2E, ::testing::Values("note", "replace", "none"));

// 废止: a signed revision repeals the document. Its portal page stays, marked repealed; the microblog
// posts that announced it stay as they were (no 更正 note, nothing deleted).
TEST(LifecycleE2E, ARepealMarksThePortalPageAndLeavesTheMicroblogAsItWas) {
  Harness h({.members = {{"m000"}}});
  auto fabud = h.start_fabud();
  const std::string original = release_json("old-rule", R"({"portal":["tzgg"],"microblog":["lead","all"]})",
                                            "临沂市城区停车收费管理办法", "城区停车收费标准自即日起执行。");
  h.enqueue(original);
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("old-rule"); }, seconds(20))) << h.log_of();

  auto doc = nlohmann::json::parse(original);
  doc["revision"] = 2;
  doc["change_note"] = "自2027年1月1日起废止";
  doc["repealed_on"] = "2027-01-01";
  doc["repealed_by"] = "临政发〔2026〕30号";
  const std::string file = h.portal_dir() + "/../old-rule-r2.json";
  write_file(file, signed_release(doc.dump()));
  std::string said;
  ASSERT_EQ(run_shell(fabuctl(h, "correct old-rule " + file), said), 0) << said;
  ASSERT_TRUE(Harness::eventually([&] {
    for (const auto& d : h.deliveries("old-rule")) {
      if (d.channel == "portal" && d.revision == 2) return d.state == DeliveryState::delivered;
    }
    return false;
  }, seconds(20))) << h.log_of();

  const std::string page = read_file(h.portal_dir() + "/tzgg/2026/old-rule.html");
  EXPECT_NE(page.find("<th>有效性</th><td>已废止</td>"), std::string::npos) << page;
  EXPECT_NE(page.find("本文件自2027-01-01起废止（依据临政发〔2026〕30号）。"), std::string::npos) << page;
  for (const auto& d : h.deliveries("old-rule")) {
    EXPECT_FALSE(d.channel == "microblog" && d.revision == 2) << d.id << ": a repeal posts nothing on Weibo";
  }
  for (const std::string account : {"lead_acct", "m000"}) {
    const auto posts = live_posts_of(h, account);
    ASSERT_EQ(posts.size(), 1u) << account;
    EXPECT_EQ(posts[0].value("text", "").find("【更正】"), std::string::npos) << account;
  }
}

}  // namespace
}  // namespace fabu::testing
