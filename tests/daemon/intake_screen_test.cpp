// The intake's screen step: examine_payload holds a release with personal data (masked matches, the
// payload kept as sent), admits a clean one, and follows the config's [screen] table.
#include <gtest/gtest.h>

#include "config/config.h"
#include "daemon/intake_worker.h"

namespace fabu {
namespace {

// One destination per target, no links: enough for the planner to accept a release.
class OneLaneAdapter : public Adapter {
 public:
  std::string_view type() const override { return "one_lane"; }
  std::expected<std::vector<PlannedDelivery>, FieldErrors> plan(const Release&, const std::string& channel,
                                                                const std::vector<std::string>& targets) const override {
    std::vector<PlannedDelivery> out;
    for (const auto& t : targets) out.push_back({t, channel + "/" + t, "", false});
    return out;
  }
  std::vector<LaneLimits> lanes(const std::string&) const override { return {}; }
  void deliver(const DeliveryJob&, DeliveryCallback) override {}
  void retract(const DeliveryJob&, const DeliveryReceipt&, RetractCallback) override {}
};

class OneLaneFactory : public AdapterFactory {
 public:
  std::string_view type() const override { return "one_lane"; }
  std::expected<std::unique_ptr<Adapter>, ConfigErrors> create(const ChannelConfig&, const std::string&,
                                                               AdapterEnv&) const override {
    return std::make_unique<OneLaneAdapter>();
  }
};

std::shared_ptr<const ChannelSet> screened_channels(const std::string& screen_toml = "") {
  AdapterRegistry registry;
  registry.add(std::make_unique<OneLaneFactory>());
  auto config = parse_config(screen_toml + "[channels.board]\ntype = \"one_lane\"\n", "test.toml");
  EXPECT_TRUE(config.has_value());
  AdapterEnv env;
  auto set = ChannelSet::create(**config, registry, env);
  EXPECT_TRUE(set.has_value());
  return *set;
}

// These tests are about the screen: the releases are unsigned and the policy lets them through
// (approval has tests of its own; the override through a signature is tested end to end).
ApprovalPolicy unsigned_ok() {
  ApprovalPolicy policy;
  policy.require_signature = false;
  return policy;
}

std::string release_toml(const std::string& summary) {
  return "id = \"r-screen\"\nkind = \"notice\"\ntitle = \"寻人启事\"\nsummary = \"" + summary +
         "\"\nissuer = \"临沂市公安局\"\nformed_at = 2026-11-20\ndisclosure = \"主动公开\"\n"
         "[targets]\nboard = [\"main\"]\n[approval]\napprover = \"王晓明\"\napproved_at = 2026-11-25T09:30:00+08:00\n";
}

TEST(IntakeScreen, AReleaseWithPersonalDataIsHeldWithMaskedMatches) {
  const std::string payload = release_toml("家属电话13812345678，身份证号11010519491231002X");
  const IntakeDecision d = examine_payload(payload, "toml", *screened_channels(), unsigned_ok());
  ASSERT_FALSE(d.request) << "a held release is never admitted";
  ASSERT_TRUE(d.held) << join(d.errors);
  EXPECT_TRUE(d.errors.empty());
  EXPECT_EQ(d.release_id, "r-screen");
  EXPECT_EQ(d.held->release_id, "r-screen");
  EXPECT_EQ(d.held->payload, payload) << "kept as sent";
  EXPECT_EQ(d.held->format, "toml");
  ASSERT_EQ(d.held->matches.size(), 2u) << "in the summary, not again in the abstract taken from it";
  EXPECT_EQ(describe_match(d.held->matches[0]), "mobile in summary at byte 12: 138****5678");
  EXPECT_EQ(describe_match(d.held->matches[1]), "resident_id in summary at byte 38: 110105********002X");
  EXPECT_EQ(d.held->screen_digest.size(), 64u);
  EXPECT_NE(d.held->reason.find(d.held->screen_digest), std::string::npos);
}

TEST(IntakeScreen, ACleanReleaseIsAdmittedAndAWarningIsNoted) {
  const IntakeDecision clean = examine_payload(release_toml("请知情者联系市公安局，热线12345。"), "toml",
                                               *screened_channels(), unsigned_ok());
  ASSERT_TRUE(clean.request) << join(clean.errors);
  EXPECT_FALSE(clean.held);
  EXPECT_TRUE(clean.screen_note.empty());
  const IntakeDecision warned =
      examine_payload(release_toml("承办单位统一社会信用代码91371300MA3C4XXX1B"), "toml", *screened_channels(),
                      unsigned_ok());
  ASSERT_TRUE(warned.request);
  EXPECT_EQ(warned.screen_note, "credit_code (warning) in summary at byte 36: 91371300MA3C4XXX1B");
}

TEST(IntakeScreen, TheConfigDecidesWhatIsScreened) {
  const std::string with_term = release_toml("本材料为内部资料");
  EXPECT_TRUE(examine_payload(with_term, "toml", *screened_channels(), unsigned_ok()).request);
  const auto terms = screened_channels("[screen]\nsensitive_terms = [\"内部资料\"]\n");
  EXPECT_TRUE(examine_payload(with_term, "toml", *terms, unsigned_ok()).held);
  const auto off = screened_channels("[screen]\nenabled = false\n");
  EXPECT_TRUE(examine_payload(release_toml("电话13812345678"), "toml", *off, unsigned_ok()).request);
  const auto hotline = screened_channels("[screen]\npublic_numbers = [\"138-1234-5678\"]\n");
  EXPECT_TRUE(examine_payload(release_toml("热线13812345678"), "toml", *hotline, unsigned_ok()).request);
}

}  // namespace
}  // namespace fabu
