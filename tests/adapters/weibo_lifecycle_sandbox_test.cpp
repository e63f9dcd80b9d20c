// Retracting and correcting Weibo posts against the real sandbox platform, over each real transport:
// exactly once across retries, 20101 as done, in-doubt destroys checked first, posts without a
// recorded id found on the timeline, and the three correction policies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/weibo/weibo_format.h"
#include "core/text.h"
#include "tests/adapters/weibo_sandbox_fixture.h"
#include "tests/adapters/weibo_sample_link.h"

namespace fabu::testing {
namespace {


std::string with_correction(const std::string& toml_text, const std::string& policy) {
  const std::string anchor = "hall = \"临沂政务微博发布厅\"\n";
  std::string out = toml_text;
  out.replace(out.find(anchor), anchor.size(), anchor + "correction = \"" + policy + "\"\n");
  return out;
}

// The same release, revision 2: a figure in the summary was wrong.
std::shared_ptr<const Release> corrected_release() {
  auto release = std::make_shared<Release>(*sample_release());
  release->summary = "全年主动公开政府信息13万余条，召开新闻发布会7场，发布政策解读40余篇。";
  return release;
}

class WeiboLifecycleTest : public WeiboSandboxFixture {
 protected:
  void SetUp() override {
    WeiboSandboxFixture::SetUp();
    use_policy("note");
  }

  void use_policy(const std::string& policy) {
    create_adapter(with_correction(weibo_hall_toml(sandbox_.base_url()), policy));
  }

  Result<DeliveryReceipt> correct(const DeliveryJob& job) {
    Outcome<Result<DeliveryReceipt>> outcome;
    adapter_->correct(job, outcome.callback());
    return outcome.wait();
  }
  Result<void> retract(const DeliveryJob& job) {
    Outcome<Result<void>> outcome;
    adapter_->retract(job, job.previous, outcome.callback());
    return outcome.wait();
  }

  // Publishes revision 1 on `destination` (a repost needs the lead's receipt as upstream).
  DeliveryReceipt publish(const std::string& destination, const DeliveryReceipt& upstream = {}) {
    auto job = job_for(sample_release(), destination, kLink);
    job.upstream = upstream;
    auto receipt = deliver(job);
    EXPECT_TRUE(receipt.has_value()) << receipt.error().message;
    return receipt.value_or(DeliveryReceipt{});
  }

  // An earlier, unrelated post: the account's history below the release's posts.
  void publish_older(const std::string& destination) {
    auto older = std::make_shared<Release>(*sample_release("2026-press-016"));
    older->title = "临沂市2026年第一季度政务公开工作情况";
    const auto receipt = deliver(job_for(older, destination, "https://www.linyi.gov.cn/info/tzgg/2026-press-016.html"));
    ASSERT_TRUE(receipt.has_value()) << receipt.error().message;
  }

  DeliveryJob lifecycle_job(Operation operation, int revision, const std::string& destination,
                            const DeliveryReceipt& previous) {
    auto job = job_for(revision > 1 ? corrected_release() : sample_release(), destination, kLink);
    job.operation = operation;
    job.revision = revision;
    job.delivery_id = DeliveryId{job.release->id, "microblog", destination, operation, revision}.str();
    job.previous = previous;
    job.reason = operation == Operation::correct ? "全年主动公开政府信息应为13万余条" : "内容有误";
    return job;
  }

  nlohmann::json post(const std::string& id) {
    for (auto& p : posts()) {
      if (p["idstr"] == id) return p;
    }
    ADD_FAILURE() << "no post " << id;
    return nlohmann::json::object();
  }
  std::vector<nlohmann::json> live_posts() {
    std::vector<nlohmann::json> out;
    for (auto& p : posts()) {
      if (!p["deleted"].get<bool>()) out.push_back(p);
    }
    return out;
  }
  // How often the sandbox answered `endpoint` with `outcome` ("ok", "error_20101", "fault_timeout_ok").
  int answered(const std::string& endpoint, const std::string& outcome) {
    const auto response = http_request(sandbox_.port(), "GET", "/_sandbox/stats");
    const auto stats = nlohmann::json::parse(response.body);
    const auto& endpoints = stats["endpoints"];
    if (!endpoints.contains(endpoint) || !endpoints[endpoint].contains(outcome)) return 0;
    return endpoints[endpoint][outcome].get<int>();
  }
  // From now on every write takes effect but its reply is lost: `job` times out, in doubt.
  void lose_write_replies(DeliveryJob& job) {
    set_faults(R"({"p_timeout": 1.0, "timeout_hold_ms": 3000})");
    job.timeout = std::chrono::milliseconds(500);
  }
};

constexpr const char* kDestroy = "statuses/destroy.json";

TEST_P(WeiboLifecycleTest, RetractDeletesPostsAndRepostsAndTreatsAlreadyDeletedAsDone) {
  const auto lead = publish("linyi_fabu");
  const auto repost = publish("yinan_fabu", lead);
  ASSERT_EQ(live_posts().size(), 2U);

  for (const auto& [destination, receipt] : {std::pair{"yinan_fabu", repost}, std::pair{"linyi_fabu", lead}}) {
    const auto done = retract(lifecycle_job(Operation::retract, 1, destination, receipt));
    ASSERT_TRUE(done.has_value()) << done.error().message;
    EXPECT_TRUE(post(receipt.post_id)["deleted"].get<bool>());
  }
  EXPECT_TRUE(live_posts().empty());

  const auto again = retract(lifecycle_job(Operation::retract, 1, "linyi_fabu", lead));
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(answered(kDestroy, "error_20101"), 1);
  EXPECT_EQ(answered(kDestroy, "ok"), 2);
}

TEST_P(WeiboLifecycleTest, InDoubtRetractLooksBeforeDestroying) {
  publish_older("linyi_fabu");
  const auto lead = publish("linyi_fabu");
  const auto member = publish("lanshan_fabu");
  // A first destroy went out but its reply was lost: the post is gone, the retraction is in doubt.
  auto job = lifecycle_job(Operation::retract, 1, "linyi_fabu", lead);
  lose_write_replies(job);
  const auto lost = retract(job);
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(lost.error().kind, ErrorKind::transient);
  EXPECT_TRUE(lost.error().may_have_taken_effect);
  EXPECT_TRUE(post(lead.post_id)["deleted"].get<bool>());
  set_faults(R"({"p_timeout": 0.0})");

  // The timeline at the post's id shows the older post in its place: gone, nothing more to send.
  job.in_doubt = true;
  job.timeout = std::chrono::milliseconds(5000);
  const auto checked = retract(job);
  ASSERT_TRUE(checked.has_value()) << checked.error().message;
  EXPECT_EQ(answered(kDestroy, "fault_timeout_ok"), 1);
  EXPECT_EQ(answered(kDestroy, "ok") + answered(kDestroy, "error_20101"), 0) << "the gone post was not destroyed again";

  // In doubt, but the post is still there (the earlier attempt never reached the platform): destroyed.
  auto member_job = lifecycle_job(Operation::retract, 1, "lanshan_fabu", member);
  member_job.in_doubt = true;
  const auto destroyed = retract(member_job);
  ASSERT_TRUE(destroyed.has_value()) << destroyed.error().message;
  EXPECT_TRUE(post(member.post_id)["deleted"].get<bool>());
  EXPECT_EQ(answered(kDestroy, "ok"), 1);
}

TEST_P(WeiboLifecycleTest, RetractWithoutPostIdFindsThePostOnTheTimeline) {
  const auto lead = publish("linyi_fabu");
  const auto repost = publish("yinan_fabu", lead);
  // A 更正 note of the same release also links the article: retracting the publish must leave it.
  auto note_job = lifecycle_job(Operation::correct, 2, "linyi_fabu", lead);
  const auto note = correct(note_job);
  ASSERT_TRUE(note.has_value()) << note.error().message;

  for (const std::string destination : {"linyi_fabu", "yinan_fabu"}) {
    auto job = lifecycle_job(Operation::retract, 1, destination, DeliveryReceipt{});
    job.in_doubt = true;
    const auto done = retract(job);
    ASSERT_TRUE(done.has_value()) << destination << ": " << done.error().message;
  }
  EXPECT_TRUE(post(lead.post_id)["deleted"].get<bool>());
  EXPECT_TRUE(post(repost.post_id)["deleted"].get<bool>());
  EXPECT_FALSE(post(note->post_id)["deleted"].get<bool>());

  // The note's own retraction (retract.2) finds the note; once nothing is left, "not found" is done.
  for (int round = 0; round < 2; ++round) {
    const auto done = retract(lifecycle_job(Operation::retract, 2, "linyi_fabu", DeliveryReceipt{}));
    ASSERT_TRUE(done.has_value()) << done.error().message;
  }
  EXPECT_TRUE(live_posts().empty());
  EXPECT_EQ(answered(kDestroy, "ok"), 3);
}

TEST_P(WeiboLifecycleTest, RetractWithAnExpiredTokenIsAnAuthError) {
  const auto result = retract(lifecycle_job(Operation::retract, 1, "jiaoyu", DeliveryReceipt{"4900000000000000000", "", ""}));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::auth);
  EXPECT_FALSE(result.error().may_have_taken_effect);
}

TEST_P(WeiboLifecycleTest, NotePolicyPostsOneCorrectionNotePerPostAccountAndRepostsTheLeadsNote) {
  const auto lead = publish("linyi_fabu");
  const auto member = publish("lanshan_fabu");
  const auto repost = publish("yinan_fabu", lead);

  const auto lead_note = correct(lifecycle_job(Operation::correct, 2, "linyi_fabu", lead));
  ASSERT_TRUE(lead_note.has_value()) << lead_note.error().message;
  auto member_job = lifecycle_job(Operation::correct, 2, "lanshan_fabu", member);
  member_job.in_doubt = true;  // nothing posted yet: looks, then posts
  const auto member_note = correct(member_job);
  ASSERT_TRUE(member_note.has_value()) << member_note.error().message;
  auto repost_job = lifecycle_job(Operation::correct, 2, "yinan_fabu", repost);
  repost_job.upstream = *lead_note;  // the lead's correct delivery
  const auto reposted = correct(repost_job);
  ASSERT_TRUE(reposted.has_value()) << reposted.error().message;

  ASSERT_EQ(live_posts().size(), 6U) << "the originals stay; three corrections are added";
  const auto note = post(lead_note->post_id);
  const std::string text = note["text"];
  EXPECT_EQ(text, "【更正】临沂市2026年政府信息公开工作年度报告：全年主动公开政府信息应为13万余条 " + kLink);
  EXPECT_LE(weibo_length(text), weibo::kWeiboMaxLength);
  EXPECT_NE(lead_note->note.find("correction note"), std::string::npos) << lead_note->note;
  EXPECT_EQ(post(member_note->post_id)["token"], "tok-lanshan");
  EXPECT_EQ(post(reposted->post_id)["kind"], "repost");
  EXPECT_EQ(std::to_string(post(reposted->post_id)["retweeted_id"].get<std::int64_t>()), lead_note->post_id);

  // A retry of each (its reply was lost) finds the note instead of posting a second one.
  for (auto job : {lifecycle_job(Operation::correct, 2, "linyi_fabu", lead), member_job, repost_job}) {
    job.in_doubt = true;
    const auto again = correct(job);
    ASSERT_TRUE(again.has_value()) << again.error().message;
  }
  EXPECT_EQ(live_posts().size(), 6U);
}

TEST_P(WeiboLifecycleTest, NoteWhoseReplyTimedOutIsFoundOnTheTimeline) {
  const auto lead = publish("linyi_fabu");
  auto job = lifecycle_job(Operation::correct, 2, "linyi_fabu", lead);
  lose_write_replies(job);
  const auto note = correct(job);
  ASSERT_TRUE(note.has_value()) << note.error().message;
  EXPECT_TRUE(std::string(post(note->post_id)["text"]).starts_with("【更正】"));
  EXPECT_NE(note->post_id, lead.post_id);
  EXPECT_EQ(live_posts().size(), 2U);
}

TEST_P(WeiboLifecycleTest, ReplacePolicyDeletesAndPostsTheNewRevision) {
  use_policy("replace");
  const auto lead = publish("linyi_fabu");
  const auto member = publish("lanshan_fabu");
  const auto repost = publish("yinan_fabu", lead);

  const auto new_lead = correct(lifecycle_job(Operation::correct, 2, "linyi_fabu", lead));
  ASSERT_TRUE(new_lead.has_value()) << new_lead.error().message;
  const auto new_member = correct(lifecycle_job(Operation::correct, 2, "lanshan_fabu", DeliveryReceipt{}));
  ASSERT_TRUE(new_member.has_value()) << new_member.error().message;
  auto repost_job = lifecycle_job(Operation::correct, 2, "yinan_fabu", repost);
  repost_job.upstream = *new_lead;
  const auto new_repost = correct(repost_job);
  ASSERT_TRUE(new_repost.has_value()) << new_repost.error().message;

  for (const auto* old : {&lead, &member, &repost}) EXPECT_TRUE(post(old->post_id)["deleted"].get<bool>());
  const auto live = live_posts();
  ASSERT_EQ(live.size(), 3U);
  EXPECT_NE(std::string(post(new_lead->post_id)["text"]).find("13万余条"), std::string::npos);
  EXPECT_NE(std::string(post(new_member->post_id)["text"]).find("@临沂发布"), std::string::npos);
  EXPECT_EQ(std::to_string(post(new_repost->post_id)["retweeted_id"].get<std::int64_t>()), new_lead->post_id);
  EXPECT_NE(new_lead->note.find("replaced (deleted post " + lead.post_id + ")"), std::string::npos) << new_lead->note;
}

TEST_P(WeiboLifecycleTest, ReplaceRetriedAfterTheDeleteWentThroughPostsOnce) {
  use_policy("replace");
  publish_older("linyi_fabu");
  const auto lead = publish("linyi_fabu");
  // Every write's reply is lost: the delete takes effect, the attempt fails in doubt.
  auto job = lifecycle_job(Operation::correct, 2, "linyi_fabu", lead);
  lose_write_replies(job);
  const auto first = correct(job);
  ASSERT_FALSE(first.has_value());
  EXPECT_TRUE(first.error().may_have_taken_effect);
  EXPECT_TRUE(post(lead.post_id)["deleted"].get<bool>());
  EXPECT_EQ(live_posts().size(), 1U);

  // The retry finds the old post gone, posts; that reply is lost too, but the post is on the timeline.
  job.in_doubt = true;
  const auto second = correct(job);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  set_faults(R"({"p_timeout": 0.0})");
  // And once more, as after a lost completion: nothing new.
  job.timeout = std::chrono::milliseconds(5000);
  const auto third = correct(job);
  ASSERT_TRUE(third.has_value()) << third.error().message;
  EXPECT_EQ(third->post_id, second->post_id);
  const auto live = live_posts();
  ASSERT_EQ(live.size(), 2U) << "the older post and the new revision";
  EXPECT_EQ(live[1]["idstr"], second->post_id);
  EXPECT_EQ(answered(kDestroy, "fault_timeout_ok"), 1);
  EXPECT_EQ(answered(kDestroy, "ok") + answered(kDestroy, "error_20101"), 0);
}

TEST_P(WeiboLifecycleTest, NonePolicyPlansNothingAndPostsNothing) {
  use_policy("none");
  const auto lead = publish("linyi_fabu");
  const auto planned = adapter_->plan_correction(*corrected_release(), "microblog", {"lead", "all"});
  ASSERT_TRUE(planned.has_value());
  EXPECT_TRUE(planned->empty());
  const auto result = correct(lifecycle_job(Operation::correct, 2, "linyi_fabu", lead));
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->post_id, lead.post_id);
  EXPECT_EQ(posts().size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(Transports, WeiboLifecycleTest, ::testing::Values("beast", "cpprest"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace fabu::testing
