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
  // Like Weibo's safe domain: links to evil.example.com are refused.
  std::optional<std::string> refuses_link(const std::string& link) const override {
    if (!link.starts_with("https://evil.example.com/")) return std::nullopt;
    return "not on the safe domain";
  }
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

std::shared_ptr<const ChannelSet> channels(const std::string& more_toml = "") {
  AdapterRegistry registry;
  registry.add(std::make_unique<FakeFactory>(true));
  registry.add(std::make_unique<FakeFactory>(false));
  auto config = parse_config(more_toml + "[channels.portal]\ntype = \"fake_link\"\n[channels.microblog]\ntype = \"fake_accounts\"\n",
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

TEST(Planner, AnOwnLinkAChannelCannotPostIsRefusedAtPlanning) {
  auto set = channels();
  Release elsewhere = release({{"microblog", {"lead", "r_m1"}}});
  elsewhere.link = "https://evil.example.com/x";
  auto refused = plan_release(elsewhere, *set);
  ASSERT_FALSE(refused.has_value());
  ASSERT_EQ(refused.error().size(), 1u);
  EXPECT_EQ(refused.error()[0].path, "link");
  EXPECT_EQ(refused.error()[0].reason, "not on the safe domain");
  Release via_portal = elsewhere;
  via_portal.targets["portal"] = {"tzgg"};
  EXPECT_TRUE(plan_release(via_portal, *set).has_value()) << "the portal's article makes the link the posts carry";
  Release reposts_only = release({{"microblog", {"r_m1"}}});
  reposts_only.link = "https://evil.example.com/x";
  EXPECT_TRUE(plan_release(reposts_only, *set).has_value()) << "a repost carries no link of its own";
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

// A conference on a portal column and the lead account, starting 2026-12-03 14:30 (+08:00), its
// notice a day before; the roster knows "edu" only.
Release conference(std::vector<std::string> spokespersons) {
  Release r = release({{"portal", {"xwfbh"}}, {"microblog", {"lead"}}});
  r.kind = ReleaseKind::conference;
  r.title = "新闻发布会预告";
  r.summary = "市政府新闻办将举行新闻发布会。";
  r.issuer = "临沂市人民政府新闻办公室";
  r.formed_at = {2026, 11, 30};
  r.approval = {.approver = "王晓明", .approved_at = {1796279400 - 90000, 480}, .signatures = {}};
  r.publish_at = Timestamp{1796279400 - 86400, 480};
  r.conference = ConferenceDetails{.organiser = "市政府新闻办", .starts_at = {1796279400, 480},
                                   .ends_at = {1796279400 + 3600, 480}, .venue = "新闻发布厅", .topic = "教育工作",
                                   .spokespersons = std::move(spokespersons), .registration = "电话报名",
                                   .livestream = {"临沂发布", "https://www.linyi.gov.cn/live"}};
  return r;
}

constexpr const char* kRoster =
    "[conference]\nremind_before = \"30m\"\n[[spokespersons]]\nid = \"edu\"\nname = \"张明\"\n"
    "title = \"市教育局副局长\"\nunit = \"临沂市教育局\"\nlevel = \"department\"\n";

TEST(ConferencePlan, SpokespersonsMustBeInTheRoster) {
  auto set = channels(kRoster);
  auto plan = plan_series(conference({"edu", "nobody"}), *set);
  ASSERT_FALSE(plan.has_value());
  ASSERT_EQ(plan.error().size(), 1u);
  EXPECT_EQ(plan.error()[0].path, "conference.spokespersons[1]");
  EXPECT_NE(plan.error()[0].reason.find("'nobody' is not in the roster"), std::string::npos);
}

TEST(ConferencePlan, TheSeriesIsThreeScheduledReleases) {
  auto set = channels(kRoster);
  auto plan = plan_series(conference({"edu"}), *set);
  ASSERT_TRUE(plan.has_value()) << join(plan.error());
  ASSERT_EQ(plan->size(), 3u);
  const AdmitRequest& notice = (*plan)[0];
  EXPECT_EQ(notice.release_id, "r1");
  EXPECT_EQ(notice.deliveries.size(), 2u);  // the article and the lead's post
  EXPECT_EQ(notice.not_before_ms, (1796279400LL - 86400) * 1000);
  const AdmitRequest& reminder = (*plan)[1];
  EXPECT_EQ(reminder.release_id, "r1.reminder");
  EXPECT_EQ(reminder.not_before_ms, (1796279400LL - 1800) * 1000);  // [conference] remind_before = 30m
  ASSERT_EQ(reminder.deliveries.size(), 1u);  // the lead only: no article
  EXPECT_EQ(reminder.deliveries[0].destination, "lead");
  EXPECT_EQ(reminder.link, "https://example.gov.cn/r1.html");  // the notice's article
  const AdmitRequest& live = (*plan)[2];
  EXPECT_EQ(live.release_id, "r1.live");
  EXPECT_EQ(live.not_before_ms, 1796279400LL * 1000);
  auto stored = parse_release_json(notice.release_json);
  ASSERT_TRUE(stored.has_value()) << join(stored.error());
  EXPECT_NE(stored->body.find("市教育局副局长张明"), std::string::npos) << stored->body;
  EXPECT_EQ(notice.digest.size(), 64u);  // each step is its own release, with its own content
  EXPECT_NE(notice.digest, reminder.digest);
}

TEST(ConferencePlan, AnIdLeavesRoomForItsSteps) {
  auto set = channels(kRoster);
  Release r = conference({"edu"});
  r.id = std::string(60, 'c');
  auto plan = plan_series(r, *set);
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error()[0].path, "id");
}

// A record's or cancellation notice's draft carries the conference's table: submitted, it is refused,
// not planned as a conference of its own.
TEST(ConferencePlan, AStepsDraftIsNotAConference) {
  auto set = channels(kRoster);
  for (const char* id : {"r1.record", "r1.cancelled", "r1.reminder", "r1.live"}) {
    Release r = conference({"edu"});
    r.id = id;
    auto plan = plan_series(r, *set);
    ASSERT_FALSE(plan.has_value()) << id;
    EXPECT_EQ(plan.error()[0].path, "id");
    EXPECT_NE(plan.error()[0].reason.find("--approved"), std::string::npos) << plan.error()[0].reason;
  }
  Release r = conference({"edu"});
  r.id = "r1.records";  // only the exact suffixes name a step
  EXPECT_TRUE(plan_series(r, *set).has_value());
}

}  // namespace
}  // namespace fabu
