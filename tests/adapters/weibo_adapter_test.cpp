// The Weibo adapter against a fake HttpTransport that records requests and plays scripted replies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "adapters/http_transport.h"
#include "tests/adapters/fake_http_transport.h"
#include "tests/adapters/weibo_test_support.h"
#include "tests/adapters/weibo_sample_link.h"

namespace fabu::testing {
namespace {


std::string status_json(const std::string& id, const std::string& text) {
  return R"({"id":)" + id + R"(,"idstr":")" + id + R"(","text":")" + text + R"("})";
}

class WeiboAdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.http = &http_;
    auto created = make_weibo_adapter_factory()->create(weibo_channel_from(weibo_hall_toml("http://sandbox.test/2/")),
                                                        "fabu.toml", env_);
    ASSERT_TRUE(created.has_value()) << (created ? "" : created.error().front().to_string());
    adapter_ = std::move(*created);
  }

  Result<DeliveryReceipt> deliver(const DeliveryJob& job) {
    Outcome<Result<DeliveryReceipt>> outcome;
    adapter_->deliver(job, outcome.callback());
    return outcome.wait();
  }

  FakeTransport& transport() { return *http_.transport; }
  void reply(int status, std::string body) { transport().replies.push_back(json_reply(status, std::move(body))); }

  FakeTransportFactory http_;
  AdapterEnv env_;
  std::unique_ptr<Adapter> adapter_;
};

ConfigErrors config_errors(const std::string& toml_text) {
  FakeTransportFactory http;
  AdapterEnv env;
  env.http = &http;
  auto created = make_weibo_adapter_factory()->create(weibo_channel_from(toml_text), "fabu.toml", env);
  return created ? ConfigErrors{} : created.error();
}

bool mentions(const ConfigErrors& errors, const std::string& needle) {
  for (const auto& e : errors) {
    if (e.to_string().find(needle) != std::string::npos) return true;
  }
  return false;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST_F(WeiboAdapterTest, BuildsOneTransportForTheApiBaseAndLanesPerAccount) {
  EXPECT_EQ(http_.bases, std::vector<std::string>{"http://sandbox.test/2/"});
  const auto lanes = adapter_->lanes("microblog");
  ASSERT_EQ(lanes.size(), 4U);
  EXPECT_EQ(lanes[0].lane, "microblog/linyi_fabu");
  EXPECT_EQ(lanes[0].max_in_flight, 1);
  EXPECT_EQ(lanes[0].per_hour, 30);
  EXPECT_EQ(lanes[2].lane, "microblog/yinan_fabu");
  EXPECT_EQ(lanes[2].per_hour, 10);
  EXPECT_EQ(lanes[2].min_gap, std::chrono::seconds(30));
  EXPECT_EQ(lanes[0].group_per_hour, 0) << "no app quota unless configured";
}

// Every account of the channel posts through one app: app_posts_per_hour puts all of its lanes in one
// group with that hourly quota (enforced by the claim across instances).
TEST(WeiboConfig, TheAppsHourlyQuotaGroupsEveryAccountsLane) {
  const std::string toml = replace(weibo_hall_toml("http://sandbox.test/2/"), "hall = \"临沂政务微博发布厅\"\n",
                                   "hall = \"临沂政务微博发布厅\"\napp_posts_per_hour = 600\n");
  FakeTransportFactory http;
  AdapterEnv env;
  env.http = &http;
  auto adapter = make_weibo_adapter_factory()->create(weibo_channel_from(toml), "fabu.toml", env);
  ASSERT_TRUE(adapter.has_value());
  const auto lanes = (*adapter)->lanes("microblog");
  ASSERT_EQ(lanes.size(), 4U);
  for (const auto& lane : lanes) {
    EXPECT_EQ(lane.group, "microblog") << lane.lane;
    EXPECT_EQ(lane.group_per_hour, 600) << lane.lane;
  }
  EXPECT_EQ(lanes[2].per_hour, 10) << "each account keeps its own limit too";

  const ConfigErrors errors = config_errors(replace(toml, "app_posts_per_hour = 600", "app_posts_per_hour = -1"));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_NE(errors[0].message.find("app_posts_per_hour"), std::string::npos) << errors[0].message;
}

TEST(WeiboConfig, ReportsEveryProblemWithItsPath) {
  std::string bad = weibo_hall_toml("ftp://sandbox.test/2");
  bad = replace(bad, "lead = \"linyi_fabu\"", "lead = \"nobody\"");
  bad = replace(bad, "token = \"tok-lanshan\"\n", "");
  bad = replace(bad, "id = \"jiaoyu\"", "id = \"lanshan_fabu\"");
  bad = replace(bad, "mode = \"repost\"", "mode = \"forward\"");
  bad = replace(bad, "token_expires = 2027-06-30", "token_expires = \"soon\"");
  const ConfigErrors errors = config_errors(bad);
  EXPECT_TRUE(mentions(errors, "channels.microblog.api_base")) << errors.size();
  EXPECT_TRUE(mentions(errors, "'nobody' is not the id of an account"));
  EXPECT_TRUE(mentions(errors, "channels.microblog.accounts[1].token"));
  EXPECT_TRUE(mentions(errors, "'lanshan_fabu' is used by another account"));
  EXPECT_TRUE(mentions(errors, "'forward' must be \"post\" or \"repost\""));
  EXPECT_TRUE(mentions(errors, "channels.microblog.accounts[0].token_expires"));
  for (const auto& e : errors) EXPECT_GT(e.line, 0) << e.to_string();
}

TEST(WeiboConfig, RejectsUnknownKeysAndBadIds) {
  std::string bad = replace(weibo_hall_toml("http://sandbox.test/2/"), "hall = ", "halls = ");
  bad = replace(bad, "id = \"jiaoyu\"", "id = \"Jiao-Yu\"");
  const ConfigErrors errors = config_errors(bad);
  EXPECT_TRUE(mentions(errors, "halls"));
  EXPECT_TRUE(mentions(errors, "'Jiao-Yu' must match [a-z0-9_]+"));
}

TEST(WeiboConfig, CorrectionPolicyIsCheckedAndNonePlansNothing) {
  const std::string base = weibo_hall_toml("http://sandbox.test/2/");
  const ConfigErrors errors = config_errors(replace(base, "hall = ", "correction = \"sometimes\"\nhall = "));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_TRUE(mentions(errors, "channels.microblog.correction: 'sometimes' must be \"note\", \"replace\" or \"none\""));
  EXPECT_EQ(errors[0].line, 7) << errors[0].to_string();

  FakeTransportFactory http;
  AdapterEnv env;
  env.http = &http;
  const auto release = sample_release();
  for (const std::string policy : {"", "note", "replace", "none"}) {
    const std::string text = policy.empty() ? base : replace(base, "hall = ", "correction = \"" + policy + "\"\nhall = ");
    auto adapter = make_weibo_adapter_factory()->create(weibo_channel_from(text), "fabu.toml", env);
    ASSERT_TRUE(adapter.has_value()) << policy;
    const auto planned = (*adapter)->plan_correction(*release, "microblog", {"lead", "all"});
    ASSERT_TRUE(planned.has_value()) << policy;
    EXPECT_EQ(planned->size(), policy == "none" ? 0U : 4U) << policy;
    if (!planned->empty()) {
      EXPECT_EQ((*planned)[2].after, "linyi_fabu") << "a repost waits on the lead's correction";
    }
  }
}

TEST(WeiboConfig, ExampleConfigChannelIsValidAndSaysNote) {
  auto loaded = load_config(std::string(FABU_SOURCE_DIR) + "/config/fabu.example.toml");
  ASSERT_TRUE(loaded.has_value());
  FakeTransportFactory http;
  AdapterEnv env;
  env.http = &http;
  int weibo_channels = 0;
  for (const auto& channel : (*loaded)->channels) {
    if (channel.type != "weibo") continue;
    ++weibo_channels;
    auto adapter = make_weibo_adapter_factory()->create(channel, "fabu.example.toml", env);
    ASSERT_TRUE(adapter.has_value()) << adapter.error().front().to_string();
    const auto planned = (*adapter)->plan_correction(*sample_release(), channel.name, {"lead"});
    ASSERT_TRUE(planned.has_value());
    EXPECT_EQ(planned->size(), 1U);
  }
  EXPECT_EQ(weibo_channels, 1);
}

TEST_F(WeiboAdapterTest, PlansLeadAllAndGroups) {
  const auto release = sample_release();
  auto planned = adapter_->plan(*release, "microblog", {"lead", "all"});
  ASSERT_TRUE(planned.has_value());
  ASSERT_EQ(planned->size(), 4U);
  EXPECT_EQ((*planned)[0].destination, "linyi_fabu");
  EXPECT_EQ((*planned)[0].lane, "microblog/linyi_fabu");
  EXPECT_TRUE((*planned)[0].needs_link);
  EXPECT_EQ((*planned)[0].after, "");
  EXPECT_EQ((*planned)[1].destination, "lanshan_fabu");
  EXPECT_TRUE((*planned)[1].needs_link);
  EXPECT_EQ((*planned)[2].destination, "yinan_fabu");
  EXPECT_EQ((*planned)[2].after, "linyi_fabu");
  EXPECT_FALSE((*planned)[2].needs_link);

  auto collapsed = adapter_->plan(*release, "microblog", {"lead", "linyi_fabu", "group:lead", "group:county", "lanshan_fabu"});
  ASSERT_TRUE(collapsed.has_value());
  ASSERT_EQ(collapsed->size(), 3U);
  EXPECT_EQ((*collapsed)[1].destination, "lanshan_fabu");
  EXPECT_EQ((*collapsed)[2].destination, "yinan_fabu");
}

TEST_F(WeiboAdapterTest, RefusesALinkOffTheSafeDomainAtPlanning) {
  EXPECT_FALSE(adapter_->refuses_link("https://www.linyi.gov.cn/art/2026/12/5/x.html"));
  const auto why = adapter_->refuses_link("https://evil.example.com/x?u=www.linyi.gov.cn");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("safe domain www.linyi.gov.cn"), std::string::npos) << *why;
  EXPECT_NE(why->find("'https://evil.example.com/x?u=www.linyi.gov.cn'"), std::string::npos) << *why;
  // A '#' in the link would go into every post, and two of them make a #topic#.
  const auto hashed = adapter_->refuses_link("https://www.linyi.gov.cn/#/art/2026#top");
  ASSERT_TRUE(hashed);
  EXPECT_NE(hashed->find("may not carry '#'"), std::string::npos) << *hashed;
}

// A repeal (废止) is marked on the portal; the microblog posts that announced the document stay as
// they are, so a repealing revision plans nothing here, while another correction plans its notes.
TEST_F(WeiboAdapterTest, ARepealingRevisionPlansNothingOnWeibo) {
  Release corrected = *sample_release();
  corrected.revision = 2;
  corrected.change_note = "自2027年1月1日起废止";
  auto noted = adapter_->plan_correction(corrected, "microblog", {"lead", "all"});
  ASSERT_TRUE(noted.has_value());
  EXPECT_FALSE(noted->empty());
  corrected.repealed_on = Date{2027, 1, 1};
  auto repealed = adapter_->plan_correction(corrected, "microblog", {"lead", "all"});
  ASSERT_TRUE(repealed.has_value());
  EXPECT_TRUE(repealed->empty());
}

TEST_F(WeiboAdapterTest, PlanErrorsNameTheField) {
  const auto release = sample_release();
  auto unknown = adapter_->plan(*release, "microblog", {"lead", "lanshan", "group:zone"});
  ASSERT_FALSE(unknown.has_value());
  ASSERT_EQ(unknown.error().size(), 2U);
  EXPECT_EQ(unknown.error()[0], (FieldError{"targets.microblog[1]", "unknown account 'lanshan'"}));
  EXPECT_EQ(unknown.error()[1], (FieldError{"targets.microblog[2]", "unknown group 'zone'"}));

  auto orphan_repost = adapter_->plan(*release, "microblog", {"group:county"});
  ASSERT_FALSE(orphan_repost.has_value());
  EXPECT_EQ(orphan_repost.error()[0].path, "targets.microblog");
  EXPECT_NE(orphan_repost.error()[0].reason.find("yinan_fabu"), std::string::npos);
}

TEST_F(WeiboAdapterTest, LeadShareIsFormEncodedWithTokenAndText) {
  reply(200, status_json("4900000000000000001", "x"));
  const auto job = job_for(sample_release(), "linyi_fabu", kLink);
  const auto result = deliver(job);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->post_id, "4900000000000000001");
  ASSERT_EQ(transport().requests.size(), 1U);
  const HttpRequest& sent = transport().requests[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.path, "statuses/share.json");
  EXPECT_EQ(sent.content_type, "application/x-www-form-urlencoded");
  const std::string text = "【临沂市2026年政府信息公开工作年度报告】" + job.release->summary + " " + kLink;
  EXPECT_EQ(sent.body, form_encode({{"access_token", "tok-lead"}, {"status", text}}));
  EXPECT_EQ(sent.timeout, std::chrono::milliseconds(5000));
}

TEST_F(WeiboAdapterTest, MemberPostMentionsLeadAndUnit) {
  reply(200, status_json("4900000000000000002", "x"));
  ASSERT_TRUE(deliver(job_for(sample_release(), "lanshan_fabu", kLink)).has_value());
  const std::string& body = transport().requests.at(0).body;
  EXPECT_NE(body.find("access_token=tok-lanshan"), std::string::npos);
  EXPECT_NE(body.find(url_encode("（兰山区人民政府新闻办公室）@临沂发布 " + kLink)), std::string::npos) << body;
}

TEST_F(WeiboAdapterTest, DuplicateReplyReconcilesViaTimelineAndDoesNotRepost) {
  reply(400, R"({"error":"repeated weibo text","error_code":20019,"request":"/2/statuses/share.json"})");
  reply(200, R"({"statuses":[{"idstr":"111","text":"other"},{"idstr":"222","text":"【x】y )" + kLink + R"("}]})");
  const auto result = deliver(job_for(sample_release(), "linyi_fabu", kLink));
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->post_id, "222");
  EXPECT_EQ(result->note, "reconciled: platform reported a duplicate");
  ASSERT_EQ(transport().requests.size(), 2U);
  EXPECT_EQ(transport().requests[1].method, "GET");
  EXPECT_EQ(transport().requests[1].path, "statuses/user_timeline.json?access_token=tok-lead&count=100");
}

TEST_F(WeiboAdapterTest, DuplicateNotOnTimelineStillNeverPostsAgain) {
  reply(400, R"({"error":"repeated weibo text","error_code":20017})");
  reply(200, R"({"statuses":[]})");
  const auto result = deliver(job_for(sample_release(), "linyi_fabu", kLink));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->post_id, "");
  EXPECT_EQ(result->note, "platform reported a duplicate; post not found on the timeline");
  EXPECT_EQ(transport().requests.size(), 2U);
}

TEST_F(WeiboAdapterTest, InDoubtReconcilesBeforePosting) {
  auto job = job_for(sample_release(), "linyi_fabu", kLink);
  job.in_doubt = true;
  reply(200, R"({"statuses":[{"idstr":"333","text":"【t】s )" + kLink + R"("}]})");
  auto found = deliver(job);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->post_id, "333");
  EXPECT_EQ(found->note, "reconciled: found on the account's timeline");
  ASSERT_EQ(transport().requests.size(), 1U);

  transport().requests.clear();
  reply(200, R"({"statuses":[{"idstr":"334","text":"an older post https://www.linyi.gov.cn/other.html"}]})");
  reply(200, status_json("335", "x"));
  auto posted = deliver(job);
  ASSERT_TRUE(posted.has_value());
  EXPECT_EQ(posted->post_id, "335");
  ASSERT_EQ(transport().requests.size(), 2U);
  EXPECT_EQ(transport().requests[0].method, "GET");
  EXPECT_EQ(transport().requests[1].path, "statuses/share.json");
}

TEST_F(WeiboAdapterTest, TimeoutThenFoundOnTimelineIsASuccess) {
  transport().replies.push_back(fail(Error::transient("POST statuses/share.json: timed out after 5000 ms")));
  reply(200, R"({"statuses":[{"idstr":"444","text":"【t】s )" + kLink + R"("}]})");
  auto result = deliver(job_for(sample_release(), "linyi_fabu", kLink));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->post_id, "444");

  transport().replies.push_back(fail(Error::transient("POST statuses/share.json: connection reset")));
  reply(200, R"({"statuses":[]})");
  result = deliver(job_for(sample_release(), "linyi_fabu", kLink));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::transient);
  EXPECT_NE(result.error().message.find("connection reset"), std::string::npos);
}

// After a duplicate reply the post is never made again: a timeline that cannot be read just now makes
// the next attempt look again first; one that can never be read (no permission) ends the delivery.
TEST_F(WeiboAdapterTest, DuplicateWhoseTimelineCannotBeReadIsNeverPostedAgain) {
  reply(400, R"({"error":"repeated weibo text","error_code":20019})");
  reply(503, R"({"error":"system error","error_code":10001})");
  auto result = deliver(job_for(sample_release(), "linyi_fabu", kLink));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::transient);
  EXPECT_TRUE(result.error().may_have_taken_effect) << "the next attempt must look before posting";

  transport().requests.clear();
  reply(400, R"({"error":"repeated weibo text","error_code":20019})");
  reply(403, R"({"error":"permission denied","error_code":10014})");
  result = deliver(job_for(sample_release(), "linyi_fabu", kLink));
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->post_id, "");
  EXPECT_NE(result->note.find("platform reported a duplicate; the timeline could not be read"), std::string::npos)
      << result->note;
  EXPECT_EQ(transport().requests.size(), 2U);
}

TEST_F(WeiboAdapterTest, ExpiredTokenIsAnAuthErrorWithoutTheToken) {
  reply(403, R"({"error":"expired_token","error_code":21327,"request":"/2/statuses/share.json"})");
  const auto result = deliver(job_for(sample_release(), "lanshan_fabu", kLink));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::auth);
  EXPECT_EQ(result.error().platform_code, 21327);
  EXPECT_NE(result.error().message.find("lanshan_fabu"), std::string::npos);
  EXPECT_EQ(result.error().message.find("tok-lanshan"), std::string::npos);
  EXPECT_EQ(transport().requests.size(), 1U);
}

TEST_F(WeiboAdapterTest, RateLimitHonoursRetryAfter) {
  transport().replies.push_back(
      json_reply(403, R"({"error":"user requests out of rate limit","error_code":10023})", {{"retry-after", "9"}}));
  const auto result = deliver(job_for(sample_release(), "jiaoyu", kLink));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::rate_limited);
  EXPECT_EQ(result.error().retry_after, std::chrono::milliseconds(9000));
}

TEST_F(WeiboAdapterTest, RepostUsesTheLeadPostId) {
  auto job = job_for(sample_release(), "yinan_fabu", kLink);
  job.upstream.post_id = "4900000000000000001";
  reply(200, R"({"idstr":"555","text":"x","retweeted_status":{"idstr":"4900000000000000001"}})");
  const auto result = deliver(job);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->post_id, "555");
  const HttpRequest& sent = transport().requests.at(0);
  EXPECT_EQ(sent.path, "statuses/repost.json");
  EXPECT_EQ(sent.body, form_encode({{"access_token", "tok-yinan"},
                                    {"status", "沂南县人民政府新闻办公室转发"},
                                    {"id", "4900000000000000001"},
                                    {"is_comment", "0"}}));
}

// The lead's post was taken with 20032 and no id (not on its timeline yet): a repost-mode member has
// nothing to repost, so it posts the release as its own post, and its receipt says why.
TEST_F(WeiboAdapterTest, RepostMemberPostsOnItsOwnWhenTheLeadsPostIdIsUnknown) {
  auto job = job_for(sample_release(), "yinan_fabu", kLink);
  ASSERT_TRUE(job.upstream.post_id.empty());
  reply(200, status_json("556", "x"));
  const auto result = deliver(job);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->post_id, "556");
  EXPECT_NE(result->note.find("posted as the account's own post"), std::string::npos) << result->note;
  const HttpRequest& sent = transport().requests.at(0);
  EXPECT_EQ(sent.path, "statuses/share.json");
  EXPECT_NE(sent.body.find("tok-yinan"), std::string::npos);
}

TEST_F(WeiboAdapterTest, DuplicateRepostMatchesRetweetedId) {
  auto job = job_for(sample_release(), "yinan_fabu", kLink);
  job.upstream.post_id = "777";
  reply(400, R"({"error":"repeated repost","error_code":20111})");
  reply(200, R"({"statuses":[{"idstr":"1","text":"转发","retweeted_status":{"id":776}},)"
             R"({"idstr":"2","text":"转发","retweeted_status":{"id":777}}]})");
  const auto result = deliver(job);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->post_id, "2");
}

class WeiboImageTest : public WeiboAdapterTest {
 protected:
  std::string write_image(const std::string& name, const std::string& bytes) {
    const auto path = std::filesystem::temp_directory_path() / ("fabu_weibo_test_" + std::to_string(::getpid()) + name);
    std::ofstream(path, std::ios::binary) << bytes;
    files_.push_back(path);
    return path.string();
  }
  void TearDown() override {
    for (const auto& f : files_) std::filesystem::remove(f);
  }
  std::vector<std::filesystem::path> files_;
};

TEST_F(WeiboImageTest, ImageIsSentAsMultipartPic) {
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + "pixels";
  auto release = std::make_shared<Release>(*sample_release());
  release->images = {write_image("a.png", png)};
  reply(200, status_json("666", "x"));
  const auto result = deliver(job_for(release, "linyi_fabu", kLink));
  ASSERT_TRUE(result.has_value()) << result.error().message;
  const HttpRequest& sent = transport().requests.at(0);
  EXPECT_TRUE(sent.content_type.starts_with("multipart/form-data; boundary=")) << sent.content_type;
  EXPECT_NE(sent.body.find("name=\"pic\""), std::string::npos);
  EXPECT_NE(sent.body.find("Content-Type: image/png"), std::string::npos);
  EXPECT_NE(sent.body.find(png), std::string::npos);
  EXPECT_NE(sent.body.find("tok-lead"), std::string::npos);
}

TEST_F(WeiboImageTest, RejectsNonImagesAndHugeFiles) {
  auto release = std::make_shared<Release>(*sample_release());
  const std::string text_file = write_image("b.png", "not an image");
  release->images = {text_file};
  auto result = deliver(job_for(release, "linyi_fabu", kLink));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::permanent);
  EXPECT_NE(result.error().message.find(text_file), std::string::npos);

  const std::string huge = write_image("c.jpg", "\xFF\xD8\xFF" + std::string(5 * 1024 * 1024, 'x'));
  release->images = {huge};
  result = deliver(job_for(release, "linyi_fabu", kLink));
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("5 MB"), std::string::npos);
  EXPECT_TRUE(transport().requests.empty());
}

TEST_F(WeiboAdapterTest, LinkOffTheSafeDomainIsAConfigErrorBeforeSending) {
  const auto result = deliver(job_for(sample_release(), "linyi_fabu", "https://example.com/a.html"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::config);
  EXPECT_TRUE(transport().requests.empty());
}

TEST_F(WeiboAdapterTest, RetractDestroysAndTreatsAlreadyGoneAsDone) {
  const auto job = job_for(sample_release(), "lanshan_fabu", kLink);
  reply(200, status_json("888", "x"));
  reply(400, R"({"error":"target weibo does not exist","error_code":20101})");
  reply(403, R"({"error":"not your weibo","error_code":20102})");
  for (int expect_ok : {1, 1, 0}) {
    Outcome<Result<void>> outcome;
    adapter_->retract(job, DeliveryReceipt{"888", "", ""}, outcome.callback());
    EXPECT_EQ(outcome.wait().has_value(), expect_ok == 1);
  }
  ASSERT_EQ(transport().requests.size(), 3U);
  EXPECT_EQ(transport().requests[0].path, "statuses/destroy.json");
  EXPECT_EQ(transport().requests[0].body, form_encode({{"access_token", "tok-lanshan"}, {"id", "888"}}));
}

}  // namespace
}  // namespace fabu::testing
