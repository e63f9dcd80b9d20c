// Approval verification: every rejection reason, TOML and JSON signing identically, and the worked
// example of docs/PROTOCOL.md (its canonical bytes and signature are checked here).
#include "core/approval.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/ed25519.h"

namespace fabu {
namespace {

constexpr std::int64_t now = 1796862600 + 3600;  // 2026-12-10T09:30:00+08:00

const char* release_text = R"({"id":"2026-ap-001","kind":"news","title":"临沂市政务公开工作成绩单",
"summary":"全年举办新闻发布会7场。","issuer":"临沂市人民政府办公室","formed_at":"2026-12-08",
"disclosure":"主动公开","targets":{"portal":["tzgg"]},
"approval":{"approver":"王晓明","approved_at":"2026-12-10T08:30:00+08:00"}})";

struct Reviewer {
  std::string id;
  Ed25519KeyPair key;
};

Reviewer reviewer(const std::string& id) { return {id, ed25519_generate().value()}; }

ApproverKey key_of(const Reviewer& r, std::vector<std::string> roles) {
  return {r.id, "审核人" + r.id, "市政府新闻办", std::move(roles), r.key.public_raw, std::nullopt, std::nullopt};
}

// `json` with one more signature entry; `signed_at` defaults to an hour before `now`.
std::string sign(const std::string& json, const Reviewer& r, const std::string& role,
                 std::int64_t signed_at = now - 3600) {
  ApprovalSignature entry{r.id, role, Timestamp{signed_at, 480}, {}, std::nullopt};
  const std::string message = message_to_sign(json, DocumentFormat::json, entry).value();
  auto doc = nlohmann::json::parse(json);
  doc["approval"]["signatures"].push_back({{"key_id", r.id},
                                           {"role", role},
                                           {"signed_at", entry.signed_at.iso()},
                                           {"signature", base64_encode(ed25519_sign(r.key.private_pem, message).value())}});
  return doc.dump();
}

std::string reasons(const std::string& json, const ApprovalPolicy& policy, DocumentFormat format = DocumentFormat::json) {
  auto submitted = read_release(json, format);
  if (!submitted) return "parse: " + join(submitted.error());
  auto verified = verify_approval(*submitted, policy, now);
  return verified ? "" : join(verified.error());
}

class ApprovalTest : public ::testing::Test {
 protected:
  Reviewer wang = reviewer("wang"), li = reviewer("li"), zhao = reviewer("zhao");
  ApprovalPolicy policy{true, {"内容审核", "保密审查"}, 300,
                        {key_of(wang, {"内容审核"}), key_of(li, {"保密审查"}), key_of(zhao, {"内容审核", "保密审查"})}};
  std::string both = sign(sign(release_text, wang, "内容审核"), li, "保密审查");
};

TEST_F(ApprovalTest, TwoRolesByTwoKeysVerifyAndAreListed) {
  auto submitted = read_release(both, DocumentFormat::json).value();
  auto verified = verify_approval(submitted, policy, now);
  ASSERT_TRUE(verified.has_value()) << join(verified.error());
  ASSERT_EQ(verified->signatures.size(), 2u);
  EXPECT_EQ(verified->signatures[0], (VerifiedSignature{"wang", "内容审核", std::nullopt}));
  EXPECT_EQ(verified->signatures[1], (VerifiedSignature{"li", "保密审查", std::nullopt}));
}

TEST_F(ApprovalTest, NoSignature) {
  EXPECT_EQ(reasons(release_text, policy),
            "approval.signatures: no signature: this release is not approved (sign it with `fabuctl approve`; "
            "required roles: 内容审核, 保密审查)");
  ApprovalPolicy demo = policy;
  demo.require_signature = false;
  EXPECT_EQ(reasons(release_text, demo), "");
}

TEST_F(ApprovalTest, UnknownKey) {
  const Reviewer stranger = reviewer("stranger");
  EXPECT_EQ(reasons(sign(both, stranger, "内容审核"), policy),
            "approval.signatures[2].key_id: unknown key 'stranger': not among the configured [[approval.keys]]");
}

TEST_F(ApprovalTest, KeyOutsideItsValidity) {
  ApprovalPolicy expired = policy;
  expired.keys[0].valid_until = now - 7200;
  EXPECT_NE(reasons(both, expired).find("approval.signatures[0].signed_at: key 'wang' is valid from any time until "
                                        "2026-12-10T07:30:00+08:00: it was not valid at 2026-12-10T08:30:00+08:00"),
            std::string::npos)
      << reasons(both, expired);
  ApprovalPolicy not_yet = policy;
  not_yet.keys[1].valid_from = now;
  EXPECT_NE(reasons(both, not_yet).find("approval.signatures[1].signed_at: key 'li' is valid from"), std::string::npos);
}

TEST_F(ApprovalTest, SignedInTheFutureAndApprovedInTheFuture) {
  const std::string future = sign(sign(release_text, wang, "内容审核", now + 301), li, "保密审查");
  EXPECT_NE(reasons(future, policy).find("approval.signatures[0].signed_at: 2026-12-10T09:35:01+08:00 is in the "
                                         "future (more than 300 s ahead of this server's clock)"),
            std::string::npos)
      << reasons(future, policy);
  EXPECT_EQ(reasons(sign(sign(release_text, wang, "内容审核", now + 300), li, "保密审查"), policy), "");

  auto doc = nlohmann::json::parse(release_text);
  doc["approval"]["approved_at"] = "2030-01-01T00:00:00+08:00";
  EXPECT_NE(reasons(sign(sign(doc.dump(), wang, "内容审核"), li, "保密审查"), policy)
                .find("approval.approved_at: 2030-01-01T00:00:00+08:00 is in the future"),
            std::string::npos);
}

TEST_F(ApprovalTest, RequiredRoleMissingIsNamed) {
  EXPECT_EQ(reasons(sign(release_text, wang, "内容审核"), policy),
            "approval.signatures: required role '保密审查' has no valid signature");
}

TEST_F(ApprovalTest, TheSameKeyCountsOnce) {
  const std::string twice = sign(sign(release_text, zhao, "内容审核"), zhao, "保密审查");
  EXPECT_EQ(reasons(twice, policy),
            "approval.signatures[1].key_id: key 'zhao' already signed as approval.signatures[0]: each signature "
            "must come from a distinct key; approval.signatures: required role '保密审查' has no valid signature");
}

TEST_F(ApprovalTest, RoleTheKeyDoesNotHold) {
  EXPECT_EQ(reasons(sign(sign(release_text, wang, "保密审查"), li, "保密审查"), policy),
            "approval.signatures[0].role: key 'wang' does not hold the role '保密审查' (it holds: 内容审核); "
            "approval.signatures: required role '内容审核' has no valid signature");
}

TEST_F(ApprovalTest, AnyChangeAfterSigningBreaksTheSignature) {
  const std::string bad_signature =
      "approval.signatures[0].signature: does not verify: the release was changed after signing or signed by another "
      "key than 'wang'";
  for (const auto& change : std::vector<std::pair<std::string, nlohmann::json>>{
           {"/title", "临沂市政务公开工作成绩单（修改）"},
           {"/approval/approver", "别人"},
           {"/approval/signatures/0/role", "保密审查"},
           {"/approval/signatures/0/signed_at", "2026-12-10T08:30:01+08:00"},
           {"/approval/signatures/0/override_screen", "ab12"},
           {"/link", "https://www.linyi.gov.cn/x.html"}}) {
    auto doc = nlohmann::json::parse(both);
    doc[nlohmann::json::json_pointer(change.first)] = change.second;
    EXPECT_NE(reasons(doc.dump(), policy).find(bad_signature), std::string::npos) << change.first;
  }
  // A signature by another key under wang's id.
  auto doc = nlohmann::json::parse(both);
  doc["approval"]["signatures"][0]["signature"] =
      nlohmann::json::parse(sign(release_text, Reviewer{"wang", li.key}, "内容审核"))["approval"]["signatures"][0]["signature"];
  EXPECT_NE(reasons(doc.dump(), policy).find(bad_signature), std::string::npos);
  doc["approval"]["signatures"][0]["signature"] = "bm90LWEtc2lnbmF0dXJl";
  EXPECT_NE(reasons(doc.dump(), policy).find("is not the base64 of a 64-byte Ed25519 signature"), std::string::npos);
}

TEST_F(ApprovalTest, ASecondReviewerDoesNotBreakTheFirstAndMemberOrderDoesNotMatter) {
  auto doc = nlohmann::ordered_json::parse(both);
  nlohmann::ordered_json reordered;
  std::vector<std::string> keys;
  for (auto& [k, v] : doc.items()) keys.insert(keys.begin(), k);
  for (const auto& k : keys) reordered[k] = doc[k];
  EXPECT_EQ(reasons(reordered.dump(2), policy), "");
}

TEST_F(ApprovalTest, OverrideScreenIsSignedAndReported) {
  ApprovalSignature entry{"li", "保密审查", Timestamp{now - 60, 480}, {}, std::string("0123abcd")};
  const std::string first = sign(release_text, wang, "内容审核");
  const std::string message = message_to_sign(first, DocumentFormat::json, entry).value();
  EXPECT_NE(message.find(R"("override_screen":"0123abcd")"), std::string::npos);
  auto doc = nlohmann::json::parse(first);
  doc["approval"]["signatures"].push_back({{"key_id", "li"}, {"role", "保密审查"}, {"signed_at", entry.signed_at.iso()},
                                           {"override_screen", "0123abcd"},
                                           {"signature", base64_encode(ed25519_sign(li.key.private_pem, message).value())}});
  auto verified = verify_approval(read_release(doc.dump(), DocumentFormat::json).value(), policy, now);
  ASSERT_TRUE(verified.has_value()) << join(verified.error());
  EXPECT_EQ(verified->signatures[1].override_screen, std::optional<std::string>("0123abcd"));
}

std::string read_example(const std::string& name) {
  std::ifstream in(std::string(FABU_SOURCE_DIR) + "/examples/releases/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(ApprovalTest, TomlAndJsonOfOneReleaseSignIdentically) {
  for (const char* name : {"emergency-rainstorm.toml", "news-report-card.toml", "notice-parking-consultation.toml",
                           "policy-interpretation-zwfw.toml"}) {
    SCOPED_TRACE(name);
    const std::string toml = read_example(name);
    ASSERT_FALSE(toml.empty());
    auto from_toml = read_release(toml, DocumentFormat::toml);
    ASSERT_TRUE(from_toml.has_value()) << join(from_toml.error());
    // The same release written as JSON by another system: other member order, indentation.
    const std::string json = nlohmann::json::parse(from_toml->canonical_document).dump(2);
    auto from_json = read_release(json, DocumentFormat::json).value();
    EXPECT_EQ(from_json.canonical_document, from_toml->canonical_document);
    EXPECT_EQ(from_json.release, from_toml->release);
    ApprovalSignature entry{"wang", "内容审核", Timestamp{now - 60, 480}, {}, std::nullopt};
    EXPECT_EQ(message_to_sign(toml, DocumentFormat::toml, entry).value(),
              message_to_sign(json, DocumentFormat::json, entry).value());
  }
}

TEST_F(ApprovalTest, ASignedTomlFileVerifiesInTheJsonItIsQueuedAs) {
  ApprovalPolicy one{true, {"内容审核"}, 300, {key_of(wang, {"内容审核"})}};
  const std::string toml = read_example("emergency-rainstorm.toml");
  ApprovalSignature entry{"wang", "内容审核", Timestamp{now - 60, 480}, {}, std::nullopt};
  const std::string message = message_to_sign(toml, DocumentFormat::toml, entry).value();
  const std::string signed_toml = toml + "\n[[approval.signatures]]\nkey_id = \"wang\"\nrole = \"内容审核\"\nsigned_at = " +
                                  entry.signed_at.iso() + "\nsignature = \"" +
                                  base64_encode(ed25519_sign(wang.key.private_pem, message).value()) + "\"\n";
  EXPECT_EQ(reasons(signed_toml, one, DocumentFormat::toml), "");
  auto submitted = read_release(signed_toml, DocumentFormat::toml).value();
  EXPECT_EQ(reasons(submitted.canonical_document, one), "");
}

// A release fabu derives (a conference's record) is signed as a draft: written with to_json, signed
// with message_to_sign as `fabuctl approve` does, then checked on the release held in memory with the
// signed draft's approval block. Any change to the release after the draft breaks it.
TEST_F(ApprovalTest, ADraftWrittenWithToJsonAndSignedVerifiesOnTheReleaseItDescribes) {
  const Release derived = parse_release_json(release_text).value();
  const std::string draft = to_json(derived);
  const Release signed_draft = parse_release_json(sign(sign(draft, wang, "内容审核"), li, "保密审查")).value();

  Release published = derived;
  published.approval = signed_draft.approval;
  auto verified = verify_approval(published, policy, now);
  ASSERT_TRUE(verified.has_value()) << join(verified.error());
  EXPECT_EQ(verified->signatures.size(), 2u);

  Release changed = published;
  changed.body = "另有内容。";
  auto refused = verify_approval(changed, policy, now);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(join(refused.error()).find("approval.signatures[0].signature: does not verify"), std::string::npos)
      << join(refused.error());

  Release unsigned_release = derived;
  EXPECT_FALSE(verify_approval(unsigned_release, policy, now).has_value());
}

}  // namespace
}  // namespace fabu
