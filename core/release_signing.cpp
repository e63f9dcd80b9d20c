// Reading a release document once: the validated Release, its canonical JSON and the bytes each
// approval signature covers (docs/PROTOCOL.md, "Approval signatures").
#include <algorithm>

#include "core/release.h"
#include "core/release_document.h"

namespace fabu {
namespace {

using release_detail::DocNode;

FieldErrors whole_document(std::string reason) { return {FieldError{"", std::move(reason)}}; }

DocNode* member(DocNode& table, std::string_view name) {
  for (auto& [key, value] : table.fields) {
    if (key == name) return &value;
  }
  return nullptr;
}

// The entry as it is signed: every member but `signature`.
DocNode without_signature(const DocNode& entry) {
  DocNode out = entry;
  std::erase_if(out.fields, [](const auto& field) { return field.first == "signature"; });
  return out;
}

// The canonical JSON of `root` with approval.signatures replaced by [entry]. `root` is changed while
// this runs and restored before it returns; validation has made sure `approval` is a table.
std::expected<std::string, FieldErrors> message_with(DocNode& root, DocNode entry) {
  DocNode* approval = member(root, "approval");
  if (approval == nullptr || approval->kind != DocNode::Kind::table) {
    return std::unexpected(FieldErrors{{"approval", "required to sign the release"}});
  }
  DocNode* slot = member(*approval, "signatures");
  if (slot == nullptr) {
    approval->fields.emplace_back("signatures", DocNode{});
    slot = &approval->fields.back().second;
  }
  DocNode single;
  single.kind = DocNode::Kind::array;
  single.items.push_back(std::move(entry));
  std::swap(*slot, single);
  auto canonical = release_detail::canonical_json(root);
  std::swap(*slot, single);
  if (!canonical) return std::unexpected(FieldErrors{{"", "has no canonical JSON form: " + canonical.error()}});
  return std::move(*canonical);
}

std::expected<std::pair<DocNode, Release>, FieldErrors> read_valid(std::string_view text, DocumentFormat format) {
  auto document = release_detail::read_document(text, format);
  if (!document) return std::unexpected(std::move(document.error()));
  Release release;
  FieldErrors errors = release_detail::validate_release(*document, release);
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return std::pair(std::move(*document), std::move(release));
}

DocNode string_node(std::string text) {
  DocNode node;
  node.kind = DocNode::Kind::string;
  node.text = std::move(text);
  return node;
}

}  // namespace

std::expected<Release, FieldErrors> parse_release_toml(std::string_view text) {
  auto valid = read_valid(text, DocumentFormat::toml);
  if (!valid) return std::unexpected(std::move(valid.error()));
  return std::move(valid->second);
}

std::expected<Release, FieldErrors> parse_release_json(std::string_view text) {
  auto valid = read_valid(text, DocumentFormat::json);
  if (!valid) return std::unexpected(std::move(valid.error()));
  return std::move(valid->second);
}

std::expected<SubmittedRelease, FieldErrors> read_release(std::string_view text, DocumentFormat format) {
  auto valid = read_valid(text, format);
  if (!valid) return std::unexpected(std::move(valid.error()));
  auto& [root, release] = *valid;
  SubmittedRelease out;
  auto canonical = release_detail::canonical_json(root);
  if (!canonical) return std::unexpected(whole_document("has no canonical JSON form: " + canonical.error()));
  out.canonical_document = std::move(*canonical);
  if (!release.approval.signatures.empty()) {
    // Validation accepted every entry, so approval.signatures is an array of exactly these tables.
    const std::vector<DocNode> entries = member(*member(root, "approval"), "signatures")->items;
    for (const DocNode& entry : entries) {
      auto message = message_with(root, without_signature(entry));
      if (!message) return std::unexpected(std::move(message.error()));
      out.signed_messages.push_back(std::move(*message));
    }
  }
  out.release = std::move(release);
  return out;
}

std::expected<std::string, FieldErrors> message_to_sign(std::string_view text, DocumentFormat format,
                                                        const ApprovalSignature& entry) {
  auto valid = read_valid(text, format);
  if (!valid) return std::unexpected(std::move(valid.error()));
  DocNode node;
  node.kind = DocNode::Kind::table;
  node.fields.emplace_back("key_id", string_node(entry.key_id));
  node.fields.emplace_back("role", string_node(entry.role));
  node.fields.emplace_back("signed_at", string_node(entry.signed_at.iso()));
  if (entry.override_screen) node.fields.emplace_back("override_screen", string_node(*entry.override_screen));
  return message_with(valid->first, std::move(node));
}

}  // namespace fabu
