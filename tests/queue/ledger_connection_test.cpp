// Connection failures: Redis down, restarted, or not answering. Every failure is a transient Error.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

using namespace std::chrono_literals;

RedisConfig config_for(int port) {
  RedisConfig config;
  config.host = "127.0.0.1";
  config.port = port;
  config.prefix = unique_prefix();
  config.connect_timeout = 500ms;
  config.command_timeout = 300ms;
  return config;
}

TEST(LedgerConnectionTest, ConnectingToNothingIsATransientRefusal) {
  auto ledger = DeliveryLedger::connect(config_for(free_port()));
  ASSERT_FALSE(ledger);
  EXPECT_EQ(ledger.error().kind, ErrorKind::transient);
  EXPECT_NE(ledger.error().message.find("connection refused"), std::string::npos) << ledger.error().message;
}

TEST(LedgerConnectionTest, PrefixWithBracesIsAConfigError) {
  RedisServer server;
  auto config = config_for(server.port());
  config.prefix = "fa{bu}";
  auto ledger = DeliveryLedger::connect(config);
  ASSERT_FALSE(ledger);
  EXPECT_EQ(ledger.error().kind, ErrorKind::config);
}

TEST(LedgerConnectionTest, ReconnectsAfterRedisRestarts) {
  RedisServer server;
  auto ledger = DeliveryLedger::connect(config_for(server.port()));
  ASSERT_TRUE(ledger) << ledger.error().message;
  auto& l = **ledger;
  ASSERT_TRUE(l.ensure_intake());
  ASSERT_TRUE(l.enqueue("{}", "json"));

  server.stop();
  for (int i = 0; i < 3; ++i) {
    auto down = l.enqueue("{}", "json");
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().kind, ErrorKind::transient) << down.error().message;
  }
  auto claim_down = l.claim("w", 10, T0, 10s);
  ASSERT_FALSE(claim_down);
  EXPECT_EQ(claim_down.error().kind, ErrorKind::transient);
  EXPECT_NE(claim_down.error().message.find("connection refused"), std::string::npos) << claim_down.error().message;

  server.start();
  // The restarted server has no scripts cached and no data: the ledger must load scripts again and
  // recreate the intake on demand.
  auto admitted = l.admit([] {
    AdmitRequest r;
    r.release_id = "after-restart";
    r.digest = "d";
    r.release_json = "{}";
    r.now_ms = T0;
    r.deliveries = {DeliverySpec{"portal", "article", "portal/site", ""}};
    return r;
  }());
  ASSERT_TRUE(admitted) << admitted.error().message;
  EXPECT_EQ(admitted->outcome, AdmitOutcome::admitted);
  auto claimed = l.claim("w", 10, T0, 10s);
  ASSERT_TRUE(claimed) << claimed.error().message;
  EXPECT_EQ(claimed->size(), 1u);
  auto read = l.read_intake("w", 10, 50ms);
  ASSERT_TRUE(read) << read.error().message;
}

// A peer that accepts the connection and never answers: the command must time out, not hang.
TEST(LedgerConnectionTest, SilentServerTimesOut) {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);

  auto ledger = DeliveryLedger::connect(config_for(ntohs(addr.sin_port)));
  ASSERT_TRUE(ledger) << ledger.error().message;
  auto depth = (*ledger)->intake_depth();
  ::close(listener);
  ASSERT_FALSE(depth);
  EXPECT_EQ(depth.error().kind, ErrorKind::transient);
  EXPECT_NE(depth.error().message.find("timeout"), std::string::npos) << depth.error().message;
}

}  // namespace
}  // namespace fabu::testing
