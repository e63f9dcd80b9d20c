#include "core/approval.h"

#include <algorithm>

#include "core/base64.h"
#include "core/bounded_text.h"
#include "core/ed25519.h"

namespace fabu {
namespace {

std::string quoted(std::string_view text) { return "'" + bounded(text, quoted_value_bytes) + "'"; }

std::string iso_of(std::int64_t unix_seconds) { return Timestamp::in_shanghai(unix_seconds).iso(); }

std::string list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

// Checks one entry against its key; the reasons go to `errors`. True when it verified.
bool check_entry(const ApprovalSignature& entry, const std::string& message, const std::string& path,
                 const ApprovalPolicy& policy, std::int64_t now, FieldErrors& errors) {
  const ApproverKey* key = policy.find(entry.key_id);
  if (key == nullptr) {
    errors.push_back({path + ".key_id", "unknown key " + quoted(entry.key_id) + ": not among the configured "
                                        "[[approval.keys]]"});
    return false;
  }
  const std::size_t before = errors.size();
  const std::int64_t at = entry.signed_at.unix_seconds;
  if (at > now + policy.max_clock_skew_seconds) {
    errors.push_back({path + ".signed_at", entry.signed_at.iso() + " is in the future (more than " +
                                               std::to_string(policy.max_clock_skew_seconds) +
                                               " s ahead of this server's clock)"});
  }
  if ((key->valid_from && at < *key->valid_from) || (key->valid_until && at > *key->valid_until)) {
    errors.push_back({path + ".signed_at", "key " + quoted(key->id) + " is valid from " +
                                               (key->valid_from ? iso_of(*key->valid_from) : "any time") + " until " +
                                               (key->valid_until ? iso_of(*key->valid_until) : "any time") +
                                               ": it was not valid at " + entry.signed_at.iso()});
  }
  if (std::find(key->roles.begin(), key->roles.end(), entry.role) == key->roles.end()) {
    errors.push_back({path + ".role", "key " + quoted(key->id) + " does not hold the role " + quoted(entry.role) +
                                          " (it holds: " + list(key->roles) + ")"});
  }
  const std::optional<std::string> signature = base64_decode(entry.signature);
  if (!signature || signature->size() != ed25519_signature_bytes) {
    errors.push_back({path + ".signature", "is not the base64 of a 64-byte Ed25519 signature"});
  } else if (!ed25519_verify(key->public_key, message, *signature)) {
    errors.push_back({path + ".signature", "does not verify: the release was changed after signing or signed "
                                           "by another key than " + quoted(key->id)});
  }
  return errors.size() == before;
}

}  // namespace

const ApproverKey* ApprovalPolicy::find(std::string_view key_id) const {
  const auto it = std::find_if(keys.begin(), keys.end(), [&](const ApproverKey& k) { return k.id == key_id; });
  return it == keys.end() ? nullptr : &*it;
}

std::expected<VerifiedApproval, FieldErrors> verify_approval(const SubmittedRelease& submitted,
                                                             const ApprovalPolicy& policy,
                                                             std::int64_t now_unix_seconds) {
  const Approval& approval = submitted.release.approval;
  FieldErrors errors;
  if (approval.approved_at.unix_seconds > now_unix_seconds + policy.max_clock_skew_seconds) {
    errors.push_back({"approval.approved_at", approval.approved_at.iso() + " is in the future (more than " +
                                                  std::to_string(policy.max_clock_skew_seconds) +
                                                  " s ahead of this server's clock)"});
  }
  if (approval.signatures.empty() && policy.require_signature) {
    errors.push_back({"approval.signatures", "no signature: this release is not approved (sign it with "
                                             "`fabuctl approve`; required roles: " + list(policy.required_roles) + ")"});
    return std::unexpected(std::move(errors));
  }
  VerifiedApproval verified;
  std::vector<std::string> seen_keys;
  for (std::size_t i = 0; i < approval.signatures.size(); ++i) {
    const ApprovalSignature& entry = approval.signatures[i];
    const std::string path = "approval.signatures[" + std::to_string(i) + "]";
    const auto earlier = std::find(seen_keys.begin(), seen_keys.end(), entry.key_id);
    if (earlier != seen_keys.end()) {
      errors.push_back({path + ".key_id", "key " + quoted(entry.key_id) + " already signed as approval.signatures[" +
                                              std::to_string(earlier - seen_keys.begin()) +
                                              "]: each signature must come from a distinct key"});
      seen_keys.push_back(entry.key_id);
      continue;
    }
    seen_keys.push_back(entry.key_id);
    const std::string& message = i < submitted.signed_messages.size() ? submitted.signed_messages[i] : std::string{};
    if (check_entry(entry, message, path, policy, now_unix_seconds, errors)) {
      verified.signatures.push_back({entry.key_id, entry.role, entry.override_screen});
    }
  }
  for (const std::string& role : policy.required_roles) {
    const bool covered = std::any_of(verified.signatures.begin(), verified.signatures.end(),
                                     [&](const VerifiedSignature& s) { return s.role == role; });
    if (!covered && policy.require_signature) {
      errors.push_back({"approval.signatures", "required role " + quoted(role) + " has no valid signature"});
    }
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return verified;
}

std::expected<VerifiedApproval, FieldErrors> verify_approval(const Release& release, const ApprovalPolicy& policy,
                                                             std::int64_t now_unix_seconds) {
  auto submitted = read_release(to_json(release), DocumentFormat::json);
  if (!submitted) return std::unexpected(std::move(submitted.error()));
  return verify_approval(*submitted, policy, now_unix_seconds);
}

}  // namespace fabu
