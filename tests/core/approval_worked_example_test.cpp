// The worked example of docs/PROTOCOL.md ("Approval signatures"): the RFC 8032 test key 1, a small
// release, its exact signed bytes and its signature. If this test changes, the docs change with it.
#include <gtest/gtest.h>

#include "core/approval.h"
#include "core/base64.h"
#include "core/ed25519.h"

namespace fabu {
namespace {

// RFC 8032 §7.1 TEST 1: its private key is published in the RFC. TEST ONLY.
constexpr const char* private_pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* public_key_base64 = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

constexpr const char* release = R"({
  "id": "2026-demo-001",
  "kind": "notice",
  "title": "关于征求意见的通知",
  "summary": "请于12月20日前反馈意见。",
  "issuer": "临沂市人民政府办公室",
  "formed_at": "2026-12-08",
  "disclosure": "主动公开",
  "targets": {"portal": ["tzgg"]},
  "approval": {
    "approver": "王晓明",
    "approved_at": "2026-12-10T08:30:00+08:00",
    "signatures": [
      {"key_id": "demo-reviewer", "role": "内容审核", "signed_at": "2026-12-10T08:31:00+08:00",
       "signature": "SIGNATURE"}
    ]
  }
})";

constexpr const char* expected_message =
    R"({"approval":{"approved_at":"2026-12-10T08:30:00+08:00","approver":"王晓明","signatures":[{"key_id":"demo-reviewer","role":"内容审核","signed_at":"2026-12-10T08:31:00+08:00"}]},)"
    R"("disclosure":"主动公开","formed_at":"2026-12-08","id":"2026-demo-001","issuer":"临沂市人民政府办公室","kind":"notice",)"
    R"("summary":"请于12月20日前反馈意见。","targets":{"portal":["tzgg"]},"title":"关于征求意见的通知"})";

constexpr const char* expected_signature =
    "hcOjksA3wEaw5jGDZNqWBD70e+ULV2e86GEcVoY0HovG0a3Maq0JWJyl+WAv2IXNTKYOILDm7HKfQbPX4PtICw==";

TEST(ApprovalWorkedExample, CanonicalBytesAndSignatureAreTheDocumentedOnes) {
  auto pair = ed25519_read_private_pem(private_pem).value();
  EXPECT_EQ(base64_encode(pair.public_raw), public_key_base64);
  auto submitted = read_release(release, DocumentFormat::json);
  ASSERT_TRUE(submitted.has_value()) << join(submitted.error());
  ASSERT_EQ(submitted->signed_messages.size(), 1u);
  EXPECT_EQ(submitted->signed_messages[0], expected_message);
  const std::string signature = base64_encode(ed25519_sign(private_pem, expected_message).value());
  EXPECT_EQ(signature, expected_signature);

  std::string signed_release = release;
  signed_release.replace(signed_release.find("SIGNATURE"), 9, signature);
  ApprovalPolicy policy{true, {"内容审核"}, 300,
                        {{"demo-reviewer", "王晓明", "", {"内容审核"}, pair.public_raw, std::nullopt, std::nullopt}}};
  auto verified = verify_approval(read_release(signed_release, DocumentFormat::json).value(), policy, 1796862600);
  EXPECT_TRUE(verified.has_value()) << (verified ? "" : join(verified.error()));
}

}  // namespace
}  // namespace fabu
