#include "adapters/weibo/weibo_errors.h"

#include <gtest/gtest.h>

namespace fabu::weibo {
namespace {

struct Case {
  int http_status;
  int code;
  Outcome outcome;
};

class ClassifyTest : public ::testing::TestWithParam<Case> {};

TEST_P(ClassifyTest, FollowsTheDomainTable) {
  const Case c = GetParam();
  EXPECT_EQ(classify(c.http_status, c.code), c.outcome)
      << "HTTP " << c.http_status << " code " << c.code << " gave " << to_string(classify(c.http_status, c.code));
}

INSTANTIATE_TEST_SUITE_P(
    Table, ClassifyTest,
    ::testing::Values(Case{200, 0, Outcome::success}, Case{200, 20032, Outcome::success},
                      Case{400, 20032, Outcome::success},
                      Case{400, 20017, Outcome::duplicate}, Case{400, 20019, Outcome::duplicate},
                      Case{400, 20111, Outcome::duplicate},
                      Case{403, 10022, Outcome::rate_limited}, Case{403, 10023, Outcome::rate_limited},
                      Case{403, 10024, Outcome::rate_limited}, Case{400, 20016, Outcome::rate_limited},
                      Case{403, 21327, Outcome::auth}, Case{403, 21315, Outcome::auth},
                      Case{403, 21319, Outcome::auth}, Case{403, 21332, Outcome::auth},
                      Case{403, 21301, Outcome::auth},
                      Case{400, 20012, Outcome::permanent}, Case{400, 20018, Outcome::permanent},
                      Case{400, 20020, Outcome::permanent}, Case{400, 20021, Outcome::permanent},
                      Case{400, 21602, Outcome::permanent},
                      Case{400, 10017, Outcome::config}, Case{400, 10014, Outcome::config},
                      Case{500, 0, Outcome::transient}, Case{502, 0, Outcome::transient},
                      Case{503, 10001, Outcome::transient}, Case{504, 99999, Outcome::transient},
                      Case{400, 99999, Outcome::permanent}, Case{403, 10008, Outcome::permanent},
                      Case{404, 0, Outcome::permanent}));

TEST(WeiboErrors, AuthMessageNamesAccountAndWhatToDo) {
  const Error e = to_error({403, 21327, "expired_token", "lanshan_fabu", ""});
  EXPECT_EQ(e.kind, ErrorKind::auth);
  EXPECT_EQ(e.platform_code, 21327);
  EXPECT_NE(e.message.find("weibo error 21327 expired_token for account lanshan_fabu"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("re-authorise the account"), std::string::npos) << e.message;
}

TEST(WeiboErrors, RateLimitsCarryConservativeDefaults) {
  const Error api = to_error({403, 10023, "user requests out of rate limit", "jiaoyu", ""});
  EXPECT_EQ(api.kind, ErrorKind::rate_limited);
  ASSERT_TRUE(api.retry_after.has_value());
  EXPECT_EQ(*api.retry_after, std::chrono::seconds(60));

  const Error posting = to_error({400, 20016, "update weibo too fast", "jiaoyu", ""});
  ASSERT_TRUE(posting.retry_after.has_value());
  EXPECT_EQ(*posting.retry_after, std::chrono::seconds(300));
}

TEST(WeiboErrors, ChannelRateLimitWaitReplacesTheDefaults) {
  const Error api = to_error({403, 10023, "user requests out of rate limit", "jiaoyu", "", std::chrono::seconds(2)});
  ASSERT_TRUE(api.retry_after.has_value());
  EXPECT_EQ(*api.retry_after, std::chrono::seconds(2));
  const Error posting = to_error({400, 20016, "update weibo too fast", "jiaoyu", "", std::chrono::seconds(2)});
  ASSERT_TRUE(posting.retry_after.has_value());
  EXPECT_EQ(*posting.retry_after, std::chrono::seconds(10));
  const Error header = to_error({403, 10022, "", "jiaoyu", "7", std::chrono::seconds(2)});
  EXPECT_EQ(*header.retry_after, std::chrono::seconds(7));
}

TEST(WeiboErrors, RetryAfterHeaderWins) {
  const Error e = to_error({403, 10022, "ip requests out of rate limit", "jiaoyu", " 7 "});
  ASSERT_TRUE(e.retry_after.has_value());
  EXPECT_EQ(*e.retry_after, std::chrono::seconds(7));
  const Error garbage = to_error({403, 10022, "", "jiaoyu", "soon"});
  EXPECT_EQ(*garbage.retry_after, std::chrono::seconds(60));
}

TEST(WeiboErrors, KindsOfTheOtherRows) {
  EXPECT_EQ(to_error({400, 20012, "text too long", "a", ""}).kind, ErrorKind::permanent);
  EXPECT_EQ(to_error({400, 20021, "content is illegal", "a", ""}).kind, ErrorKind::permanent);
  const Error safe = to_error({400, 10017, "no safe domain", "a", ""});
  EXPECT_EQ(safe.kind, ErrorKind::config);
  EXPECT_NE(safe.message.find("safe domain"), std::string::npos);
  EXPECT_EQ(to_error({400, 10014, "retired", "a", ""}).kind, ErrorKind::config);
  const Error busy = to_error({503, 10001, "system error", "a", ""});
  EXPECT_EQ(busy.kind, ErrorKind::transient);
  EXPECT_EQ(busy.platform_code, 10001);
  const Error bare = to_error({502, 0, "", "a", ""});
  EXPECT_EQ(bare.kind, ErrorKind::transient);
  EXPECT_NE(bare.message.find("HTTP 502"), std::string::npos) << bare.message;
}

}  // namespace
}  // namespace fabu::weibo
