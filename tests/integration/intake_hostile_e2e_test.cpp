// End to end: hostile intake entries written straight into Redis (raw XADD), a poison entry that
// "crashed" earlier instances, and a restart. Real redis-server, real sandbox, real fabud processes.

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "queue/redis_connection.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

// A Redis connection of the test's own, for the commands a hostile writer would send.
class RawRedis {
 public:
  explicit RawRedis(const Harness& h) : redis_(config_of(h)), intake_(h.prefix() + ":{" + h.prefix() + "}:intake") {}

  // XADD <intake> * field value ...; returns the entry id.
  std::string xadd(const std::vector<std::string>& fields) {
    RedisArgs args{"XADD", intake_, "*"};
    args.insert(args.end(), fields.begin(), fields.end());
    return text(args);
  }
  std::string text(const RedisArgs& args) {
    auto reply = redis_.command(args);
    EXPECT_TRUE(reply.has_value()) << (reply ? "" : reply.error().message);
    return reply ? reply_string(reply->get()) : std::string();
  }
  long long integer(const RedisArgs& args) {
    auto reply = redis_.command(args);
    EXPECT_TRUE(reply.has_value()) << (reply ? "" : reply.error().message);
    return reply ? reply_integer(reply->get()) : -1;
  }
  const std::string& intake() const { return intake_; }

 private:
  static RedisConfig config_of(const Harness& h) {
    RedisConfig config;
    config.port = h.redis_port();
    return config;
  }
  RedisConnection redis_;
  std::string intake_;
};

// The reject record of one intake entry, once fabud wrote it.
std::optional<RejectRecord> reject_of(Harness& h, const std::string& entry_id) {
  std::optional<RejectRecord> found;
  Harness::eventually([&] {
    auto rejects = h.ledger().rejects(1000);
    if (!rejects) return false;
    for (const auto& r : *rejects) {
      if (r.intake_entry_id == entry_id) found = r;
    }
    return found.has_value();
  });
  return found;
}

bool has_error(const RejectRecord& r, const std::string& path, const std::string& reason_part) {
  for (const auto& e : r.errors) {
    if (e.path == path && e.reason.find(reason_part) != std::string::npos) return true;
  }
  return false;
}

std::string describe(const RejectRecord& r) {
  std::string out;
  for (const auto& e : r.errors) out += "[" + e.path + "] " + e.reason.substr(0, 300) + "\n";
  return out;
}

std::size_t longest_line(const std::string& text) {
  std::size_t longest = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) longest = std::max(longest, line.size());
  return longest;
}

TEST(IntakeHostileE2E, EveryRejectionReasonEndToEndAndTheIntakeKeepsGoing) {
  Harness h;
  RawRedis redis(h);
  auto fabud = h.start_fabud();
  const std::string valid = release_json("hostile-valid-1", R"({"portal":["tzgg"],"microblog":["lead"]})");
  std::string with_1e999 = valid;
  with_1e999.replace(with_1e999.find("\"title\":"), 8, "\"title\":1e999,\"x\":");
  std::string duplicate = valid;
  duplicate.insert(1, R"("id":"hostile-dup",)");
  const std::string ten_mb_id = R"({"id":")" + std::string(10 * 1024 * 1024, 'i') + R"("})";

  std::string nested_path = "title";
  for (int level = 1; level < 32; ++level) nested_path += "[0]";
  struct Case {
    std::string name;
    std::vector<std::string> fields;
    std::string path, reason;
    std::string entry_id = {};
  };
  std::vector<Case> cases = {
      {"1e999", {"release", with_1e999}, "title", "out of range for a 64-bit floating-point"},
      {"huge integer", {"release", R"({"id":123456789012345678901234567890})"}, "id", "expected a string, got a number"},
      {"NUL byte", {"release", valid + std::string(1, '\0') + valid}, "", "NUL byte at byte " + std::to_string(valid.size())},
      {"duplicate key", {"release", duplicate}, "id", "duplicate key"},
      {"deep nesting", {"release", R"({"title":)" + std::string(5000, '[') + std::string(5000, ']') + "}"}, nested_path,
       "nested deeper than 32 levels"},
      {"top-level array", {"release", "[" + valid + "]"}, "", "must be a JSON object, not an array"},
      {"no release field", {"releas", valid}, "release", "entry has no `release` field"},
      {"no field at all but format", {"format", "json"}, "release", "entry has no `release` field"},
      {"unknown format", {"release", valid, "format", "yaml"}, "format", "unknown payload format 'yaml'"},
      {"toml one character", {"release", "〔", "format", "toml"}, "", "outside a quoted string or comment"},
      {"toml é", {"release", "é", "format", "toml"}, "", "outside a quoted string or comment"},
      {"10 MB id", {"release", ten_mb_id}, "", "over the limit document_bytes"},
      {"invalid UTF-8", {"release", R"({"id":"a)" "\xff" R"("})"}, "id", "not valid UTF-8"},
  };
  for (auto& c : cases) c.entry_id = redis.xadd(c.fields);
  const std::string after = release_json("hostile-valid-2", R"({"portal":["tzgg"],"microblog":["lead"]})");
  h.enqueue(after);

  ASSERT_TRUE(Harness::eventually([&] { return h.settled("hostile-valid-2"); })) << h.log_of().substr(0, 4000);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto record = reject_of(h, c.entry_id);
    ASSERT_TRUE(record.has_value()) << "no reject record";
    EXPECT_TRUE(has_error(*record, c.path, c.reason)) << describe(*record);
    EXPECT_LE(record->payload.size(), 512u * 1024 + 200) << "the kept payload is bounded";
    EXPECT_LE(record->release_id.size(), 128u);
  }
  // Nothing of them was admitted, the valid releases went out, and fabud is still running.
  EXPECT_TRUE(h.deliveries("hostile-dup").empty());
  EXPECT_TRUE(h.settled("hostile-valid-1") || h.deliveries("hostile-valid-1").empty());
  EXPECT_TRUE(fabud.running());
  EXPECT_EQ(redis.integer({"XLEN", redis.intake()}), 0) << "every entry was decided and deleted";
  // No 10 MB log line: the big payload and id never reach the log verbatim.
  EXPECT_LT(longest_line(h.log_of()), 8192u);
}

TEST(IntakeHostileE2E, APoisonEntryGoesToRejectsAndTheValidReleaseAfterItIsDeliveredAcrossARestart) {
  Harness h;
  RawRedis redis(h);
  // The entry would be a valid release; what makes it poison is that it was handed out again and
  // again without a decision, as if it crashed every fabud that took it. It must not be parsed again.
  ASSERT_TRUE(h.ledger().ensure_intake());  // the group fabud reads with
  const std::string poison =
      redis.xadd({"release", release_json("hostile-poison", R"({"portal":["tzgg"],"microblog":["lead"]})")});
  redis.text({"XREADGROUP", "GROUP", "fabud", "crashed-instance", "COUNT", "1", "STREAMS", redis.intake(), ">"});
  redis.text({"XCLAIM", redis.intake(), "fabud", "crashed-instance", "0", poison, "RETRYCOUNT", "9"});
  h.enqueue(release_json("hostile-after-poison", R"({"portal":["tzgg"],"microblog":["lead"]})"));

  {
    auto fabud = h.start_fabud();
    ASSERT_TRUE(Harness::eventually([&] { return h.settled("hostile-after-poison"); })) << h.log_of();
    const auto record = reject_of(h, poison);
    ASSERT_TRUE(record.has_value()) << h.log_of();
    EXPECT_TRUE(has_error(*record, "", "poison: handed out 10 times")) << describe(*record);
    EXPECT_TRUE(has_error(*record, "", "daemon.intake_max_claims = 5")) << describe(*record);
    EXPECT_FALSE(record->payload.empty()) << "the poison payload is kept";
    EXPECT_TRUE(fabud.running());
    fabud.signal(SIGTERM);
    EXPECT_EQ(fabud.wait(), 0);
  }
  // A restart: the poison stays decided, a new release goes out, nothing is reclaimed forever.
  h.enqueue(release_json("hostile-after-restart", R"({"portal":["tzgg"],"microblog":["lead"]})"));
  auto fabud = h.start_fabud();
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("hostile-after-restart"); })) << h.log_of();
  EXPECT_TRUE(h.deliveries("hostile-poison").empty()) << "the poison entry was never admitted";
  for (const auto& d : h.deliveries("hostile-after-poison")) EXPECT_EQ(d.state, DeliveryState::delivered) << d.id;
  for (const auto& d : h.deliveries("hostile-after-restart")) EXPECT_EQ(d.state, DeliveryState::delivered) << d.id;
  EXPECT_EQ(redis.integer({"XLEN", redis.intake()}), 0);
  EXPECT_TRUE(fabud.running());
}

TEST(IntakeHostileE2E, FabuctlRefusesHostileInputWithoutAborting) {
  Harness h;
  RawRedis redis(h);
  TempDir dir;
  const std::string fabuctl = std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " ";
  std::string with_1e999 = release_json("ctl-1e999", R"({"portal":["tzgg"]})");
  with_1e999.replace(with_1e999.find("\"title\":"), 8, "\"title\":1e999,\"x\":");
  write_file(dir.path() + "/big-number.json", with_1e999);
  write_file(dir.path() + "/one-char.toml", "〔");
  write_file(dir.path() + "/nul.json", std::string("{\"id\":\0}", 8));
  write_file(dir.path() + "/huge.json", std::string(600 * 1024, ' '));
  std::string out;
  EXPECT_EQ(run_shell(fabuctl + "submit " + dir.path() + "/big-number.json", out), 2) << out;
  EXPECT_NE(out.find("title: number 1e999 is out of range"), std::string::npos) << out;
  EXPECT_EQ(run_shell(fabuctl + "submit --dry-run " + dir.path() + "/one-char.toml " + dir.path() + "/nul.json " +
                    dir.path() + "/huge.json",
                out),
            2)
      << out;
  EXPECT_NE(out.find("outside a quoted string"), std::string::npos) << out;
  EXPECT_NE(out.find("NUL byte at byte 6"), std::string::npos) << out;
  EXPECT_NE(out.find("over the limit document_bytes"), std::string::npos) << out;

  // Records in Redis are input too: anyone with access may have written garbage there.
  const std::string rejects = h.prefix() + ":{" + h.prefix() + "}:rejects";
  redis.integer({"LPUSH", rejects, R"({"at_ms":"yesterday","payload":5,"errors":[{"path":1,"reason":[1e999]}]})"});
  redis.integer({"LPUSH", rejects, R"({"at_ms":1e999})"});
  redis.integer({"LPUSH", rejects, R"({"release_id":")" + std::string(100000, 'r') + R"(","errors":[]})"});
  redis.integer({"LPUSH", rejects, "not json at all"});
  EXPECT_EQ(run_shell(fabuctl + "rejects", out), 0) << out;
  EXPECT_LT(longest_line(out), 2048u);
}

// Every verb that reads a file reads at most its limit, whatever the file is (a pipe has no size to
// check first), and refuses a folder or a file it cannot open with the reason. Lists shorter than one
// entry and log states that do not exist are refused, not answered with an empty list.
TEST(IntakeHostileE2E, FabuctlRefusesFilesAndArgumentsItCannotTakeWithTheReason) {
  Harness h;
  TempDir dir;
  const std::string fabuctl = std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " ";
  std::string out;
  EXPECT_EQ(run_shell("head -c 600000 /dev/zero | " + fabuctl + "submit --dry-run /dev/stdin", out), 2) << out;
  EXPECT_NE(out.find("/dev/stdin: is more than 524288 bytes, over the limit document_bytes (524288)"),
            std::string::npos)
      << out;
  for (const std::string verb : {"submit --dry-run", "correct good-001", "conference record good-001"}) {
    EXPECT_EQ(run_shell(fabuctl + verb + " " + dir.path(), out), 2) << verb << ": " << out;
    EXPECT_NE(out.find(dir.path() + ": is a folder, not a file"), std::string::npos) << verb << ": " << out;
    EXPECT_EQ(run_shell(fabuctl + verb + " " + dir.path() + "/missing.toml", out), 2) << verb << ": " << out;
    EXPECT_NE(out.find("missing.toml: cannot read it: No such file or directory"), std::string::npos)
        << verb << ": " << out;
  }
  write_file(dir.path() + "/big.md", std::string(600 * 1024, 'x'));
  EXPECT_EQ(run_shell(fabuctl + "correct good-001 " + dir.path() + "/big.md", out), 2) << out;
  EXPECT_NE(out.find("big.md: is 614400 bytes, over the limit document_bytes (524288)"), std::string::npos) << out;
  EXPECT_EQ(run_shell(fabuctl + "conference record good-001 " + dir.path() + "/big.md", out), 2) << out;
  EXPECT_NE(out.find("big.md: is 614400 bytes, over the limit body_bytes (262144)"), std::string::npos) << out;
  write_file(dir.path() + "/empty.toml", "");
  EXPECT_EQ(run_shell(fabuctl + "correct good-001 " + dir.path() + "/empty.toml", out), 2) << out;
  EXPECT_NE(out.find("empty.toml: (document): "), std::string::npos) << out;

  for (const std::string list : {"rejects -n -5", "rejects -n 0", "held -n -1", "dlq list -n 0"}) {
    EXPECT_NE(run_shell(fabuctl + list, out), 0) << list << ": " << out;
    EXPECT_NE(out.find("--limit: Value"), std::string::npos) << list << ": " << out;
    EXPECT_NE(out.find("not in range 1 to"), std::string::npos) << list << ": " << out;
  }
  EXPECT_NE(run_shell(fabuctl + "logs --state bogus", out), 0) << out;
  EXPECT_NE(out.find("--state: bogus not in {delivered,retrying,rate_limited,needs_auth,dead,stale,admitted,"),
            std::string::npos)
      << out;
  EXPECT_EQ(run_shell(fabuctl + "logs --channel bogus", out), 2) << out;
  EXPECT_NE(out.find("--channel: no channel 'bogus'"), std::string::npos) << out;
  EXPECT_NE(out.find("(configured: portal, microblog)"), std::string::npos) << out;
}

}  // namespace
}  // namespace fabu::testing
