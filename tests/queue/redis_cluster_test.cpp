// Redis Cluster routing: the slot arithmetic against values Redis itself reports, and the parsing of
// MOVED / ASK replies and of CLUSTER SLOTS.
#include "queue/redis_cluster.h"

#include <cstring>

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

namespace fabu {
namespace {

TEST(RedisCluster, Crc16MatchesTheClusterSpecification) {
  EXPECT_EQ(crc16_xmodem("123456789"), 0x31C3);  // the reference value in the Redis Cluster spec
  EXPECT_EQ(crc16_xmodem(""), 0);
}

TEST(RedisCluster, KeySlotsMatchWhatRedisAnswersToClusterKeyslot) {
  // Values from `CLUSTER KEYSLOT <key>` on Redis 7.0.
  EXPECT_EQ(key_hash_slot("foo"), 12182);
  EXPECT_EQ(key_hash_slot("bar"), 5061);
  EXPECT_EQ(key_hash_slot("123456789"), 0x31C3 % 16384);
  // A hash tag hashes only what is inside the first braces; empty braces hash the whole key.
  EXPECT_EQ(key_hash_slot("{user1000}.following"), key_hash_slot("user1000"));
  EXPECT_EQ(key_hash_slot("foo{}{bar}"), key_hash_slot("foo{}{bar}" /*whole key*/));
  EXPECT_NE(key_hash_slot("foo{}{bar}"), key_hash_slot("bar"));
  EXPECT_EQ(key_hash_slot("foo{{bar}}zap"), key_hash_slot("{bar"));
}

TEST(RedisCluster, EveryKeyOfAnOfficeSharesTheSlotOfItsPrefix) {
  EXPECT_EQ(office_slot("fabu"), key_hash_slot("fabu"));
  EXPECT_EQ(office_slot("fabu"), key_hash_slot("fabu:{fabu}:intake"));
  EXPECT_EQ(office_slot("fabu"), key_hash_slot("fabu:{fabu}:release:r-1"));
  EXPECT_NE(office_slot("linyi"), office_slot("jinan"));
}

TEST(RedisCluster, ParsesMovedAndAsk) {
  struct Case {
    const char* text;
    ClusterRedirect::Kind kind;
    int slot;
    const char* host;
    int port;
  };
  for (const Case& c : {Case{"MOVED 3999 127.0.0.1:6381", ClusterRedirect::Kind::moved, 3999, "127.0.0.1", 6381},
                        Case{"ASK 16383 10.1.2.3:7002", ClusterRedirect::Kind::ask, 16383, "10.1.2.3", 7002},
                        Case{"MOVED 7 ::1:7000", ClusterRedirect::Kind::moved, 7, "::1", 7000}}) {
    auto redirect = parse_cluster_redirect(c.text);
    ASSERT_TRUE(redirect) << c.text;
    EXPECT_EQ(redirect->kind, c.kind) << c.text;
    EXPECT_EQ(redirect->slot, c.slot) << c.text;
    EXPECT_EQ(redirect->host, c.host) << c.text;
    EXPECT_EQ(redirect->port, c.port) << c.text;
  }
}

TEST(RedisCluster, OtherErrorsAreNotRedirects) {
  EXPECT_FALSE(parse_cluster_redirect("ERR unknown command"));
  EXPECT_FALSE(parse_cluster_redirect("MOVED"));
  EXPECT_FALSE(parse_cluster_redirect("MOVED 3999"));
  EXPECT_FALSE(parse_cluster_redirect("MOVED 99999 127.0.0.1:6381"));
  EXPECT_FALSE(parse_cluster_redirect("ASK 12 127.0.0.1:0"));
  EXPECT_FALSE(parse_cluster_redirect("ASK 12 nocolon"));
  EXPECT_FALSE(parse_cluster_redirect("TRYAGAIN Multiple keys request during rehashing of slot"));
}

// Hand-built hiredis replies, shaped as CLUSTER SLOTS answers.
redisReply* string_reply(const char* text) {
  auto* r = static_cast<redisReply*>(calloc(1, sizeof(redisReply)));
  r->type = REDIS_REPLY_STRING;
  r->len = strlen(text);
  r->str = strdup(text);
  return r;
}
redisReply* integer_reply(long long value) {
  auto* r = static_cast<redisReply*>(calloc(1, sizeof(redisReply)));
  r->type = REDIS_REPLY_INTEGER;
  r->integer = value;
  return r;
}
redisReply* array_reply(std::initializer_list<redisReply*> items) {
  auto* r = static_cast<redisReply*>(calloc(1, sizeof(redisReply)));
  r->type = REDIS_REPLY_ARRAY;
  r->elements = items.size();
  r->element = static_cast<redisReply**>(calloc(items.size(), sizeof(redisReply*)));
  std::size_t i = 0;
  for (auto* item : items) r->element[i++] = item;
  return r;
}
redisReply* slots_row(long long first, long long last, const char* host, long long port) {
  return array_reply({integer_reply(first), integer_reply(last),
                      array_reply({string_reply(host), integer_reply(port), string_reply("node-id")})});
}

TEST(RedisCluster, ParsesClusterSlotsAndFindsTheOwner) {
  redisReply* reply = array_reply({slots_row(0, 5460, "127.0.0.1", 7000), slots_row(5461, 10922, "127.0.0.1", 7001),
                                   slots_row(10923, 16383, "", 7002)});
  const auto ranges = parse_cluster_slots(reply);
  freeReplyObject(reply);
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(slot_owner(ranges, 0)->port, 7000);
  EXPECT_EQ(slot_owner(ranges, 5461)->port, 7001);
  EXPECT_EQ(slot_owner(ranges, 16383)->port, 7002);
  EXPECT_EQ(slot_owner(ranges, 16383)->host, "");  // the caller fills in the seed's host
  EXPECT_FALSE(slot_owner({ranges[0]}, 6000));
  EXPECT_TRUE(parse_cluster_slots(nullptr).empty());
}

}  // namespace
}  // namespace fabu
