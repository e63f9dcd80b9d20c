// Connection failures: Redis down, restarted, or not answering. Every failure is a transient Error.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "queue/redis_connection.h"
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

// fabu writes the protocol's request form itself (queue/redis_connection.cpp): arguments that look
// like protocol, hold a NUL or are empty arrive byte for byte, alone, pipelined and in a script call.
TEST(LedgerConnectionTest, ArgumentsArriveByteForByteAlonePipelinedAndInScripts) {
  RedisServer server;
  const auto config = config_for(server.port());
  RedisConnection redis(config);
  const std::string awkward("*2\r\n$3\r\nGET\r\n\0临沂 ", 21);
  const std::string key = config.prefix + ":awkward";
  ASSERT_TRUE(redis.command({"SET", key, awkward}));
  auto got = redis.command({"GET", key});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(reply_string(got->get()), awkward);

  auto replies = redis.pipeline({{"SET", key + ":empty", ""}, {"STRLEN", key}, {"GET", key + ":empty"}, {"GET", key}});
  ASSERT_TRUE(replies) << replies.error().message;
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_EQ(reply_integer((*replies)[1].get()), static_cast<long long>(awkward.size()));
  EXPECT_EQ(reply_string((*replies)[2].get(), "nil"), "");
  EXPECT_EQ(reply_string((*replies)[3].get()), awkward);

  const RedisScript joined{"joined", "return KEYS[1] .. '|' .. ARGV[1] .. '|' .. ARGV[2]"};
  auto ran = redis.eval(joined, {key}, {awkward, ""});
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_EQ(reply_string(ran->get()), key + "|" + awkward + "|");

  // A request larger than the buffer fabu keeps between requests, then small ones again.
  const std::string big(3 << 20, 'x');
  auto big_replies = redis.pipeline({{"SET", key + ":big", big}, {"STRLEN", key + ":big"}});
  ASSERT_TRUE(big_replies) << big_replies.error().message;
  EXPECT_EQ(reply_integer((*big_replies)[1].get()), static_cast<long long>(big.size()));
  ASSERT_TRUE(redis.command({"APPEND", key + ":big", big}));
  auto again = redis.command({"GET", key});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(reply_string(again->get()), awkward);
  auto doubled = redis.command({"STRLEN", key + ":big"});
  ASSERT_TRUE(doubled) << doubled.error().message;
  EXPECT_EQ(reply_integer(doubled->get()), static_cast<long long>(2 * big.size()));
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
