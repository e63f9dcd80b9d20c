// The generated name tables run in a real Redis: a script reads the C++ names through them, and a
// name that is not in a table stops the script with an error instead of comparing as nil.
#include <gtest/gtest.h>

#include <hiredis/hiredis.h>

#include "queue/delivery_ledger.h"
#include "queue/lua_prelude.h"
#include "queue/redis_connection.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace fabu {
namespace {

class LedgerNamesInRedis : public ::testing::Test {
 protected:
  LedgerNamesInRedis() : redis_(config()) {}

  RedisConfig config() {
    RedisConfig c;
    c.host = "127.0.0.1";
    c.port = testing::shared_redis_port();
    return c;
  }

  RedisConnection redis_;
};

TEST_F(LedgerNamesInRedis, AScriptReadsTheNamesOfTheCppTables) {
  const RedisScript script{"names", lua::names_prelude() +
                                        "return {STATE.retracted, OUTCOME.retry, KIND.returned, KIND.none}"};
  auto reply = redis_.eval(script, {"k"}, {});
  ASSERT_TRUE(reply) << reply.error().message;
  ASSERT_EQ(reply_size(reply->get()), 4u);
  EXPECT_EQ(reply_string(reply_at(reply->get(), 0)), to_string(DeliveryState::retracted));
  EXPECT_EQ(reply_string(reply_at(reply->get(), 1)), "retrying");
  EXPECT_EQ(reply_string(reply_at(reply->get(), 2)), "returned");
  EXPECT_EQ(reply_string(reply_at(reply->get(), 3)), "");
}

TEST_F(LedgerNamesInRedis, ANameNotInATableIsAScriptError) {
  const RedisScript script{"typo", lua::names_prelude() + "if 'queued' == STATE.queud then return 1 end return 0"};
  auto reply = redis_.eval(script, {"k"}, {});
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().message.find("no delivery state named queud"), std::string::npos) << reply.error().message;
}

}  // namespace
}  // namespace fabu
