// Approval policy and verification (先审后发, graded review, 国办发〔2018〕123号).
//
// ApprovalPolicy is the config's [approval] table, validated once (config/) into an immutable value.
// verify_approval decides whether a submitted release carries the approvals the policy asks for:
// each signature must come from a configured key, valid at its signed_at, holding the role it signs
// for, and must verify over the release's canonical bytes; every required role needs one such
// signature, each from a distinct key. A pure function of its arguments (time is one of them):
// thread-safe, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/release.h"

namespace fabu {

// One reviewer's key, from [[approval.keys]].
struct ApproverKey {
  std::string id;                  // what a signature's key_id names
  std::string name;                // the reviewer, for people reading logs
  std::string unit;                // the reviewer's office
  std::vector<std::string> roles;  // review levels this key may sign for
  std::string public_key;          // the 32 raw bytes of the Ed25519 public key
  std::optional<std::int64_t> valid_from;   // Unix seconds; signatures made earlier are refused
  std::optional<std::int64_t> valid_until;  // Unix seconds; signatures made later are refused
  friend bool operator==(const ApproverKey&, const ApproverKey&) = default;
};

struct ApprovalPolicy {
  // false accepts unsigned releases (for demonstrations only; fabud warns at every start). Signatures
  // that are present are verified all the same.
  bool require_signature = true;
  std::vector<std::string> required_roles;  // each needs a valid signature from a distinct key
  std::int64_t max_clock_skew_seconds = 300;  // how far in the future approved_at / signed_at may be
  std::vector<ApproverKey> keys;
  const ApproverKey* find(std::string_view key_id) const;  // nullptr when unknown
  friend bool operator==(const ApprovalPolicy&, const ApprovalPolicy&) = default;
};

// A signature that verified: what the privacy screen looks at for an override.
struct VerifiedSignature {
  std::string key_id;
  std::string role;
  std::optional<std::string> override_screen;
  friend bool operator==(const VerifiedSignature&, const VerifiedSignature&) = default;
};

struct VerifiedApproval {
  std::vector<VerifiedSignature> signatures;  // in the order of approval.signatures
};

// Every reason the release is not approved, each with its field path (approval.signatures[1].role),
// or the verified signatures. Any signature that fails rejects the release, required or not.
std::expected<VerifiedApproval, FieldErrors> verify_approval(const SubmittedRelease& submitted,
                                                             const ApprovalPolicy& policy,
                                                             std::int64_t now_unix_seconds);

// The same for a release held in memory (one fabu derived, with the approval block its reviewers
// signed as a draft): the signatures are checked over its canonical JSON, which is what a draft written
// with to_json() and signed with `fabuctl approve` covers.
std::expected<VerifiedApproval, FieldErrors> verify_approval(const Release& release, const ApprovalPolicy& policy,
                                                             std::int64_t now_unix_seconds);

}  // namespace fabu
