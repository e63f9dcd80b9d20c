// End to end: a release holding a resident ID number and a mobile number is held by the privacy
// screen. Nothing reaches the sandbox platform or the portal, `fabuctl held`, `fabuctl status` and
// GET /v1/held show the matches masked, and no log of the run holds the raw numbers. Resubmitted
// without them, the release is admitted and its held record is kept, marked released.
#include <csignal>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "core/ed25519.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

const std::string kId = "11010519491231002X";
const std::string kMobile = "13812345678";

bool portal_has(const Harness& h, const std::string& release_id) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(h.portal_dir())) {
    if (entry.path().filename() == release_id + ".html") return true;
  }
  return false;
}

void expect_no_raw_numbers(const std::string& text, const std::string& where) {
  EXPECT_EQ(text.find(kId), std::string::npos) << where << " holds the raw ID number:\n" << text;
  EXPECT_EQ(text.find("19491231"), std::string::npos) << where << " holds the birth date:\n" << text;
  EXPECT_EQ(text.find(kMobile), std::string::npos) << where << " holds the raw mobile number:\n" << text;
}

TEST(ScreenE2E, PersonalDataIsHeldShownMaskedAndReleasedWhenRemoved) {
  const int api_port = free_port();
  Harness h({.members = {{"county_a"}}, .api_port = api_port});
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();
  const std::string targets = R"({"portal":["tzgg"],"microblog":["lead","all"]})";
  const std::string summary = "寻人启事：老人身份证号" + kId + "，家属电话" + kMobile + "。";
  h.enqueue(release_json("screen-held", targets, "寻人启事", summary));
  h.enqueue(release_json("screen-clean", targets));

  ASSERT_TRUE(Harness::eventually([&] { return h.settled("screen-clean"); })) << h.log_of();
  std::vector<HeldRecord> held;
  ASSERT_TRUE(Harness::eventually([&] {
    auto records = h.ledger().held(10);
    if (records) held = *records;
    return held.size() == 1;
  })) << h.log_of();
  EXPECT_EQ(held[0].release_id, "screen-held");
  ASSERT_EQ(held[0].matches.size(), 4u) << "ID and mobile in the summary and the body (the abstract is the summary)";
  EXPECT_EQ(held[0].matches[0].masked, "110105********002X");
  EXPECT_EQ(held[0].matches[1].masked, "138****5678");
  EXPECT_EQ(held[0].screen_digest.size(), 64u);
  EXPECT_TRUE(h.deliveries("screen-held").empty());
  EXPECT_FALSE(portal_has(h, "screen-held"));
  EXPECT_TRUE(portal_has(h, "screen-clean"));
  const auto posts = h.sandbox_posts();
  EXPECT_EQ(posts.size(), 2u) << "only the clean release was posted (lead and county_a)";
  expect_no_raw_numbers(posts.dump(), "the sandbox's posts");

  const std::string fabuctl = std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " ";
  std::string out;
  ASSERT_EQ(run_shell(fabuctl + "held", out), 0) << out;
  EXPECT_NE(out.find("screen-held"), std::string::npos) << out;
  EXPECT_NE(out.find("summary at byte 33: resident_id  110105********002X"), std::string::npos) << out;
  EXPECT_NE(out.find("138****5678"), std::string::npos) << out;
  EXPECT_NE(out.find("fabuctl approve --override-screen " + held[0].screen_digest + " --key KEY --role 保密审查 FILE"),
            std::string::npos)
      << out;
  expect_no_raw_numbers(out, "fabuctl held");
  ASSERT_EQ(run_shell(fabuctl + "status screen-held", out), 0) << out;
  EXPECT_NE(out.find("screen-held  held since"), std::string::npos) << out;
  expect_no_raw_numbers(out, "fabuctl status");
  ASSERT_EQ(run_shell(fabuctl + "--json status screen-held", out), 0) << out;
  EXPECT_NE(out.find("\"state\": \"held\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"masked\": \"110105********002X\""), std::string::npos) << out;
  expect_no_raw_numbers(out, "fabuctl status --json");
  // --json after the verb, as with every verb that has it.
  ASSERT_EQ(run_shell(fabuctl + "status screen-held --json", out), 0) << out;
  EXPECT_NE(out.find("\"masked\": \"110105********002X\""), std::string::npos) << out;
  ASSERT_EQ(run_shell(fabuctl + "status screen-clean --json", out), 0) << out;
  EXPECT_NE(out.find("\"state\": \"delivered\""), std::string::npos) << out;
  ASSERT_EQ(run_shell(fabuctl + "held -n 5 --json", out), 0) << out;
  EXPECT_NE(out.find("\"id\": \"screen-held\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"screen_digest\": \"" + held[0].screen_digest + "\""), std::string::npos) << out;
  expect_no_raw_numbers(out, "fabuctl held --json");

  ASSERT_EQ(run_shell(fabuctl + "wait -t 5 screen-clean screen-held", out), 3) << out;
  EXPECT_NE(out.find("1 release(s) held by the privacy screen"), std::string::npos) << out;

  auto api = http_request(api_port, "GET", "/v1/held");
  ASSERT_EQ(api.status, 200) << api.body;
  EXPECT_NE(api.body.find("110105********002X"), std::string::npos) << api.body;
  EXPECT_NE(api.body.find(held[0].screen_digest), std::string::npos) << api.body;
  expect_no_raw_numbers(api.body, "GET /v1/held");

  // Through the HTTP API: accepted for the intake, answered with the masked matches.
  auto posted = http_request(api_port, "POST", "/v1/releases", release_json("screen-api", targets, "寻人启事", summary));
  ASSERT_EQ(posted.status, 202) << posted.body;
  EXPECT_NE(posted.body.find("\"held\":true"), std::string::npos) << posted.body;
  EXPECT_NE(posted.body.find("138****5678"), std::string::npos) << posted.body;
  expect_no_raw_numbers(posted.body, "POST /v1/releases");
  ASSERT_TRUE(Harness::eventually([&] {
    auto record = h.ledger().held_release("screen-api");
    return record && *record;
  })) << h.log_of();
  EXPECT_TRUE(h.deliveries("screen-api").empty());

  // The same release again through fabuctl: queued, and the record updated rather than duplicated.
  TempDir dir;
  write_file(dir.path() + "/held.json", release_json("screen-held", targets, "寻人启事", summary));
  ASSERT_EQ(run_shell(fabuctl + "submit " + dir.path() + "/held.json", out), 0) << out;
  EXPECT_NE(out.find("the privacy screen holds it"), std::string::npos) << out;
  expect_no_raw_numbers(out, "fabuctl submit");
  ASSERT_TRUE(Harness::eventually([&] {
    auto record = h.ledger().held_release("screen-held");
    return record && *record && (*record)->submissions == 2;
  })) << h.log_of();

  // Without the personal data, the same id is admitted and delivered; the record stays, released.
  h.enqueue(release_json("screen-held", targets, "寻人启事", "寻人启事：请知情者联系市公安局。"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("screen-held"); })) << h.log_of();
  for (const auto& d : h.deliveries("screen-held")) EXPECT_EQ(d.state, DeliveryState::delivered) << d.id;
  auto record = h.ledger().held_release("screen-held");
  ASSERT_TRUE(record && *record);
  EXPECT_TRUE((*record)->released);
  auto still = h.ledger().held(10);
  ASSERT_TRUE(still);
  ASSERT_EQ(still->size(), 1u);
  EXPECT_EQ(still->front().release_id, "screen-api");

  fabud.signal(SIGTERM);
  EXPECT_EQ(fabud.wait(), 0);
  const std::string log = h.log_of();
  EXPECT_NE(log.find("\"event\":\"held\""), std::string::npos) << log;
  EXPECT_NE(log.find("110105********002X"), std::string::npos) << log;
  expect_no_raw_numbers(log, "the fabud log");
}

// The override, as a reviewer does it: `fabuctl approve --override-screen DIGEST` by a key holding a
// role in [screen] override_roles, then `fabuctl submit`. The release goes out once, as written; an
// override naming another digest, or by a role that may not override, leaves it held.
TEST(ScreenE2E, AHeldReleaseGoesOutOnceASecrecyReviewerSignsAnOverrideNamingItsDigest) {
  auto secrecy = ed25519_generate();
  auto editor = ed25519_generate();
  ASSERT_TRUE(secrecy && editor);
  HarnessOptions options;
  options.members = {{"county_a"}};
  options.approval_toml = test_approval_toml() + approval_key_toml("secrecy", secrecy->public_raw, R"("保密审查")") +
                          approval_key_toml("editor", editor->public_raw, R"("内容审核")");
  Harness h(options);
  auto fabud = h.start_fabud();
  TempDir dir;
  write_file(dir.path() + "/secrecy.key", secrecy->private_pem);
  write_file(dir.path() + "/editor.key", editor->private_pem);
  const std::string file = dir.path() + "/release.json";
  const std::string summary = "寻人启事：老人身份证号" + kId + "，家属电话" + kMobile + "。";
  write_file(file, release_json("screen-override", R"({"portal":["tzgg"],"microblog":["lead","all"]})", "寻人启事", summary));
  const std::string fabuctl = std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " ";

  std::string out;
  ASSERT_EQ(run_shell(fabuctl + "submit " + file, out), 0) << out;
  std::string digest;
  ASSERT_TRUE(Harness::eventually([&] {
    auto record = h.ledger().held_release("screen-override");
    if (record && *record) digest = (*record)->screen_digest;
    return !digest.empty();
  })) << h.log_of();

  // Not an override: a key whose role may not override, and a digest of another result.
  ASSERT_EQ(run_shell(fabuctl + "approve --key " + dir.path() + "/editor.key --key-id editor --role 内容审核 " +
                            "--override-screen " + digest + " " + file,
                        out),
            0)
      << out;
  ASSERT_EQ(run_shell(fabuctl + "submit " + file, out), 0) << out;
  ASSERT_TRUE(Harness::eventually([&] {
    auto record = h.ledger().held_release("screen-override");
    return record && *record && (*record)->submissions == 2;
  })) << h.log_of();
  EXPECT_TRUE(h.deliveries("screen-override").empty()) << "内容审核 is not in override_roles";

  ASSERT_EQ(run_shell(fabuctl + "approve --key " + dir.path() + "/secrecy.key --key-id secrecy --role 保密审查 " +
                            "--override-screen " + digest + " " + file,
                        out),
            0)
      << out;
  ASSERT_EQ(run_shell(fabuctl + "submit " + file, out), 0) << out;
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("screen-override"); })) << h.log_of();
  for (const auto& d : h.deliveries("screen-override")) EXPECT_EQ(d.state, DeliveryState::delivered) << d.id;
  EXPECT_EQ(posts_by(h.sandbox_posts(), h.token_of("lead_acct")), 1);
  EXPECT_EQ(posts_by(h.sandbox_posts(), h.token_of("county_a")), 1);
  auto record = h.ledger().held_release("screen-override");
  ASSERT_TRUE(record && *record);
  EXPECT_TRUE((*record)->released);
  EXPECT_NE(h.log_of().find("secrecy"), std::string::npos) << "the log names who overrode: " << h.log_of();

  // Submitted once more with the override: a duplicate, nothing posted again.
  ASSERT_EQ(run_shell(fabuctl + "submit " + file, out), 0) << out;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(posts_by(h.sandbox_posts(), h.token_of("lead_acct")), 1);
}

}  // namespace
}  // namespace fabu::testing
