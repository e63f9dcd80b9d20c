// End to end, the matrix hall (政务微博发布厅): one release fanned out to a lead and many member accounts,
// with per-account pacing enforced in Redis across fabud instances. Real redis-server, real sandbox
// platform over loopback, real fabud processes. Checks read the sandbox's own record of what it
// received (posts, receive times) and the ledger's delivery states, never wall-clock thresholds.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

using std::chrono::seconds;

// A summary long enough that every own post must be shortened to fit Weibo's 140.
const std::string kLongSummary =
    "市政府新闻办今天举行新闻发布会，介绍全市政务公开工作情况。全年召开新闻发布会7场，发布政策解读40余篇，"
    "政务服务大厅受理审批事项449614件，办结448224件，按时办结率持续提升。各县区、各部门要进一步做好政府信息"
    "主动公开，及时回应社会关切，推动政务公开标准化规范化建设，让群众看得到、听得懂、能监督。";

// Posts the sandbox holds, grouped by access token, without destroyed ones.
std::map<std::string, std::vector<nlohmann::json>> posts_by_token(const nlohmann::json& posts) {
  std::map<std::string, std::vector<nlohmann::json>> out;
  for (const auto& p : posts) {
    if (!p.value("deleted", false)) out[p.value("token", "")].push_back(p);
  }
  return out;
}

// Receive times (unix ms, the sandbox's clock) of one account's posts, oldest first.
std::vector<std::int64_t> receive_times(const nlohmann::json& posts, const std::string& token) {
  std::vector<std::int64_t> times;
  for (const auto& p : posts) {
    if (p.value("token", "") == token && !p.value("deleted", false)) times.push_back(p.value("created_at_ms", 0LL));
  }
  std::sort(times.begin(), times.end());
  return times;
}

std::optional<DeliveryStatus> find_delivery(Harness& h, const std::string& release, const std::string& destination) {
  for (auto& d : h.deliveries(release)) {
    if (d.destination == destination) return d;
  }
  return std::nullopt;
}

bool delivered_to(Harness& h, const std::string& release, const std::string& destination) {
  auto d = find_delivery(h, release, destination);
  return d && d->state == DeliveryState::delivered;
}

// The delivery log lines ("event":"delivery") a fabud wrote, as JSON.
std::vector<nlohmann::json> delivery_events(const std::string& log) {
  std::vector<nlohmann::json> events;
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    const auto start = line.find("{\"");
    if (start == std::string::npos || line.find("\"event\":\"delivery\"") == std::string::npos) continue;
    auto event = nlohmann::json::parse(line.substr(start), nullptr, false);
    if (!event.is_discarded()) events.push_back(std::move(event));
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------

TEST(MatrixE2E, ThreeHundredMembersInMixedModesAreEachPostedExactlyOnce) {
  std::vector<AccountSpec> members;
  std::set<std::string> reposters;
  for (int i = 0; i < 300; ++i) {
    const bool repost = i % 3 == 0;
    members.push_back({member_id(i), i % 2 == 0 ? "county" : "department", repost ? "repost" : "post"});
    if (repost) reposters.insert(member_id(i));
  }
  Harness h({.members = members});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("matrix-300", R"({"portal":["tzgg"],"microblog":["lead","all"]})",
                         "临沂市2026年政府信息公开工作新闻发布会", kLongSummary));

  ASSERT_TRUE(Harness::eventually([&] { return h.settled("matrix-300"); }, seconds(50))) << h.log_of();
  const auto deliveries = h.deliveries("matrix-300");
  ASSERT_EQ(deliveries.size(), 302u);  // the portal article, the lead, 300 members
  std::string article_url, lead_post_id;
  std::map<std::string, std::string> post_id_of;  // account -> post id the ledger recorded
  for (const auto& d : deliveries) {
    EXPECT_EQ(d.state, DeliveryState::delivered) << d.id << ": " << d.last_error;
    if (d.channel == "portal") article_url = d.url;
    if (d.channel == "microblog") post_id_of[d.destination] = d.post_id;
  }
  lead_post_id = post_id_of["lead_acct"];
  ASSERT_FALSE(article_url.empty());
  ASSERT_FALSE(lead_post_id.empty());

  const auto posts = h.sandbox_posts();
  EXPECT_EQ(posts.size(), 301u) << "one post per account, nothing else";
  const auto by_token = posts_by_token(posts);
  const std::string mention = "@lead_acct发布";  // the lead's screen name in the harness' config

  ASSERT_TRUE(by_token.contains(h.token_of("lead_acct")));
  const auto& lead_posts = by_token.at(h.token_of("lead_acct"));
  ASSERT_EQ(lead_posts.size(), 1u);
  EXPECT_EQ(lead_posts[0].value("idstr", ""), lead_post_id);
  EXPECT_EQ(lead_posts[0].value("kind", ""), "share");
  EXPECT_LE(weibo_length(lead_posts[0].value("text", "")), 140u);
  EXPECT_NE(lead_posts[0].value("text", "").find(article_url), std::string::npos);

  int reposts = 0, own_posts = 0;
  for (const auto& m : members) {
    const auto it = by_token.find(h.token_of(m.id));
    ASSERT_TRUE(it != by_token.end()) << m.id << " was never posted";
    ASSERT_EQ(it->second.size(), 1u) << m.id;
    const auto& post = it->second[0];
    EXPECT_EQ(post.value("idstr", ""), post_id_of[m.id]) << m.id << ": the ledger names the sandbox's post";
    const std::string text = post.value("text", "");
    if (reposters.contains(m.id)) {
      ++reposts;
      EXPECT_EQ(post.value("kind", ""), "repost") << m.id;
      EXPECT_EQ(std::to_string(post.value("retweeted_id", std::int64_t{0})), lead_post_id) << m.id;
    } else {
      ++own_posts;
      EXPECT_EQ(post.value("kind", ""), "share") << m.id;
      EXPECT_LE(weibo_length(text), 140u) << m.id << ": " << text;
      EXPECT_NE(text.find(article_url), std::string::npos) << m.id << ": " << text;
      EXPECT_NE(text.find(mention), std::string::npos) << m.id << ": " << text;
      EXPECT_NE(text.find(m.id + "单位"), std::string::npos) << m.id << ": the member's own unit";
    }
  }
  EXPECT_EQ(reposts, 100);
  EXPECT_EQ(own_posts, 200);
  // The summary did not fit: the posts were shortened to fit, not rejected by the platform.
  EXPECT_NE(lead_posts[0].value("text", "").find("…"), std::string::npos);
}

TEST(MatrixE2E, SlowAccountDoesNotHoldUpTheOthers) {
  std::vector<AccountSpec> members = {{"slow"}};
  for (int i = 0; i < 20; ++i) members.push_back({member_id(i)});
  // The slow account's replies take 30 s: slow, not failing, so the request timeout exceeds it and
  // the lease exceeds the request timeout (no reclaim while the reply is awaited).
  Harness h({.members = members, .lease_seconds = 90, .request_timeout_ms = 40000});
  const auto slow_token = h.token_of("slow");
  ASSERT_EQ(http_request(h.sandbox().port(), "POST", "/_sandbox/faults",
                         nlohmann::json{{"slow_tokens", {{slow_token, 30000}}}}.dump())
                .status,
            200);
  auto fabud = h.start_fabud();
  const std::vector<std::string> releases = {"hol-1", "hol-2", "hol-3"};
  for (const auto& id : releases) h.enqueue(release_json(id, R"({"portal":["tzgg"],"microblog":["all"]})"));

  // Every other delivery of every release completes while the slow account still awaits its first reply.
  ASSERT_TRUE(Harness::eventually([&] {
    for (const auto& id : releases) {
      for (const auto& d : h.deliveries(id)) {
        if (d.destination != "slow" && d.state != DeliveryState::delivered) return false;
      }
      if (h.deliveries(id).size() != 22u) return false;
    }
    return true;
  }, seconds(20))) << h.log_of();

  // The slow account: one post awaiting its 30 s reply, the others waiting their turn in its own lane
  // (one post in flight per account), none attempted yet.
  int sending = 0, queued = 0;
  for (const auto& id : releases) {
    auto d = find_delivery(h, id, "slow");
    ASSERT_TRUE(d.has_value()) << id;
    if (d->state == DeliveryState::sending) {
      ++sending;
      EXPECT_EQ(d->attempt, 1) << id;
    } else {
      ++queued;
      EXPECT_EQ(d->state, DeliveryState::queued) << id;
      EXPECT_EQ(d->attempt, 0) << id;
    }
  }
  EXPECT_EQ(sending, 1);
  EXPECT_EQ(queued, 2);
  const auto by_token = posts_by_token(h.sandbox_posts());
  for (int i = 0; i < 20; ++i) {
    const auto it = by_token.find(h.token_of(member_id(i)));
    ASSERT_TRUE(it != by_token.end()) << member_id(i);
    EXPECT_EQ(it->second.size(), releases.size()) << member_id(i);
  }
  // The sandbox took the slow account's first post at once; only its reply is held.
  ASSERT_TRUE(by_token.contains(slow_token));
  EXPECT_EQ(by_token.at(slow_token).size(), 1u);
  // Not waiting out the 30 s: fabud is killed here, the sandbox by the harness.
  fabud.kill_and_wait();
}

TEST(MatrixE2E, EachAccountHasAtMostOnePostInFlight) {
  constexpr int kLatencyMs = 300;
  std::vector<AccountSpec> members = {{"a1"}, {"a2"}, {"a3"}};
  Harness h({.sandbox_args = {"--latency-ms", std::to_string(kLatencyMs)}, .members = members});
  auto fabud = h.start_fabud();
  // Queued together, so every release's posts are due at once: only the lane limit spaces them.
  const std::vector<std::string> releases = {"one-1", "one-2", "one-3", "one-4"};
  for (const auto& id : releases) h.enqueue(release_json(id, R"({"portal":["tzgg"],"microblog":["all"]})"));
  ASSERT_TRUE(Harness::eventually([&] {
    return std::all_of(releases.begin(), releases.end(), [&](const auto& id) { return h.settled(id); });
  }, seconds(30))) << h.log_of();

  const auto posts = h.sandbox_posts();
  for (const auto& m : members) {
    const auto times = receive_times(posts, h.token_of(m.id));
    ASSERT_EQ(times.size(), releases.size()) << m.id;
    // The sandbox records a post when it arrives and answers `kLatencyMs` later; a second post of the
    // same account can only arrive after that answer. Two in flight would arrive milliseconds apart.
    for (std::size_t i = 1; i < times.size(); ++i) {
      EXPECT_GE(times[i] - times[i - 1], kLatencyMs - 5) << m.id << " posts " << i - 1 << " and " << i;
    }
  }
  // Meanwhile different accounts did overlap: their first posts arrived within one reply's latency.
  const auto first_a1 = receive_times(posts, h.token_of("a1")).front();
  const auto first_a2 = receive_times(posts, h.token_of("a2")).front();
  EXPECT_LT(std::llabs(first_a1 - first_a2), kLatencyMs);
}

TEST(MatrixE2E, ConcurrencyAcrossAccountsIsBoundedByMaxInFlight) {
  constexpr int kLatencyMs = 400;
  constexpr int kMaxInFlight = 4;
  std::vector<AccountSpec> members;
  for (int i = 0; i < 12; ++i) members.push_back({member_id(i)});
  Harness h({.sandbox_args = {"--latency-ms", std::to_string(kLatencyMs)}, .members = members,
             .max_in_flight = kMaxInFlight});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("bounded", R"({"portal":["tzgg"],"microblog":["all"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("bounded"); }, seconds(20))) << h.log_of();
  for (const auto& d : h.deliveries("bounded")) EXPECT_EQ(d.state, DeliveryState::delivered) << d.id;

  std::vector<std::int64_t> times;
  for (const auto& p : h.sandbox_posts()) times.push_back(p.value("created_at_ms", 0LL));
  std::sort(times.begin(), times.end());
  ASSERT_EQ(times.size(), members.size());
  // A send holds its slot until its reply, `kLatencyMs` after arrival: any window shorter than that
  // sees at most kMaxInFlight arrivals, and with 12 accounts due at once it sees more than one.
  std::size_t most = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const auto end = std::lower_bound(times.begin(), times.end(), times[i] + kLatencyMs - 10);
    most = std::max(most, static_cast<std::size_t>(end - (times.begin() + static_cast<std::ptrdiff_t>(i))));
  }
  EXPECT_LE(most, static_cast<std::size_t>(kMaxInFlight));
  EXPECT_GE(most, 2u);
}

TEST(MatrixE2E, MinimumGapHoldsAcrossTwoInstances) {
  Harness h({.members = {{"paced", "county", "post", 0, 1}}});
  const std::vector<std::string> releases = {"gap-1", "gap-2", "gap-3", "gap-4"};
  auto a = h.start_fabud_as("fabud-a", "instance-a");
  for (const auto& id : releases) h.enqueue(release_json(id, R"({"portal":["tzgg"],"microblog":["paced"]})"));
  // Instance a sends the first post; then it is frozen so that instance b must send the second,
  // inside the gap a's send opened, before both run side by side for the rest.
  ASSERT_TRUE(Harness::eventually([&] { return delivered_to(h, "gap-1", "paced"); }, seconds(20))) << h.log_of("fabud-a");
  a.signal(SIGSTOP);
  auto b = h.start_fabud_as("fabud-b", "instance-b");
  const bool second_sent = Harness::eventually([&] {
    int n = 0;
    for (const auto& id : releases) n += delivered_to(h, id, "paced") ? 1 : 0;
    return n >= 2;
  }, seconds(20));
  a.signal(SIGCONT);
  ASSERT_TRUE(second_sent) << h.log_of("fabud-b");
  ASSERT_TRUE(Harness::eventually([&] {
    return std::all_of(releases.begin(), releases.end(), [&](const auto& id) { return h.settled(id); });
  }, seconds(20))) << h.log_of("fabud-a") << h.log_of("fabud-b");

  for (const auto& id : releases) {
    auto d = find_delivery(h, id, "paced");
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->state, DeliveryState::delivered) << id << ": " << d->last_error;
  }
  const auto times = receive_times(h.sandbox_posts(), h.token_of("paced"));
  ASSERT_EQ(times.size(), releases.size());
  for (std::size_t i = 1; i < times.size(); ++i) {
    // The gate opens 1 s after the previous claim, and a request reaches the sandbox a moment after
    // its claim (a few ms, more on a loaded machine): allow for that. Unpaced, the posts would arrive
    // milliseconds apart.
    EXPECT_GE(times[i] - times[i - 1], 1000 - 100) << "posts " << i - 1 << " and " << i;
  }
  // Both instances posted for the account: the gap held between instances, not just within one.
  int by_a = 0, by_b = 0;
  for (const auto& e : delivery_events(h.log_of("fabud-a"))) {
    if (e.value("destination", "") == "paced" && e.value("outcome", "") == "delivered") ++by_a;
  }
  for (const auto& e : delivery_events(h.log_of("fabud-b"))) {
    if (e.value("destination", "") == "paced" && e.value("outcome", "") == "delivered") ++by_b;
  }
  EXPECT_GE(by_a, 1);
  EXPECT_GE(by_b, 1);
}

// Every account of the channel posts through one app: app_posts_per_hour = 3 lets three of the five
// accounts' posts out this hour, whichever two fabud instances send them, and holds the other two
// queued (never attempted, no failure) while each account is far below its own limit.
TEST(MatrixE2E, TheAppsHourlyQuotaHoldsTheAccountsTogetherAcrossInstances) {
  HarnessOptions o{.members = {{"m1"}, {"m2"}, {"m3"}, {"m4"}}};
  o.microblog_extra_toml = "app_posts_per_hour = 3\n";
  Harness h(o);
  auto first = h.start_fabud_as("first", "fabud-a");
  auto second = h.start_fabud_as("second", "fabud-b");
  h.enqueue(release_json("app-quota", R"({"portal":["tzgg"],"microblog":["lead","all"]})"));
  auto sent = [&] {
    int n = 0;
    for (const auto& d : h.deliveries("app-quota")) n += d.channel == "microblog" && d.state == DeliveryState::delivered;
    return n;
  };
  ASSERT_TRUE(Harness::eventually([&] { return sent() == 3; }, seconds(20))) << h.log_of("first") << h.log_of("second");
  // The portal article and nothing else: give a wrongly released post time to show up.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(sent(), 3);
  int held = 0;
  for (const auto& d : h.deliveries("app-quota")) {
    if (d.channel != "microblog" || d.state == DeliveryState::delivered) continue;
    ++held;
    EXPECT_EQ(d.state, DeliveryState::queued) << d.id;
    EXPECT_EQ(d.attempt, 0) << d.id << ": held by the quota, never attempted";
    EXPECT_TRUE(d.last_error.empty()) << d.id << ": " << d.last_error;
  }
  EXPECT_EQ(held, 2);
  EXPECT_EQ(h.sandbox_posts().size(), 3u) << h.sandbox_posts().dump();
  std::string lanes;
  ASSERT_EQ(run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " lanes", lanes), 0) << lanes;
  EXPECT_NE(lanes.find("app quota microblog: 3 of 3 sends in the last hour (full: its accounts wait)"),
            std::string::npos) << lanes;
  // The same as JSON: the quota, and the two lanes held by it with their deliveries queued.
  ASSERT_EQ(run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " lanes --json", lanes), 0) << lanes;
  const auto doc = nlohmann::json::parse(lanes, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << lanes;
  ASSERT_EQ(doc["quotas"].size(), 1u) << lanes;
  EXPECT_EQ(doc["quotas"][0]["group"], "microblog");
  EXPECT_EQ(doc["quotas"][0]["used"], 3);
  EXPECT_EQ(doc["quotas"][0]["limit"], 3);
  int queued = 0;
  for (const auto& lane : doc["lanes"]) {
    if (lane["lane"].get<std::string>().starts_with("microblog/")) queued += lane["queued"].get<int>();
    EXPECT_EQ(lane["state"], "ok") << lane.dump();
  }
  EXPECT_EQ(queued, 2) << lanes;
}

TEST(MatrixE2E, PostsPerHourLimitKeepsTheThirdQueuedWithoutCountingAFailure) {
  Harness h({.members = {{"hourly", "county", "post", 2, 0}, {"free"}}});
  auto fabud = h.start_fabud();
  const std::vector<std::string> releases = {"hour-1", "hour-2", "hour-3"};
  for (const auto& id : releases) h.enqueue(release_json(id, R"({"portal":["tzgg"],"microblog":["hourly"]})"));
  ASSERT_TRUE(Harness::eventually([&] {
    int n = 0;
    for (const auto& id : releases) n += delivered_to(h, id, "hourly") ? 1 : 0;
    return n == 2;
  }, seconds(20))) << h.log_of();
  // A later release for another account goes out: the dispatcher has claimed past the held one.
  h.enqueue(release_json("hour-other", R"({"portal":["tzgg"],"microblog":["free"]})"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("hour-other"); }, seconds(20))) << h.log_of();

  int queued = 0;
  for (const auto& id : releases) {
    auto d = find_delivery(h, id, "hourly");
    ASSERT_TRUE(d.has_value());
    if (d->state == DeliveryState::delivered) continue;
    ++queued;
    EXPECT_EQ(d->state, DeliveryState::queued) << id;
    EXPECT_EQ(d->attempt, 0) << id << ": held by the limit, never attempted";
    EXPECT_TRUE(d->last_error.empty()) << id << ": " << d->last_error;
  }
  EXPECT_EQ(queued, 1);
  EXPECT_EQ(receive_times(h.sandbox_posts(), h.token_of("hourly")).size(), 2u);
  auto dead = h.ledger().dead_letters(10);
  ASSERT_TRUE(dead.has_value());
  EXPECT_TRUE(dead->empty());
  auto lanes = h.ledger().lanes();
  ASSERT_TRUE(lanes.has_value());
  bool saw_lane = false;
  for (const auto& lane : *lanes) {
    if (lane.lane != "microblog/hourly") continue;
    saw_lane = true;
    EXPECT_EQ(lane.limits.per_hour, 2);
    EXPECT_EQ(lane.queued, 1);
    EXPECT_EQ(lane.in_flight, 0);
  }
  EXPECT_TRUE(saw_lane);
}

TEST(MatrixE2E, RateLimitedAccountSlowsDownAndIsDeliveredOnceWithoutSpendingAttempts) {
  // Every write answers 10023 until the fault is lifted. Two attempts would kill a failing delivery;
  // rate limits must not count, however many come.
  Harness h({.sandbox_args = {"--p-rate-limit", "1"}, .members = {{"busy"}}, .max_attempts = 2,
             .microblog_extra_toml = "rate_limit_wait_seconds = 1\n"});
  auto fabud = h.start_fabud();
  h.enqueue(release_json("limited", R"({"portal":["tzgg"],"microblog":["busy"]})"));

  auto rate_limit_replies = [&] {
    auto r = http_request(h.sandbox().port(), "GET", "/_sandbox/stats");
    auto stats = nlohmann::json::parse(r.body, nullptr, false);
    const auto share = nlohmann::json::json_pointer("/endpoints/statuses~1share.json/fault_rate_limit");
    if (stats.is_discarded() || !stats.contains(share)) return 0;
    return stats.at(share).get<int>();
  };
  ASSERT_TRUE(Harness::eventually([&] { return rate_limit_replies() >= 3; }, seconds(20))) << h.log_of();
  auto d = find_delivery(h, "limited", "busy");
  ASSERT_TRUE(d.has_value());
  EXPECT_NE(d->state, DeliveryState::dead) << d->last_error;
  EXPECT_NE(d->state, DeliveryState::delivered);
  // Between tries it waits in its lane, attempt given back; catch it there (a try is short).
  ASSERT_TRUE(Harness::eventually([&] {
    d = find_delivery(h, "limited", "busy");
    return d && d->state == DeliveryState::retrying;
  }, seconds(5)));
  EXPECT_EQ(d->attempt, 0);
  EXPECT_EQ(d->error_kind, "rate_limited");
  EXPECT_NE(d->last_error.find("10023"), std::string::npos) << d->last_error;
  auto lanes = h.ledger().lanes();
  ASSERT_TRUE(lanes.has_value());
  const auto busy =
      std::find_if(lanes->begin(), lanes->end(), [](const LaneStatus& l) { return l.lane == "microblog/busy"; });
  ASSERT_NE(busy, lanes->end());
  EXPECT_GE(busy->slow_until_ms, d->next_at_ms) << "the whole lane is slowed, not just the delivery";
  EXPECT_GT(busy->slow_until_ms, 0);

  ASSERT_EQ(http_request(h.sandbox().port(), "POST", "/_sandbox/faults", R"({"p_rate_limit":0})").status, 200);
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("limited"); }, seconds(20))) << h.log_of();
  d = find_delivery(h, "limited", "busy");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->state, DeliveryState::delivered) << d->last_error;
  EXPECT_EQ(d->attempt, 1) << "only the successful try counts";
  EXPECT_EQ(receive_times(h.sandbox_posts(), h.token_of("busy")).size(), 1u);
  int rate_limited_events = 0;
  for (const auto& e : delivery_events(h.log_of())) {
    if (e.value("destination", "") == "busy" && e.value("outcome", "") == "rate_limited") ++rate_limited_events;
  }
  EXPECT_GT(rate_limited_events, 2) << "more rate limits than max_attempts, and still delivered";
}

}  // namespace
}  // namespace fabu::testing
