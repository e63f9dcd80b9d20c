// End to end on a real 3-primary Redis Cluster: two offices (two key prefixes, two fabud instances)
// whose slots live on different primaries each deliver their releases exactly once, with each office's
// keys on its own primary; and a fabud whose office's slot is moved to another primary mid-run follows
// the ASK and MOVED redirects and loses nothing.
#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "queue/redis_cluster.h"
#include "tests/integration/harness.h"
#include "tests/support/servers.h"

namespace fabu::testing {
namespace {

const std::string kTargets = R"({"microblog":["lead","all"],"portal":["tzgg"]})";

// Keys of the office `prefix` stored on the node at `port` (the node's own keyspace, no redirects).
int keys_on(int port, const std::string& prefix) {
  std::istringstream lines(RedisCluster::cli(port, "--scan --pattern '" + prefix + ":*'"));
  int count = 0;
  for (std::string line; std::getline(lines, line);) count += line.empty() ? 0 : 1;
  return count;
}

// `calls=` of a command in INFO commandstats, 0 when never called.
long long calls_of(int port, const std::string& command) {
  const std::string stats = RedisCluster::cli(port, "INFO commandstats");
  const auto at = stats.find("cmdstat_" + command + ":calls=");
  return at == std::string::npos ? 0 : std::stoll(stats.substr(at + command.size() + 15));
}

HarnessOptions office(const RedisCluster& cluster, const std::string& prefix) {
  HarnessOptions options;
  options.prefix = prefix;
  options.redis_cluster_ports = cluster.ports();
  options.members = {{"county_a"}};
  options.sandbox_args = {"--latency-ms", "20"};
  return options;
}

bool all_settled(Harness& h, const std::string& stem, int count) {
  for (int i = 0; i < count; ++i) {
    if (!h.settled(stem + std::to_string(i))) return false;
  }
  return true;
}

void expect_posts(Harness& h, int expected) {
  const auto posts = h.sandbox_posts();
  for (const char* account : {"lead_acct", "county_a"}) {
    EXPECT_EQ(posts_by(posts, h.token_of(account)), expected) << h.prefix() << " " << account << ": lost or posted twice";
  }
}

TEST(ClusterE2E, TwoOfficesOnDifferentPrimariesEachDeliverExactlyOnce) {
  RedisCluster cluster(3);
  const std::string a = unique_prefix();
  std::string b = unique_prefix();
  while (cluster.owner_of(office_slot(b)) == cluster.owner_of(office_slot(a))) b = unique_prefix();
  // The slot fabu computes is the one Redis computes for the office's keys.
  EXPECT_EQ(RedisCluster::cli(cluster.ports()[0], "CLUSTER KEYSLOT '" + a + ":{" + a + "}:intake'"),
            std::to_string(office_slot(a)) + "\n");

  Harness ha(office(cluster, a)), hb(office(cluster, b));
  auto fabud_a = ha.start_fabud(), fabud_b = hb.start_fabud();
  constexpr int kReleases = 12;
  for (int i = 0; i < kReleases; ++i) {
    ha.enqueue(release_json("cl-a-" + std::to_string(i), kTargets));
    hb.enqueue(release_json("cl-b-" + std::to_string(i), kTargets));
  }
  ASSERT_TRUE(Harness::eventually([&] { return all_settled(ha, "cl-a-", kReleases) && all_settled(hb, "cl-b-", kReleases); },
                                  std::chrono::seconds(60)))
      << ha.log_of() << hb.log_of();
  expect_posts(ha, kReleases);
  expect_posts(hb, kReleases);

  const int node_a = cluster.owner_of(office_slot(a)), node_b = cluster.owner_of(office_slot(b));
  ASSERT_NE(node_a, node_b);
  EXPECT_GT(keys_on(node_a, a), 0);
  EXPECT_EQ(keys_on(node_b, a), 0);
  EXPECT_GT(keys_on(node_b, b), 0);
  EXPECT_EQ(keys_on(node_a, b), 0);
  // Each fabud owns its office's lanes there too (the ownership scripts run on the office's primary).
  for (const auto* h : {&ha, &hb}) {
    EXPECT_NE(h->log_of().find("lane ownership: "), std::string::npos) << h->log_of();
    EXPECT_EQ(h->log_of().find("could not renew its lanes"), std::string::npos) << h->log_of();
  }
}

TEST(ClusterE2E, FabudFollowsItsOfficeSlotToAnotherPrimary) {
  RedisCluster cluster(3);
  const std::string prefix = unique_prefix();
  const int slot = office_slot(prefix);
  const int from = cluster.owner_of(slot);
  const int to = cluster.ports()[0] == from ? cluster.ports()[1] : cluster.ports()[0];

  Harness h(office(cluster, prefix));
  auto fabud = h.start_fabud();
  constexpr int kBefore = 8, kDuring = 4, kAfter = 4;
  for (int i = 0; i < kBefore; ++i) h.enqueue(release_json("mv-before-" + std::to_string(i), kTargets));
  ASSERT_TRUE(Harness::eventually([&] { return all_settled(h, "mv-before-", kBefore); }, std::chrono::seconds(60)))
      << h.log_of();

  const long long asking_before = calls_of(to, "asking");
  cluster.move_slot(slot, to, [&] {
    // The keys are on the new primary; the old one still owns the slot and answers ASK.
    for (int i = 0; i < kDuring; ++i) h.enqueue(release_json("mv-during-" + std::to_string(i), kTargets));
    ASSERT_TRUE(Harness::eventually([&] { return all_settled(h, "mv-during-", kDuring); }, std::chrono::seconds(30)))
        << h.log_of();
  });
  EXPECT_GT(calls_of(to, "asking"), asking_before) << "nothing followed an ASK";
  ASSERT_EQ(cluster.owner_of(slot, from), to);

  // The slot changed hands: fabud's connection to the old primary meets MOVED and follows it.
  for (int i = 0; i < kAfter; ++i) h.enqueue(release_json("mv-after-" + std::to_string(i), kTargets));
  ASSERT_TRUE(Harness::eventually([&] { return all_settled(h, "mv-after-", kAfter); }, std::chrono::seconds(60)))
      << h.log_of();
  expect_posts(h, kBefore + kDuring + kAfter);
  EXPECT_EQ(keys_on(from, prefix), 0);
  EXPECT_GT(keys_on(to, prefix), 0);
}

}  // namespace
}  // namespace fabu::testing
