// The Weibo adapter over each real transport (Beast and cpprestsdk) against the real sandbox platform.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/adapters/weibo_sandbox_fixture.h"
#include "tests/adapters/weibo_sample_link.h"

namespace fabu::testing {
namespace {


using WeiboSandboxTest = WeiboSandboxFixture;

TEST_P(WeiboSandboxTest, LeadMemberAndRepostThenRetract) {
  const auto release = sample_release();
  const auto lead = deliver(job_for(release, "linyi_fabu", kLink));
  ASSERT_TRUE(lead.has_value()) << lead.error().message;
  ASSERT_FALSE(lead->post_id.empty());

  const auto member = deliver(job_for(release, "lanshan_fabu", kLink));
  ASSERT_TRUE(member.has_value()) << member.error().message;

  auto repost_job = job_for(release, "yinan_fabu", kLink);
  repost_job.upstream = *lead;
  const auto repost = deliver(repost_job);
  ASSERT_TRUE(repost.has_value()) << repost.error().message;

  auto all = posts();
  ASSERT_EQ(all.size(), 3U) << all.dump();
  EXPECT_EQ(all[0]["idstr"], lead->post_id);
  EXPECT_EQ(all[0]["token"], "tok-lead");
  EXPECT_EQ(all[0]["kind"], "share");
  EXPECT_TRUE(all[0]["text"].get<std::string>().starts_with("【临沂市2026年政府信息公开工作年度报告】"));
  EXPECT_NE(all[1]["text"].get<std::string>().find("@临沂发布 " + kLink), std::string::npos) << all[1].dump();
  EXPECT_EQ(all[2]["kind"], "repost");
  EXPECT_EQ(std::to_string(all[2]["retweeted_id"].get<std::int64_t>()), lead->post_id);

  Outcome<Result<void>> retracted;
  adapter_->retract(repost_job, *repost, retracted.callback());
  ASSERT_TRUE(retracted.wait().has_value()) << retracted.wait().error().message;
  EXPECT_TRUE(posts()[2]["deleted"].get<bool>());

  Outcome<Result<void>> again;  // already gone (20101) counts as retracted
  adapter_->retract(repost_job, *repost, again.callback());
  EXPECT_TRUE(again.wait().has_value());
}

TEST_P(WeiboSandboxTest, SendingTheSameReleaseTwiceReconcilesInsteadOfPostingAgain) {
  const auto job = job_for(sample_release(), "linyi_fabu", kLink);
  const auto first = deliver(job);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  const auto second = deliver(job);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->post_id, first->post_id);
  EXPECT_EQ(second->note, "reconciled: platform reported a duplicate");
  EXPECT_EQ(posts().size(), 1U);
}

TEST_P(WeiboSandboxTest, InDoubtDeliveryLooksBeforePosting) {
  auto job = job_for(sample_release(), "lanshan_fabu", kLink);
  job.in_doubt = true;
  const auto first = deliver(job);  // nothing there yet: posts
  ASSERT_TRUE(first.has_value()) << first.error().message;
  const auto second = deliver(job);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->post_id, first->post_id);
  EXPECT_EQ(second->note, "reconciled: found on the account's timeline");
  EXPECT_EQ(posts().size(), 1U);
}

// Two releases with the same title and summary read alike up to their links. A delivery in doubt
// whose earlier attempt never reached the platform must not take the other release's older post for
// its own: it posts.
TEST_P(WeiboSandboxTest, InDoubtDeliveryDoesNotTakeAnOlderReleasesPostWithTheSameWording) {
  const auto earlier = deliver(job_for(sample_release("2026-press-016"), "linyi_fabu",
                                       "https://www.linyi.gov.cn/info/tzgg/2026-press-016.html"));
  ASSERT_TRUE(earlier.has_value()) << earlier.error().message;

  auto job = job_for(sample_release(), "linyi_fabu", kLink);
  job.in_doubt = true;
  // Admitted ten minutes after the earlier release's post was created.
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  job.admission.admitted_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count() + 600'000;
  const auto result = deliver(job);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_NE(result->post_id, earlier->post_id);
  EXPECT_EQ(result->note, "");
  const auto all = posts();
  ASSERT_EQ(all.size(), 2U) << all.dump();
  EXPECT_EQ(all[1]["idstr"], result->post_id);
  EXPECT_NE(all[1]["text"].get<std::string>().find(kLink), std::string::npos) << all[1].dump();
}

TEST_P(WeiboSandboxTest, ExpiredTokenIsAnAuthError) {
  const auto result = deliver(job_for(sample_release(), "jiaoyu", kLink));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::auth);
  EXPECT_EQ(result.error().platform_code, 21327);
  EXPECT_EQ(result.error().message.find("tok-jiaoyu"), std::string::npos);
  EXPECT_TRUE(posts().empty());
}

TEST_P(WeiboSandboxTest, PostCreatedButReplyLostIsFoundOnTheTimeline) {
  set_faults(R"({"p_timeout": 1.0, "timeout_hold_ms": 5000})");
  auto job = job_for(sample_release(), "linyi_fabu", kLink);
  job.timeout = std::chrono::milliseconds(700);
  const auto result = deliver(job);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_FALSE(result->post_id.empty());
  EXPECT_NE(result->note.find("timed out"), std::string::npos) << result->note;
  ASSERT_EQ(posts().size(), 1U);
  EXPECT_EQ(posts()[0]["idstr"], result->post_id);
}

TEST_P(WeiboSandboxTest, RateLimitFaultIsRateLimited) {
  set_faults(R"({"p_rate_limit": 1.0})");
  const auto result = deliver(job_for(sample_release(), "linyi_fabu", kLink));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::rate_limited);
  EXPECT_TRUE(result.error().retry_after.has_value());
  EXPECT_TRUE(posts().empty());
}

TEST_P(WeiboSandboxTest, ImageIsUploaded) {
  const auto path = std::filesystem::temp_directory_path() / ("fabu_weibo_sandbox_" + unique_prefix() + ".gif");
  std::ofstream(path, std::ios::binary) << "GIF89a" << std::string(64, '\x01');
  auto release = std::make_shared<Release>(*sample_release());
  release->images = {path.string()};
  const auto result = deliver(job_for(release, "linyi_fabu", kLink));
  std::filesystem::remove(path);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  ASSERT_EQ(posts().size(), 1U);
  EXPECT_TRUE(posts()[0]["has_pic"].get<bool>());
}

INSTANTIATE_TEST_SUITE_P(Transports, WeiboSandboxTest, ::testing::Values("beast", "cpprest"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace fabu::testing
