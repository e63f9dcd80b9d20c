// The planner against fake adapters: dependencies between deliveries and field-level errors.
#include "daemon/planner.h"

#include <gtest/gtest.h>

namespace fabu {
namespace {

// A channel that makes a link (like the portal).
class FakeLinkAdapter : public Adapter {
 public:
  std::string_view type() const override { return "fake_link"; }
  std::expected<std::vector<PlannedDelivery>, FieldErrors> plan(const Release&, const std::string& channel,
                                                                const std::vector<std::string>&) const override {
    return std::vector<PlannedDelivery>{{"article", channel + "/site", "", false}};
  }
  std::vector<LaneLimits> lanes(const std::string& channel) const override { return {{channel + "/site"}}; }
  std::optional<std::string> link_for(const Release& r, const Admission&) const override {
    return "https://example.gov.cn/" + r.id + ".html";
  }
  void deliver(const DeliveryJob&, DeliveryCallback) override {}
  void retract(const DeliveryJob&, const DeliveryReceipt&, RetractCallback) override {}
};

// A channel of accounts (like Weibo): "lead" posts, names starting with "r_" repost the lead.
class FakeAccountsAdapter : public Adapter {
 public:
  std::string_view type() const override { return "fake_accounts"; }
  std::expected<std::vector<PlannedDelivery>, FieldErrors> plan(const Release&, const std::string& channel,
                                                                const std::vector<std::string>& targets) const override {
    std::vector<PlannedDelivery> out;
    FieldErrors errors;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const auto& t = targets[i];
      if (t == "ghost") {
        errors.push_back({"targets." + channel + "[" + std::to_string(i) + "]", "unknown account 'ghost'"});
        continue;
      }
      const bool repost = t.rfind("r_", 0) == 0;
      out.push_back({t, channel + "/" + t, repost ? "lead" : "", !repost});
    }
    if (!errors.empty()) return std::unexpected(errors);
    return out;
  }
  std::vector<LaneLimits> lanes(const std::string&) const override { return {}; }
  void deliver(const DeliveryJob&, DeliveryCallback) override {}
  void retract(const DeliveryJob&, const DeliveryReceipt&, RetractCallback) override {}
};

class FakeFactory : public AdapterFactory {
 public:
  explicit FakeFactory(bool link) : link_(link) {}
  std::string_view type() const override { return link_ ? "fake_link" : "fake_accounts"; }
  std::expected<std::unique_ptr<Adapter>, ConfigErrors> create(const ChannelConfig&, const std::string&,
                                                               AdapterEnv&) const override {
    if (link_) return std::make_unique<FakeLinkAdapter>();
    return std::make_unique<FakeAccountsAdapter>();
  }

 private:
  bool link_;
};

std::shared_ptr<const ChannelSet> channels() {
  AdapterRegistry registry;
  registry.add(std::make_unique<FakeFactory>(true));
  registry.add(std::make_unique<FakeFactory>(false));
  auto config = parse_config("[channels.portal]\ntype = \"fake_link\"\n[channels.microblog]\ntype = \"fake_accounts\"\n",
                             "test.toml");
  EXPECT_TRUE(config.has_value());
  AdapterEnv env;
  auto set = ChannelSet::create(**config, registry, env);
  EXPECT_TRUE(set.has_value());
  return *set;
}

Release release(std::map<std::string, std::vector<std::string>> targets) {
  Release r;
  r.id = "r1";
  r.targets = std::move(targets);
  return r;
}

const DeliverySpec* find(const AdmitRequest& req, const std::string& destination) {
  for (const auto& d : req.deliveries) {
    if (d.destination == destination) return &d;
  }
  return nullptr;
}

TEST(Planner, PostsWaitForTheArticleAndRepostsForTheLead) {
  auto set = channels();
  auto req = plan_release(release({{"portal", {"tzgg"}}, {"microblog", {"lead", "m1", "r_m2"}}}), *set);
  ASSERT_TRUE(req.has_value()) << join(req.error());
  ASSERT_EQ(req->deliveries.size(), 4u);
  EXPECT_EQ(find(*req, "article")->waits_on, "");
  EXPECT_EQ(find(*req, "lead")->waits_on, "r1|portal|article");
  EXPECT_EQ(find(*req, "m1")->waits_on, "r1|portal|article");
  EXPECT_EQ(find(*req, "r_m2")->waits_on, "r1|microblog|lead");
  EXPECT_EQ(find(*req, "m1")->lane, "microblog/m1");
  EXPECT_EQ(req->link, "https://example.gov.cn/r1.html");  // worked out once, stored with the release
  EXPECT_EQ(set->link_for(release({{"portal", {"tzgg"}}}), Admission{}), "https://example.gov.cn/r1.html");
}

TEST(Planner, UnknownChannelAndAccountAreNamed) {
  auto set = channels();
  auto req = plan_release(release({{"telegram", {"x"}}, {"microblog", {"lead", "ghost"}}, {"portal", {"tzgg"}}}), *set);
  ASSERT_FALSE(req.has_value());
  ASSERT_EQ(req.error().size(), 2u);
  EXPECT_EQ(req.error()[0].path, "targets.microblog[1]");
  EXPECT_EQ(req.error()[1].path, "targets.telegram");
  EXPECT_NE(req.error()[1].reason.find("unknown channel"), std::string::npos);
}

TEST(Planner, PostsWithoutAnyLinkAreRefused) {
  auto set = channels();
  auto req = plan_release(release({{"microblog", {"lead"}}}), *set);
  ASSERT_FALSE(req.has_value());
  EXPECT_EQ(req.error()[0].path, "targets");
  Release with_link = release({{"microblog", {"lead"}}});
  with_link.link = "https://www.linyi.gov.cn/x.html";
  auto ok = plan_release(with_link, *set);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->deliveries[0].waits_on, "");
}

TEST(Planner, PublishAtBecomesNotBefore) {
  auto set = channels();
  Release r = release({{"portal", {"tzgg"}}});
  r.publish_at = Timestamp{1'900'000'000, 480};
  auto req = plan_release(r, *set);
  ASSERT_TRUE(req.has_value());
  EXPECT_EQ(req->not_before_ms, 1'900'000'000'000);
}

TEST(Planner, ARevisionCarriesBothItsFirstPlanAndItsCorrectionPlan) {
  auto set = channels();
  Release r = release({{"portal", {"tzgg"}}, {"microblog", {"lead", "r_m2"}}});
  r.revision = 3;
  r.change_note = "更正第二段";
  auto req = plan_release(r, *set);
  ASSERT_TRUE(req.has_value()) << join(req.error());
  EXPECT_EQ(req->revision, 3);
  EXPECT_EQ(req->link_target, "portal|article");
  // Admitted as new (no earlier revision in Redis), its ids say the revision.
  EXPECT_EQ(find(*req, "lead")->waits_on, "r1|portal|article|publish.3");
  EXPECT_EQ(find(*req, "r_m2")->waits_on, "r1|microblog|lead|publish.3");
  // As a correction: destinations with the order between them by name, the queue makes the ids.
  ASSERT_EQ(req->corrections.size(), 3u);
  for (const auto& c : req->corrections) {
    EXPECT_TRUE(c.waits_on.empty());
    EXPECT_EQ(c.after, c.destination == "r_m2" ? "lead" : "") << c.destination;
    EXPECT_EQ(c.needs_link, c.destination != "article" && c.destination != "r_m2") << c.destination;
  }
  Release first = release({{"portal", {"tzgg"}}});
  auto plain = plan_release(first, *set);
  ASSERT_TRUE(plain.has_value());
  EXPECT_TRUE(plain->corrections.empty());
}

}  // namespace
}  // namespace fabu
