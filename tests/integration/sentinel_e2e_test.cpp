// End to end: fabud finds its Redis through three real sentinels, and a failover in the middle of a
// run (SENTINEL FAILOVER: the replica becomes the master, the old master a replica) loses no delivery
// and posts none twice. Releases queued before the failover on the old master and after it on the new
// one all go out exactly once.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace fabu::testing {
namespace {

const std::string kMaster = "fabu-test-master";

std::string redis_cli(int port, const std::string& args, const std::string& stdin_text = {}) {
  std::string out;
  run_shell("redis-cli -p " + std::to_string(port) + " " + args, out, stdin_text);
  return out;
}

// A sentinel watching `master_port`, on a free port, with its own (rewritable) config file.
class Sentinel {
 public:
  explicit Sentinel(int master_port) : port_(free_port()) {
    const std::string conf = dir_.path() + "/sentinel.conf";
    write_file(conf, "port " + std::to_string(port_) + "\nbind 127.0.0.1\ndir " + dir_.path() +
                         "\nsentinel monitor " + kMaster + " 127.0.0.1 " + std::to_string(master_port) +
                         " 2\nsentinel down-after-milliseconds " + kMaster + " 1000\nsentinel failover-timeout " +
                         kMaster + " 5000\n");
    process_ = ChildProcess({"redis-server", conf, "--sentinel"}, {}, dir_.path() + "/sentinel.log");
    if (!wait_for_port(port_)) throw std::runtime_error("sentinel did not start");
  }
  int port() const { return port_; }
  // The port of the master this sentinel names now (0 when it names none).
  int master_port() const {
    const std::string said = redis_cli(port_, "--raw SENTINEL get-master-addr-by-name " + kMaster);
    const auto newline = said.find('\n');
    return newline == std::string::npos ? 0 : std::atoi(said.c_str() + newline + 1);
  }

 private:
  TempDir dir_;
  int port_;
  ChildProcess process_;
};

TEST(SentinelE2E, FabudFollowsAFailoverAndLosesNoDelivery) {
  RedisServer primary(true), replica(true);
  ASSERT_EQ(redis_cli(replica.port(), "REPLICAOF 127.0.0.1 " + std::to_string(primary.port())), "OK\n");
  ASSERT_TRUE(Harness::eventually([&] {
    return redis_cli(replica.port(), "INFO replication").find("master_link_status:up") != std::string::npos;
  }));
  std::vector<std::unique_ptr<Sentinel>> sentinels;
  std::string addresses;
  for (int i = 0; i < 3; ++i) {
    sentinels.push_back(std::make_unique<Sentinel>(primary.port()));
    addresses += std::string(i ? ", " : "") + "\"127.0.0.1:" + std::to_string(sentinels.back()->port()) + "\"";
  }
  // A failover needs every sentinel to know the replica and the other sentinels.
  ASSERT_TRUE(Harness::eventually([&] {
    for (auto& s : sentinels) {
      const std::string master = redis_cli(s->port(), "SENTINEL master " + kMaster);
      if (master.find("num-slaves\n1\n") == std::string::npos || master.find("num-other-sentinels\n2\n") == std::string::npos) return false;
    }
    return true;
  }, std::chrono::seconds(30)));

  HarnessOptions options;
  options.redis_port = primary.port();
  options.members = {{"county_a"}, {"county_b"}};
  options.sandbox_args = {"--latency-ms", "50"};  // one post in flight per account: ~2 s of work before
  options.redis_extra_toml = "sentinels = [" + addresses + "]\nmaster_name = \"" + kMaster + "\"\n";
  Harness h(options);
  auto fabud = h.start_fabud();

  const std::string targets = R"({"microblog":["lead","all"],"portal":["tzgg"]})";
  constexpr int kBefore = 40, kAfter = 12;
  for (int i = 0; i < kBefore; ++i) h.enqueue(release_json("sen-before-" + std::to_string(i), targets));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("sen-before-0"); })) << h.log_of();

  ASSERT_FALSE(h.settled("sen-before-" + std::to_string(kBefore - 1))) << "the failover should come mid-run";
  ASSERT_EQ(redis_cli(sentinels[0]->port(), "SENTINEL FAILOVER " + kMaster), "OK\n");
  ASSERT_TRUE(Harness::eventually([&] { return sentinels[0]->master_port() == replica.port(); },
                                  std::chrono::seconds(30)))
      << "the sentinels did not promote the replica";

  // New releases go to the new master, as a press-office system asking the sentinels would send them.
  const std::string intake = "'" + h.prefix() + ":{" + h.prefix() + "}:intake'";
  for (int i = 0; i < kAfter; ++i) {
    const std::string said = redis_cli(replica.port(), "-x XADD " + intake + " '*' format json release",
                                       release_json("sen-after-" + std::to_string(i), targets));
    ASSERT_EQ(said.find("ERR"), std::string::npos) << said;
  }

  // Read the outcome on the new master.
  RedisConfig fresh;
  fresh.port = replica.port();
  fresh.prefix = h.prefix();
  auto ledger = DeliveryLedger::connect(fresh);
  ASSERT_TRUE(ledger) << ledger.error().message;
  auto settled = [&](const std::string& id) {
    auto deliveries = (*ledger)->deliveries_of(id);
    if (!deliveries || deliveries->empty()) return false;
    for (const auto& d : *deliveries) {
      if (d.state != DeliveryState::delivered) return false;
    }
    return true;
  };
  ASSERT_TRUE(Harness::eventually([&] {
    for (int i = 0; i < kBefore; ++i) if (!settled("sen-before-" + std::to_string(i))) return false;
    for (int i = 0; i < kAfter; ++i) if (!settled("sen-after-" + std::to_string(i))) return false;
    return true;
  }, std::chrono::seconds(60))) << h.log_of();

  const auto posts = h.sandbox_posts();
  for (const char* account : {"lead_acct", "county_a", "county_b"}) {
    EXPECT_EQ(posts_by(posts, h.token_of(account)), kBefore + kAfter) << account << ": lost or posted twice";
  }
  // Releases queued only on the new master went out: fabud followed the failover.
}

}  // namespace
}  // namespace fabu::testing
