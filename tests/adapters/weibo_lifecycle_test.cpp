// Retract and correct of the Weibo adapter against a fake transport: the exact requests, the error
// kinds, and the in-doubt paths request by request.
#include <gtest/gtest.h>

#include "tests/adapters/fake_http_transport.h"
#include "tests/adapters/weibo_test_support.h"
#include "tests/adapters/weibo_sample_link.h"

namespace fabu::testing {
namespace {


class WeiboLifecycleUnitTest : public ::testing::Test {
 protected:
  void SetUp() override { use_policy("replace"); }

  void use_policy(const std::string& policy) {
    env_.http = &http_;
    std::string toml_text = weibo_hall_toml("http://sandbox.test/2/");
    toml_text.replace(toml_text.find("hall = "), 0, "correction = \"" + policy + "\"\n");
    auto created = make_weibo_adapter_factory()->create(weibo_channel_from(toml_text), "fabu.toml", env_);
    ASSERT_TRUE(created.has_value()) << created.error().front().to_string();
    adapter_ = std::move(*created);
  }

  DeliveryJob job(Operation operation, const std::string& destination, const std::string& previous_id) {
    auto out = job_for(sample_release(), destination, kLink);
    out.operation = operation;
    out.revision = operation == Operation::correct ? 2 : 1;
    out.previous.post_id = previous_id;
    return out;
  }
  Result<void> retract(const DeliveryJob& job) {
    Outcome<Result<void>> outcome;
    adapter_->retract(job, job.previous, outcome.callback());
    return outcome.wait();
  }
  Result<DeliveryReceipt> correct(const DeliveryJob& job) {
    Outcome<Result<DeliveryReceipt>> outcome;
    adapter_->correct(job, outcome.callback());
    return outcome.wait();
  }
  void reply(int status, std::string body) { transport().replies.push_back(json_reply(status, std::move(body))); }
  FakeTransport& transport() { return *http_.transport; }
  std::vector<std::string> paths() {
    std::vector<std::string> out;
    for (const auto& r : transport().requests) out.push_back(r.path.substr(0, r.path.find('?')));
    return out;
  }

  FakeTransportFactory http_;
  AdapterEnv env_;
  std::unique_ptr<Adapter> adapter_;
};

TEST_F(WeiboLifecycleUnitTest, DestroyErrorsHaveThePublishKinds) {
  reply(503, R"({"error":"system error","error_code":10001})");
  transport().replies.push_back(fail(Error::transient("POST statuses/destroy.json: timed out after 5000 ms")));
  reply(403, R"({"error":"expired_token","error_code":21327})");
  reply(403, R"({"error":"out of rate limit","error_code":10023})");
  const auto five_xx = retract(job(Operation::retract, "lanshan_fabu", "888"));
  const auto timeout = retract(job(Operation::retract, "lanshan_fabu", "888"));
  const auto auth = retract(job(Operation::retract, "lanshan_fabu", "888"));
  const auto slow = retract(job(Operation::retract, "lanshan_fabu", "888"));
  ASSERT_FALSE(five_xx.has_value());
  EXPECT_EQ(five_xx.error().kind, ErrorKind::transient);
  EXPECT_TRUE(five_xx.error().may_have_taken_effect);
  ASSERT_FALSE(timeout.has_value());
  EXPECT_EQ(timeout.error().kind, ErrorKind::transient);
  EXPECT_TRUE(timeout.error().may_have_taken_effect);
  ASSERT_FALSE(auth.has_value());
  EXPECT_EQ(auth.error().kind, ErrorKind::auth);
  EXPECT_FALSE(auth.error().may_have_taken_effect);
  ASSERT_FALSE(slow.has_value());
  EXPECT_EQ(slow.error().kind, ErrorKind::rate_limited);
  EXPECT_EQ(paths(), std::vector<std::string>(4, "statuses/destroy.json"));
}

TEST_F(WeiboLifecycleUnitTest, InDoubtRetractReadsTheTimelineAtThePostFirst) {
  auto in_doubt = job(Operation::retract, "lanshan_fabu", "888");
  in_doubt.in_doubt = true;
  reply(200, R"({"statuses":[{"idstr":"887","text":"older"}]})");  // 888 gone: an older one in its place
  ASSERT_TRUE(retract(in_doubt).has_value());
  EXPECT_EQ(paths(), std::vector<std::string>{"statuses/user_timeline.json"});
  EXPECT_EQ(transport().requests[0].path, "statuses/user_timeline.json?access_token=tok-lanshan&count=1&max_id=888");

  transport().requests.clear();
  reply(200, R"({"statuses":[{"idstr":"888","text":"ours"}]})");
  reply(200, R"({"idstr":"888"})");
  ASSERT_TRUE(retract(in_doubt).has_value());
  EXPECT_EQ(paths(), (std::vector<std::string>{"statuses/user_timeline.json", "statuses/destroy.json"}));

  transport().requests.clear();
  reply(200, R"({"statuses":[]})");  // older than the timeline reaches: destroy, 20101 is done
  reply(400, R"({"error":"target weibo does not exist","error_code":20101})");
  ASSERT_TRUE(retract(in_doubt).has_value());
  EXPECT_EQ(paths(), (std::vector<std::string>{"statuses/user_timeline.json", "statuses/destroy.json"}));
}

TEST_F(WeiboLifecycleUnitTest, ReplaceRetryAfterTheDeleteFindsTheNewPostNotTheOld) {
  auto replace = job(Operation::correct, "linyi_fabu", "100");
  reply(200, R"({"idstr":"100"})");  // destroy of the old post
  transport().replies.push_back(fail(Error::transient("POST statuses/share.json: timed out after 5000 ms")));
  reply(200, R"({"statuses":[]})");  // not visible yet
  const auto first = correct(replace);
  ASSERT_FALSE(first.has_value());
  EXPECT_TRUE(first.error().may_have_taken_effect);
  EXPECT_EQ(paths(), (std::vector<std::string>{"statuses/destroy.json", "statuses/share.json",
                                               "statuses/user_timeline.json"}));

  transport().requests.clear();
  replace.in_doubt = true;
  reply(200, R"({"statuses":[{"idstr":"99","text":"older"}]})");  // the old post is gone
  reply(200, R"({"statuses":[{"idstr":"101","text":"【t】s )" + kLink + R"("}]})");
  const auto second = correct(replace);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->post_id, "101");
  EXPECT_EQ(paths(), (std::vector<std::string>{"statuses/user_timeline.json", "statuses/user_timeline.json"}));
  EXPECT_NE(second->note.find("post 100 already gone"), std::string::npos) << second->note;
}

TEST_F(WeiboLifecycleUnitTest, RetractWithoutPostIdOfACorrectionNoteDeletesTheNote) {
  use_policy("note");
  auto retract_note = job(Operation::retract, "linyi_fabu", "");
  retract_note.delivery_id = DeliveryId{"2026-press-017", "microblog", "linyi_fabu", Operation::retract, 2}.str();
  reply(200, R"({"statuses":[{"idstr":"201","text":"【更正】t：n )" + kLink + R"("},)"
             R"({"idstr":"200","text":"【t】s )" + kLink + R"("}]})");
  reply(200, R"({"idstr":"201"})");
  ASSERT_TRUE(retract(retract_note).has_value());
  ASSERT_EQ(paths(), (std::vector<std::string>{"statuses/user_timeline.json", "statuses/destroy.json"}));
  EXPECT_EQ(transport().requests[1].body, form_encode({{"access_token", "tok-lead"}, {"id", "201"}}));
}

// A repost-mode member replaces its repost with a repost of the lead's new post; when the lead's new
// post recorded no id (20032 without one), with a post of its own, and its receipt says so.
TEST_F(WeiboLifecycleUnitTest, ReplacedRepostRepostsTheLeadsNewPostOrPostsOnItsOwn) {
  reply(200, R"({"idstr":"555"})");
  reply(200, R"({"idstr":"602","text":"x"})");
  const auto own = correct(job(Operation::correct, "yinan_fabu", "555"));
  ASSERT_TRUE(own.has_value()) << own.error().message;
  EXPECT_EQ(own->post_id, "602");
  EXPECT_NE(own->note.find("posted as the account's own post"), std::string::npos) << own->note;
  ASSERT_EQ(paths(), (std::vector<std::string>{"statuses/destroy.json", "statuses/share.json"}));
  transport().requests.clear();

  auto replace = job(Operation::correct, "yinan_fabu", "555");
  replace.upstream.post_id = "600";
  reply(200, R"({"idstr":"555"})");
  reply(200, R"({"idstr":"601","retweeted_status":{"idstr":"600"}})");
  const auto result = correct(replace);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->post_id, "601");
  EXPECT_EQ(transport().requests[0].body, form_encode({{"access_token", "tok-yinan"}, {"id", "555"}}));
  EXPECT_EQ(transport().requests[1].path, "statuses/repost.json");
  EXPECT_NE(transport().requests[1].body.find("id=600"), std::string::npos);
}

}  // namespace
}  // namespace fabu::testing
