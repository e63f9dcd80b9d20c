#include "sandbox/platform_state.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace fabu::sandbox {
namespace {

constexpr const char* kDomain = "www.linyi.gov.cn";
const std::string kLink = " http://www.linyi.gov.cn/2026/notice-17.html";

int error_code_of(const PlatformResult& result) { return result ? 0 : result.error().error_code; }

std::int64_t id_of(const PlatformResult& result) { return result.value().at("id").get<std::int64_t>(); }

std::string repeated(const std::string& piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

class PlatformStateTest : public ::testing::Test {
 protected:
  PlatformResult share(const std::string& token, const std::string& status, bool has_pic = false) {
    return state_.share({{"access_token", token}, {"status", status}}, has_pic);
  }
  PlatformResult timeline(const std::string& token, Params extra = {}) {
    extra.emplace("access_token", token);
    return state_.user_timeline(extra);
  }
  PlatformState state_{kDomain};
};

TEST_F(PlatformStateTest, ShareReturnsTheStatusObject) {
  const auto result = share("tok-lead", "【通知】全市政务公开工作要点发布" + kLink, true);
  ASSERT_TRUE(result) << result.error().message;
  const auto& status = *result;
  EXPECT_EQ(status.at("idstr").get<std::string>(), std::to_string(status.at("id").get<std::int64_t>()));
  EXPECT_EQ(status.at("text"), "【通知】全市政务公开工作要点发布" + kLink);
  EXPECT_EQ(status.at("user").at("id").get<std::uint64_t>(), uid_for_token("tok-lead"));
  EXPECT_EQ(status.at("user").at("screen_name"), "user" + std::to_string(uid_for_token("tok-lead")));
  EXPECT_EQ(status.at("user").at("statuses_count"), 1);
  EXPECT_TRUE(status.contains("original_pic"));
  EXPECT_NE(status.at("created_at").get<std::string>().find("+0800"), std::string::npos);
}

TEST_F(PlatformStateTest, TokensIdentifyUsers) {
  EXPECT_EQ(error_code_of(state_.share({{"status", "x" + kLink}}, false)), codes::missing_token);
  EXPECT_EQ(error_code_of(share("", "x" + kLink)), codes::missing_token);
  EXPECT_GE(uid_for_token("abc"), 5'000'000'000u);
  EXPECT_LT(uid_for_token("abc"), 6'000'000'000u);
  EXPECT_EQ(uid_for_token("abc"), uid_for_token("abc"));
  EXPECT_NE(uid_for_token("abc"), uid_for_token("abd"));
}

TEST_F(PlatformStateTest, ExpiredTokenAnswers21327UntilRestored) {
  state_.expire_token("tok-old");
  const auto refused = share("tok-old", "a" + kLink);
  EXPECT_EQ(error_code_of(refused), codes::expired_token);
  EXPECT_EQ(refused.error().http_status, 403);
  EXPECT_EQ(error_code_of(timeline("tok-old")), codes::expired_token);
  state_.restore_token("tok-old");
  EXPECT_TRUE(share("tok-old", "a" + kLink));
}

TEST_F(PlatformStateTest, MissingStatusIsAParameterError) {
  const auto result = state_.share({{"access_token", "t"}}, false);
  EXPECT_EQ(error_code_of(result), codes::param_error);
  EXPECT_EQ(result.error().http_status, 400);
}

TEST_F(PlatformStateTest, LengthIsMeasuredWithWeiboLength) {
  std::string fits = repeated("临", 1) + kLink;
  while (weibo_length(fits + "临") <= 140) fits = "临" + fits;
  const std::string too_long = "临" + fits;
  ASSERT_EQ(weibo_length(fits), 140u);
  ASSERT_GT(weibo_length(too_long), 140u);
  EXPECT_EQ(error_code_of(share("t", too_long)), codes::text_too_long);
  EXPECT_TRUE(share("t", fits));
}

TEST_F(PlatformStateTest, ShareNeedsALinkOnTheSafeDomain) {
  EXPECT_EQ(error_code_of(share("t", "没有链接")), codes::safe_domain);
  EXPECT_EQ(error_code_of(share("t", "别的网站 http://example.com/a")), codes::safe_domain);
  EXPECT_TRUE(share("t", "子域名 https://m.www.linyi.gov.cn/a"));
}

TEST_F(PlatformStateTest, ShareRefusesTopics) {
  const auto result = share("t", "#临沂发布# 今日要闻" + kLink);
  EXPECT_EQ(error_code_of(result), codes::illegal_content);
  EXPECT_EQ(state_.post_count(), 0u);
}

TEST_F(PlatformStateTest, RepeatedTextOfTheSameUserIs20019UntilDestroyed) {
  const auto first = share("a", "同一条" + kLink);
  ASSERT_TRUE(first);
  EXPECT_EQ(error_code_of(share("a", "同一条" + kLink)), codes::repeat_content);
  EXPECT_TRUE(share("b", "同一条" + kLink)) << "another user may post the same text";
  ASSERT_TRUE(state_.destroy({{"access_token", "a"}, {"id", std::to_string(id_of(first))}}));
  EXPECT_TRUE(share("a", "同一条" + kLink)) << "a destroyed status no longer blocks its text";
}

TEST_F(PlatformStateTest, RepostOnceThen20111) {
  const auto lead = share("lead", "原文" + kLink);
  ASSERT_TRUE(lead);
  const auto id = std::to_string(id_of(lead));
  const auto repost = state_.repost({{"access_token", "member"}, {"id", id}, {"status", "兰山区转发"}});
  ASSERT_TRUE(repost) << repost.error().message;
  EXPECT_EQ(repost->at("text"), "兰山区转发");
  EXPECT_EQ(repost->at("retweeted_status").at("id").get<std::int64_t>(), id_of(lead));
  EXPECT_GE(repost->at("retweeted_status").at("reposts_count").get<int>(), 1);
  EXPECT_EQ(error_code_of(state_.repost({{"access_token", "member"}, {"id", id}})), codes::repeat_repost);
  EXPECT_TRUE(state_.repost({{"access_token", "member2"}, {"id", id}}));
}

TEST_F(PlatformStateTest, RepostChecksTargetAndLength) {
  EXPECT_EQ(error_code_of(state_.repost({{"access_token", "m"}, {"id", "4900000000999999"}})), codes::status_not_found);
  EXPECT_EQ(error_code_of(state_.repost({{"access_token", "m"}, {"id", "abc"}})), codes::param_error);
  const auto lead = share("lead", "原文" + kLink);
  ASSERT_TRUE(lead);
  const auto result = state_.repost({{"access_token", "m"}, {"id", std::to_string(id_of(lead))}, {"status", repeated("转", 141)}});
  EXPECT_EQ(error_code_of(result), codes::text_too_long);
  const auto plain = state_.repost({{"access_token", "m"}, {"id", std::to_string(id_of(lead))}});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->at("text"), "转发微博");
}

TEST_F(PlatformStateTest, DestroyOnlyOwnLiveStatuses) {
  const auto post = share("owner", "要撤回的" + kLink);
  ASSERT_TRUE(post);
  const auto id = std::to_string(id_of(post));
  EXPECT_EQ(error_code_of(state_.destroy({{"access_token", "other"}, {"id", id}})), codes::not_own_status);
  const auto destroyed = state_.destroy({{"access_token", "owner"}, {"id", id}});
  ASSERT_TRUE(destroyed);
  EXPECT_EQ(destroyed->at("id").get<std::int64_t>(), id_of(post));
  EXPECT_EQ(error_code_of(state_.destroy({{"access_token", "owner"}, {"id", id}})), codes::status_not_found);
  EXPECT_EQ(error_code_of(state_.destroy({{"access_token", "owner"}, {"id", "1"}})), codes::status_not_found);
  const auto posts = state_.admin_posts();
  ASSERT_EQ(posts.at("posts").size(), 1u);
  EXPECT_TRUE(posts.at("posts")[0].at("deleted").get<bool>());
  EXPECT_EQ(posts.at("posts")[0].at("token"), "owner");
}

TEST_F(PlatformStateTest, TimelineIsNewestFirstWithPagingAndSinceId) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    const auto post = share("u", "第" + std::to_string(i) + "条" + kLink);
    ASSERT_TRUE(post);
    ids.push_back(id_of(post));
  }
  ASSERT_TRUE(share("someone-else", "别人的" + kLink));
  ASSERT_TRUE(state_.destroy({{"access_token", "u"}, {"id", std::to_string(ids[3])}}));

  auto ids_in = [](const PlatformResult& page) {
    std::vector<std::int64_t> out;
    for (const auto& status : page.value().at("statuses")) out.push_back(status.at("id").get<std::int64_t>());
    return out;
  };
  const auto first_page = timeline("u", {{"count", "2"}});
  EXPECT_EQ(ids_in(first_page), (std::vector<std::int64_t>{ids[4], ids[2]}));
  EXPECT_EQ(first_page->at("total_number"), 4);
  EXPECT_EQ(ids_in(timeline("u", {{"count", "2"}, {"page", "2"}})), (std::vector<std::int64_t>{ids[1], ids[0]}));
  EXPECT_TRUE(ids_in(timeline("u", {{"count", "2"}, {"page", "3"}})).empty());
  EXPECT_EQ(ids_in(timeline("u", {{"since_id", std::to_string(ids[1])}})), (std::vector<std::int64_t>{ids[4], ids[2]}));
  EXPECT_EQ(error_code_of(timeline("u", {{"count", "zero"}})), codes::param_error);
}

// What the Weibo adapter's presence check reads: the status at max_id, or the next older live one.
TEST_F(PlatformStateTest, TimelineAtMaxIdShowsTheStatusOrTheOlderOneInItsPlace) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(std::to_string(id_of(share("u", "第" + std::to_string(i) + "条" + kLink))));
  ASSERT_TRUE(state_.destroy({{"access_token", "u"}, {"id", ids[1]}}));
  auto at = [&](const std::string& max_id) {
    const auto page = timeline("u", {{"count", "1"}, {"max_id", max_id}});
    const auto& statuses = page.value().at("statuses");
    return statuses.empty() ? std::string() : std::to_string(statuses[0].at("id").get<std::int64_t>());
  };
  EXPECT_EQ(at(ids[2]), ids[2]);
  EXPECT_EQ(at(ids[1]), ids[0]);
  ASSERT_TRUE(state_.destroy({{"access_token", "u"}, {"id", ids[0]}}));
  EXPECT_EQ(at(ids[1]), "");
}

TEST_F(PlatformStateTest, UsersAndCounts) {
  const auto post = share("u", "统计" + kLink);
  ASSERT_TRUE(post);
  const auto uid = std::to_string(uid_for_token("u"));
  const auto shown = state_.show_user({{"access_token", "x"}, {"uid", uid}});
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->at("statuses_count"), 1);
  EXPECT_GT(shown->at("followers_count").get<long long>(), 0);
  EXPECT_TRUE(state_.show_user({{"access_token", "x"}, {"screen_name", "user" + uid}}));
  EXPECT_EQ(error_code_of(state_.show_user({{"access_token", "x"}, {"uid", "5999999999"}})), codes::user_not_found);

  const auto counts = state_.user_counts({{"access_token", "x"}, {"uids", uid + ",5999999999,4999999999"}});
  ASSERT_TRUE(counts);
  ASSERT_EQ(counts->size(), 2u);  // 4999999999 is no account of the platform
  EXPECT_EQ((*counts)[0].at("statuses_count"), 1);
  // An account no token of the sandbox holds (a configured account before it posts) has numbers too.
  EXPECT_EQ((*counts)[1].at("id"), 5999999999LL);
  EXPECT_GT((*counts)[1].at("followers_count").get<long long>(), 0);

  const auto reach = state_.status_counts({{"access_token", "x"}, {"ids", std::to_string(id_of(post)) + ",42"}});
  ASSERT_TRUE(reach);
  ASSERT_EQ(reach->size(), 1u);
  EXPECT_TRUE((*reach)[0].contains("reposts") && (*reach)[0].contains("comments") && (*reach)[0].contains("attitudes"));

  std::string too_many = "1";
  for (int i = 0; i < 100; ++i) too_many += ",1";
  EXPECT_EQ(error_code_of(state_.status_counts({{"access_token", "x"}, {"ids", too_many}})), codes::param_error);
}

TEST_F(PlatformStateTest, FollowersAndCountsGrowWithTheClockAndFlattenAfterAWeek) {
  const auto post = share("u", "增长" + kLink);
  ASSERT_TRUE(post);
  const auto uid = std::to_string(uid_for_token("u"));
  const Params users{{"access_token", "x"}, {"uids", uid}};
  const Params statuses{{"access_token", "x"}, {"ids", std::to_string(id_of(post))}};
  auto followers = [&] { return state_.user_counts(users)->at(0).at("followers_count").get<long long>(); };
  auto likes = [&] { return state_.status_counts(statuses)->at(0).at("attitudes").get<long long>(); };
  const Params others{{"access_token", "x"}, {"uids", "5000000001"}};
  auto other_followers = [&] { return state_.user_counts(others)->at(0).at("followers_count").get<long long>(); };
  const auto followers_at_start = followers();
  const auto other_at_start = other_followers();
  EXPECT_EQ(likes(), 0);
  EXPECT_EQ(state_.advance_clock(std::chrono::hours(1)), std::chrono::hours(1));
  const auto likes_after_hour = likes();
  EXPECT_GT(likes_after_hour, 0);
  EXPECT_GT(followers(), followers_at_start);
  EXPECT_GT(other_followers(), other_at_start);
  state_.advance_clock(std::chrono::hours(23));
  const auto likes_after_day = likes();
  EXPECT_GT(likes_after_day, 5 * likes_after_hour);
  state_.advance_clock(std::chrono::hours(24 * 6));
  const auto likes_after_week = likes();
  EXPECT_GE(likes_after_week, likes_after_day);
  state_.advance_clock(std::chrono::hours(24 * 7));
  EXPECT_LE(likes() - likes_after_week, 1);  // flat: the week took nearly everything
  EXPECT_EQ(state_.advance_clock(std::chrono::seconds(-5)), std::chrono::hours(24 * 14));  // never back
}

TEST_F(PlatformStateTest, ResetForgetsEverythingButNeverReusesIds) {
  const auto before = share("u", "重置前" + kLink);
  ASSERT_TRUE(before);
  state_.reset();
  EXPECT_EQ(state_.post_count(), 0u);
  EXPECT_EQ(error_code_of(state_.destroy({{"access_token", "u"}, {"id", std::to_string(id_of(before))}})),
            codes::status_not_found);
  const auto after = share("u", "重置前" + kLink);  // the repeat check was forgotten too
  ASSERT_TRUE(after);
  EXPECT_GT(id_of(after), id_of(before));
}

}  // namespace
}  // namespace fabu::sandbox
