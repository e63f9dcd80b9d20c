// Approval signatures end to end: releases written straight into the intake stream with each kind of
// bad approval are refused with their reason and published by nobody; fabuctl keygen and approve
// make a release that fabud publishes.
#include <sys/stat.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "core/base64.h"
#include "tests/integration/harness.h"

namespace fabu::testing {
namespace {

struct Key {
  std::string id;
  Ed25519KeyPair pair;
};

Key make_key(const std::string& id) { return {id, ed25519_generate().value()}; }

std::string unsigned_release(const std::string& id) {
  auto doc = nlohmann::json::parse(release_json(id, R"({"portal":["tzgg"],"microblog":["lead"]})"));
  doc["approval"].erase("signatures");
  return doc.dump();
}

std::string with(const std::string& json, const Key& key, const std::string& role, std::int64_t offset = 0) {
  return add_signature(json, key.id, key.pair.private_pem, role, offset);
}

TEST(ApprovalE2E, EveryRejectionReasonThroughTheIntakeStreamAndOnlyTheApprovedReleaseIsPublished) {
  const Key content{test_key_id, test_reviewer_key()}, secrecy = make_key("secrecy"), expired = make_key("expired"),
            stranger = make_key("stranger");
  Harness h({.approval_toml = "[approval]\nrequired_roles = [\"内容审核\", \"保密审查\"]\n" +
                              approval_key_toml(content.id, content.pair.public_raw, R"("内容审核")") +
                              approval_key_toml(secrecy.id, secrecy.pair.public_raw, R"("保密审查")") +
                              approval_key_toml(expired.id, expired.pair.public_raw, R"("内容审核")") +
                              "valid_until = 2020-12-31\n"});
  auto fabud = h.start_fabud();

  const auto both = [&](const std::string& id) { return with(with(unsigned_release(id), content, "内容审核"), secrecy, "保密审查"); };
  auto changed = nlohmann::json::parse(both("ap-changed"));
  changed["title"] = "签名之后被改动的标题";
  auto future_approval = nlohmann::json::parse(unsigned_release("ap-approved-future"));
  future_approval["approval"]["approved_at"] = "2030-01-01T09:00:00+08:00";
  const std::vector<std::pair<std::string, std::string>> refused = {
      {unsigned_release("ap-unsigned"), "approval.signatures: no signature"},
      {with(both("ap-unknown-key"), stranger, "内容审核"), "approval.signatures[2].key_id: unknown key 'stranger'"},
      {with(with(unsigned_release("ap-expired-key"), expired, "内容审核"), secrecy, "保密审查"),
       "approval.signatures[0].signed_at: key 'expired' is valid from any time until 2020-12-31T23:59:59+08:00"},
      {with(with(unsigned_release("ap-signed-future"), content, "内容审核", 3600), secrecy, "保密审查"),
       "approval.signatures[0].signed_at: "},
      {with(with(future_approval.dump(), content, "内容审核"), secrecy, "保密审查"),
       "approval.approved_at: 2030-01-01T09:00:00+08:00 is in the future"},
      {with(unsigned_release("ap-role-missing"), content, "内容审核"),
       "approval.signatures: required role '保密审查' has no valid signature"},
      {with(with(unsigned_release("ap-same-key"), content, "内容审核"), content, "保密审查"),
       "approval.signatures[1].key_id: key 'test-reviewer' already signed as approval.signatures[0]"},
      {with(with(unsigned_release("ap-role-not-held"), content, "保密审查"), secrecy, "保密审查"),
       "approval.signatures[0].role: key 'test-reviewer' does not hold the role '保密审查'"},
      {changed.dump(), "approval.signatures[0].signature: does not verify: the release was changed after signing"},
  };
  for (const auto& [json, reason] : refused) h.enqueue(json);
  h.enqueue(both("ap-approved"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("ap-approved"); })) << h.log_of();

  // The same id with other signed content is a conflict, not a second publication.
  auto other = nlohmann::json::parse(unsigned_release("ap-approved"));
  other["title"] = "同一编号、另一内容";
  h.enqueue(with(with(other.dump(), content, "内容审核"), secrecy, "保密审查"));

  std::vector<RejectRecord> records;
  ASSERT_TRUE(Harness::eventually([&] {
    auto r = h.ledger().rejects(100);
    if (r) records = *r;
    return records.size() >= refused.size() + 1;
  })) << h.log_of();
  for (const auto& [json, reason] : refused) {
    const std::string id = nlohmann::json::parse(json)["id"];
    std::string got;
    for (const auto& r : records) {
      if (r.release_id == id) got = join(r.errors);
    }
    EXPECT_NE(got.find(reason), std::string::npos) << id << ": " << got;
    EXPECT_TRUE(h.deliveries(id).empty()) << id << " must not be admitted";
  }
  EXPECT_TRUE(std::any_of(records.begin(), records.end(), [](const RejectRecord& r) {
    return r.release_id == "ap-approved" && join(r.errors).find("different") != std::string::npos;
  })) << "the conflicting second ap-approved is in the rejects";
  // One post on the lead account: the approved release's, nobody else's.
  EXPECT_EQ(posts_by(h.sandbox_posts(), h.token_of("lead_acct")), 1);
  EXPECT_TRUE(fabud.running());
}

int run(const std::string& command) { return WEXITSTATUS(std::system(command.c_str())); }

TEST(ApprovalE2E, FabuctlKeygenAndApproveMakeAReleaseFabudPublishes) {
  TempDir dir;
  const std::string fabuctl = std::string(FABU_FABUCTL_BIN);
  const std::string name = dir.path() + "/reviewer";
  ASSERT_EQ(run(fabuctl + " keygen --out " + name + " > " + dir.path() + "/keygen.txt"), 0);
  struct stat st {};
  ASSERT_EQ(::stat((name + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(run(fabuctl + " keygen --out " + name + " 2>/dev/null"), 2) << "an existing key is never overwritten";
  EXPECT_NE(read_file(dir.path() + "/keygen.txt").find("[[approval.keys]]"), std::string::npos);

  Harness h({.approval_toml = "[approval]\nrequired_roles = [\"内容审核\"]\n[[approval.keys]]\nid = \"reviewer\"\n"
                              "name = \"审核人\"\nroles = [\"内容审核\"]\npublic_key_file = \"" + name + ".pub\"\n"});
  auto fabud = h.start_fabud();
  const std::string file = dir.path() + "/release.json";
  write_file(file, unsigned_release("ctl-approved"));
  const std::string ctl = fabuctl + " --config " + h.config_path() + " ";
  EXPECT_EQ(run(ctl + "submit --dry-run " + file + " 2>/dev/null"), 2) << "unsigned";
  ASSERT_EQ(run(fabuctl + " approve --key " + name + ".key --key-id reviewer --role 内容审核 " + file), 0);
  ASSERT_EQ(run(ctl + "submit " + file), 0);
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("ctl-approved"); })) << h.log_of();
  EXPECT_EQ(posts_by(h.sandbox_posts(), h.token_of("lead_acct")), 1);
}

}  // namespace
}  // namespace fabu::testing
