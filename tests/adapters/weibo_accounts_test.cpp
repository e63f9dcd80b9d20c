// The Weibo adapter's account listing and run-time token replacement, against a recording transport.
#include <gtest/gtest.h>

#include "adapters/http_transport.h"
#include "tests/adapters/weibo_test_support.h"

namespace fabu::testing {
namespace {

class RecordingTransport final : public HttpTransport {
 public:
  void send(HttpRequest request, HttpCallback done) override {
    {
      std::lock_guard lock(mu);
      bodies.push_back(request.body);
    }
    done(HttpResponse{200, {}, R"({"id":4900000000000001,"idstr":"4900000000000001","text":"ok"})"});
  }
  std::mutex mu;
  std::vector<std::string> bodies;
};

class RecordingFactory final : public HttpTransportFactory {
 public:
  std::shared_ptr<HttpTransport> make(const std::string&) override { return transport; }
  std::shared_ptr<RecordingTransport> transport = std::make_shared<RecordingTransport>();
};

class WeiboAccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.http = &http_;
    auto created = make_weibo_adapter_factory()->create(weibo_channel_from(weibo_hall_toml("http://sandbox.test/2/")),
                                                        "fabu.toml", env_);
    ASSERT_TRUE(created.has_value());
    adapter_ = std::move(*created);
  }

  std::string posted_body(const std::string& destination) {
    Outcome<Result<DeliveryReceipt>> outcome;
    adapter_->deliver(job_for(sample_release(), destination, "https://www.linyi.gov.cn/a.html"), outcome.callback());
    EXPECT_TRUE(outcome.wait().has_value());
    std::lock_guard lock(http_.transport->mu);
    return http_.transport->bodies.empty() ? std::string() : http_.transport->bodies.back();
  }

  RecordingFactory http_;
  AdapterEnv env_;
  std::unique_ptr<Adapter> adapter_;
};

TEST_F(WeiboAccountsTest, ListsEveryAccountWithLaneModeAndExpiry) {
  const auto accounts = adapter_->accounts("microblog");
  ASSERT_EQ(accounts.size(), 4u);
  EXPECT_EQ(accounts[0].lane, "microblog/linyi_fabu");
  EXPECT_EQ(accounts[0].name, "临沂发布");
  EXPECT_EQ(accounts[0].group, "lead");
  EXPECT_EQ(accounts[0].mode, "post");
  ASSERT_TRUE(accounts[0].token_expires.has_value());
  EXPECT_EQ(accounts[0].token_expires->iso(), "2027-06-30");
  EXPECT_EQ(accounts[2].id, "yinan_fabu");
  EXPECT_EQ(accounts[2].mode, "repost");
  EXPECT_FALSE(accounts[1].token_expires.has_value());
  // The fingerprint identifies the token without containing it.
  EXPECT_EQ(accounts[1].token_fingerprint, token_fingerprint("tok-lanshan"));
  EXPECT_EQ(accounts[1].token_fingerprint.find("tok-lanshan"), std::string::npos);
  EXPECT_NE(accounts[1].token_fingerprint, accounts[3].token_fingerprint);
}

TEST_F(WeiboAccountsTest, SetTokenChangesTheTokenOfLaterPostsOfThatAccountOnly) {
  EXPECT_NE(posted_body("lanshan_fabu").find("access_token=tok-lanshan"), std::string::npos);
  ASSERT_TRUE(adapter_->set_token("lanshan_fabu", "tok-lanshan-renewed"));
  EXPECT_NE(posted_body("lanshan_fabu").find("access_token=tok-lanshan-renewed"), std::string::npos);
  EXPECT_NE(posted_body("jiaoyu").find("access_token=tok-jiaoyu&"), std::string::npos);
  // The configured token, and so the fingerprint, stay as in the config.
  EXPECT_EQ(adapter_->accounts("microblog")[1].token_fingerprint, token_fingerprint("tok-lanshan"));
}

TEST_F(WeiboAccountsTest, SetTokenRefusesAnUnknownAccount) {
  EXPECT_FALSE(adapter_->set_token("nobody_here", "tok-x"));
}

TEST(TokenFingerprint, IsStableHexAndDiffersPerToken) {
  EXPECT_EQ(token_fingerprint(""), "cbf29ce484222325");  // the FNV-1a 64 offset basis
  EXPECT_EQ(token_fingerprint("a"), "af63dc4c8601ec8c");
  EXPECT_NE(token_fingerprint("tok-1"), token_fingerprint("tok-2"));
}

}  // namespace
}  // namespace fabu::testing
