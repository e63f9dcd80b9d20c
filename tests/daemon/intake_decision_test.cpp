// How the intake decides one stream entry before anything is written: poison, a missing `release`
// field, an unknown format, and payloads that used to throw.
#include <gtest/gtest.h>

#include "config/config.h"
#include "daemon/intake_worker.h"

namespace fabu {
namespace {

std::shared_ptr<const ChannelSet> no_channels() {
  AdapterRegistry registry;
  auto config = parse_config("", "test.toml");
  EXPECT_TRUE(config.has_value());
  AdapterEnv env;
  auto set = ChannelSet::create(**config, registry, env);
  EXPECT_TRUE(set.has_value());
  return *set;
}

IntakeEntry entry(std::string payload, std::int64_t deliveries = 1) {
  IntakeEntry e;
  e.entry_id = "1-0";
  e.payload = std::move(payload);
  e.format = "json";
  e.has_release = true;
  e.deliveries = deliveries;
  return e;
}

std::string reasons(const IntakeDecision& d) { return join(d.errors); }

TEST(IntakeDecision, AnEntryHandedOutTooOftenIsPoisonAndIsNotParsed) {
  const auto channels = no_channels();
  const IntakeDecision d = examine_entry(entry(R"({"id":"would-be-read"})", 6), 5, *channels, ApprovalPolicy{});
  ASSERT_FALSE(d.request);
  EXPECT_EQ(reasons(d), "poison: handed out 6 times without being admitted or rejected "
                        "(daemon.intake_max_claims = 5); it is not read again");
  EXPECT_EQ(d.release_id, "") << "a poison payload is not parsed, not even for its id";
  EXPECT_NE(reasons(examine_entry(entry("{}", 5), 5, *channels, ApprovalPolicy{})), reasons(d)) << "5 hand-outs are still allowed";
}

TEST(IntakeDecision, AnEntryWithoutAReleaseFieldSaysSo) {
  const auto channels = no_channels();
  IntakeEntry e = entry("");
  e.has_release = false;
  EXPECT_EQ(reasons(examine_entry(e, 5, *channels, ApprovalPolicy{})), "release: entry has no `release` field");
  EXPECT_EQ(reasons(examine_entry(entry(""), 5, *channels, ApprovalPolicy{})), "document is empty");
  e.malformed = "entry has no `release` field (its fields: Release): the release goes in a field named `release`";
  EXPECT_EQ(reasons(examine_entry(e, 5, *channels, ApprovalPolicy{})), "release: " + e.malformed)
      << "the reason names the fields the entry has";
}

TEST(IntakeDecision, UnknownFormatAndHostilePayloadsAreRefusedNotThrown) {
  const auto channels = no_channels();
  IntakeEntry yaml = entry("id: x");
  yaml.format = "yaml";
  EXPECT_EQ(reasons(examine_entry(yaml, 5, *channels, ApprovalPolicy{})), "format: unknown payload format 'yaml' (json or toml)");
  IntakeEntry toml = entry("〔");
  toml.format = "toml";
  EXPECT_NE(reasons(examine_entry(toml, 5, *channels, ApprovalPolicy{})).find("outside a quoted string"), std::string::npos);
  const IntakeDecision big = examine_entry(entry(R"({"id":"big","title":1e999})"), 5, *channels, ApprovalPolicy{});
  EXPECT_NE(reasons(big).find("title: number 1e999 is out of range"), std::string::npos) << reasons(big);
  EXPECT_EQ(big.release_id, "big") << "a number out of range after the id does not hide it";
  const IntakeDecision bad_byte =
      examine_entry(entry("{\"id\":\"utf-1\",\"kind\":\"news\",\"title\":\"a\xff\xfe b\"}"), 5, *channels, ApprovalPolicy{});
  EXPECT_NE(reasons(bad_byte).find("title"), std::string::npos) << reasons(bad_byte);
  EXPECT_EQ(bad_byte.release_id, "utf-1") << "a bad byte after the id does not hide it";
  const IntakeDecision nested = examine_entry(entry(R"({"meta":{"id":"inner"},"id":["x"],"title":"t"})"), 5,
                                              *channels, ApprovalPolicy{});
  EXPECT_EQ(nested.release_id, "") << "only a top-level string is an id";
  const IntakeDecision long_id = examine_payload(R"({"id":")" + std::string(100000, 'x') + R"("})", "json", *channels, ApprovalPolicy{});
  EXPECT_LE(long_id.release_id.size(), 64u + 40u) << "the guessed id is cut";
}

TEST(IntakeDecision, EachRefusalHasItsReasonClass) {
  const auto channels = no_channels();
  IntakeEntry yaml = entry("id: x");
  yaml.format = "yaml";
  EXPECT_EQ(examine_entry(yaml, 5, *channels, ApprovalPolicy{}).reject_reason, RejectReason::format);
  EXPECT_EQ(examine_entry(entry("{not json"), 5, *channels, ApprovalPolicy{}).reject_reason, RejectReason::invalid);
  EXPECT_EQ(examine_entry(entry("{}", 6), 5, *channels, ApprovalPolicy{}).reject_reason, RejectReason::poison);
  IntakeEntry none = entry("");
  none.has_release = false;
  EXPECT_EQ(examine_entry(none, 5, *channels, ApprovalPolicy{}).reject_reason, RejectReason::no_release);
  EXPECT_EQ(to_string(RejectReason::unplannable), "unplannable");
}

}  // namespace
}  // namespace fabu
