// Release validation: one pass over the syntax-neutral document that collects every problem.
#include "core/release.h"

#include <algorithm>
#include <charconv>
#include <array>
#include <cstdio>

#include "core/bounded_text.h"
#include "core/release_document.h"
#include "core/text.h"

namespace fabu {
namespace {

using release_detail::DocNode;

struct StringRule {
  bool required = false;
  bool multiline = false;  // \n and \t allowed
  std::size_t limit = 0;
  const char* limit_name = "";
  bool limit_in_bytes = false;
};

constexpr StringRule short_text(bool required) {
  return {required, false, ReleaseLimits::short_field_chars, "short_field_chars", false};
}

bool is_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// First disallowed control character, as its code point; nullopt when the text is clean.
// C0, DEL and C1 controls are invisible on a portal page and in a post, and break feeds. The
// direction marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A..U+202E,
// U+2066..U+2069) are invisible too and can make a text show in another order than it reads ("Trojan
// Source"): nothing a Chinese press release needs. Noncharacters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF)
// are not for interchange at all.
std::optional<char32_t> first_control(std::string_view text, bool multiline) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    const std::size_t n = decode_utf8(text, i, c);
    if (n == 0) {
      ++i;  // invalid UTF-8 is reported on its own
      continue;
    }
    if (c < 0x20 || c == 0x7F) {
      if (!(multiline && (c == '\n' || c == '\t'))) return c;
    } else if ((c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
               (c >= 0x2066 && c <= 0x2069) || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) {
      return c;
    }
    i += n;
  }
  return std::nullopt;
}

std::string code_point_name(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\n' || c == '\t'; });
}

std::string prefix_code_points(std::string_view text, std::size_t count) {
  std::size_t i = 0;
  for (std::size_t taken = 0; i < text.size() && taken < count; ++taken) {
    const std::size_t n = utf8_sequence_length(text, i);
    i += n == 0 ? 1 : n;
  }
  return std::string(text.substr(0, i));
}

std::string kind_names() { return "news, policy_interpretation, notice, conference, emergency"; }

// Walks one release document, filling `out` and `errors_`; never stops at the first problem.
class ReleaseValidator {
 public:
  FieldErrors validate(const DocNode& root, Release& out) {
    static constexpr std::array<std::string_view, 22> known = {
        "id",        "kind",       "title",      "summary",  "body",     "abstract",
        "issuer",    "doc_number", "formed_at",  "disclosure", "subjects", "interprets",
        "link",      "images",     "publish_at", "targets",  "approval", "revision", "change_note",
        "repealed_on", "repealed_by", "conference"};
    report_unknown(root, "", known);

    if (auto id = string_field(root, "id", "id", {true, false, ReleaseLimits::id_bytes, "id_bytes", true})) {
      if (!std::all_of(id->begin(), id->end(), is_id_char)) {
        add("id", "may contain only letters A-Z a-z, digits and . _ -");
      }
      out.id = *id;
    }
    if (auto kind = string_field(root, "kind", "kind", short_text(true))) {
      if (auto parsed = parse_kind(*kind)) {
        out.kind = *parsed;
      } else {
        add("kind", "'" + *kind + "' is not a release kind; use one of " + kind_names());
      }
    }
    const bool kind_ok = !has_error_at("kind") && find(root, "kind") != nullptr;
    assign(out.title, string_field(root, "title", "title",
                                   {true, false, ReleaseLimits::title_chars, "title_chars", false}));
    assign(out.summary, string_field(root, "summary", "summary",
                                     {true, true, ReleaseLimits::summary_chars, "summary_chars", false}));
    assign(out.body, string_field(root, "body", "body",
                                  {false, true, ReleaseLimits::body_bytes, "body_bytes", true}));
    assign(out.abstract, string_field(root, "abstract", "abstract",
                                      {false, true, ReleaseLimits::abstract_chars, "abstract_chars", false}));
    if (out.abstract.empty() && !out.summary.empty()) {
      out.abstract = prefix_code_points(out.summary, ReleaseLimits::abstract_chars);
    }
    assign(out.issuer, string_field(root, "issuer", "issuer", short_text(true)));
    out.doc_number = string_field(root, "doc_number", "doc_number", short_text(false));
    if (auto formed = date_field(root, "formed_at", "formed_at", true)) out.formed_at = *formed;
    disclosure_field(root, out);
    out.subjects = string_array(root, "subjects", "subjects", short_text(false), ReleaseLimits::max_subjects,
                                "max_subjects");
    out.interprets = string_field(root, "interprets", "interprets", short_text(false));
    if (kind_ok && out.kind == ReleaseKind::policy_interpretation && !out.interprets &&
        !has_error_at("interprets")) {
      add("interprets", "required for a policy_interpretation: name the policy document it explains "
                        "(e.g. its 文号)");
    }
    out.link = string_field(root, "link", "link", {false, false, ReleaseLimits::link_chars, "link_chars", false});
    if (out.link && !out.link->starts_with("http://") && !out.link->starts_with("https://")) {
      add("link", "must be an http:// or https:// URL");
    }
    out.images = string_array(root, "images", "images",
                              {false, false, ReleaseLimits::link_chars, "link_chars", false},
                              ReleaseLimits::max_images, "max_images");
    out.publish_at = timestamp_field(root, "publish_at", "publish_at", false);
    revision_fields(root, out);
    repeal_fields(root, out);
    targets_field(root, out);
    approval_field(root, out);
    formed_by_approval(out);
    conference_field(root, kind_ok && out.kind == ReleaseKind::conference, out);
    return std::move(errors_);
  }

 private:
  void add(std::string path, std::string reason) { errors_.push_back({std::move(path), std::move(reason)}); }

  bool has_error_at(std::string_view path) const {
    return std::any_of(errors_.begin(), errors_.end(), [&](const FieldError& e) { return e.path == path; });
  }

  static void assign(std::string& target, std::optional<std::string> value) {
    if (value) target = std::move(*value);
  }

  static std::string join_path(std::string_view parent, std::string_view key) {
    return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
  }

  // The field, or nullptr when absent (JSON null counts as absent).
  static const DocNode* find(const DocNode& table, std::string_view key) {
    for (const auto& [name, value] : table.fields) {
      if (name == key) return value.kind == DocNode::Kind::null ? nullptr : &value;
    }
    return nullptr;
  }

  // `reported` names a field already reported with a better reason than "unknown field".
  template <std::size_t N>
  void report_unknown(const DocNode& table, std::string_view parent, const std::array<std::string_view, N>& known,
                      std::string_view reported = {}) {
    for (const auto& [name, value] : table.fields) {
      if (name != reported && std::find(known.begin(), known.end(), name) == known.end()) {
        add(join_path(parent, bounded(name, quoted_value_bytes)), "unknown field");
      }
    }
  }

  // Checks a string node against the rule; reports and returns nullopt on any problem.
  std::optional<std::string> check_string(const DocNode& node, const std::string& path, const StringRule& rule) {
    if (node.kind != DocNode::Kind::string) {
      add(path, "expected a string, got " + std::string(release_detail::describe(node.kind)));
      return std::nullopt;
    }
    if (node.had_invalid_utf8 || !is_valid_utf8(node.text)) {
      add(path, "is not valid UTF-8");
      return std::nullopt;
    }
    if (auto control = first_control(node.text, rule.multiline)) {
      add(path, "contains control character " + code_point_name(*control) +
                    (rule.multiline ? " (only \\n and \\t are allowed)" : ""));
      return std::nullopt;
    }
    if (is_blank(node.text)) {
      add(path, "must not be empty");
      return std::nullopt;
    }
    const std::size_t size = rule.limit_in_bytes ? node.text.size() : count_code_points(node.text);
    if (size > rule.limit) {
      add(path, "is " + std::to_string(size) + (rule.limit_in_bytes ? " bytes" : " characters") +
                    ", over the limit " + rule.limit_name + " (" + std::to_string(rule.limit) + ")");
      return std::nullopt;
    }
    return node.text;
  }

  std::optional<std::string> string_field(const DocNode& table, std::string_view key, const std::string& path,
                                          const StringRule& rule) {
    const DocNode* node = find(table, key);
    if (node == nullptr) {
      if (rule.required) add(path, "required field is missing");
      return std::nullopt;
    }
    return check_string(*node, path, rule);
  }

  // Array of strings; an absent array is empty.
  std::vector<std::string> string_array(const DocNode& table, std::string_view key, const std::string& path,
                                        const StringRule& item_rule, std::size_t max_items,
                                        const char* max_name) {
    std::vector<std::string> values;
    const DocNode* node = find(table, key);
    if (node == nullptr) return values;
    if (node->kind != DocNode::Kind::array) {
      add(path, "expected an array of strings, got " + std::string(release_detail::describe(node->kind)));
      return values;
    }
    if (node->items.size() > max_items) {
      add(path, "has " + std::to_string(node->items.size()) + " entries, over the limit " + max_name + " (" +
                    std::to_string(max_items) + ")");
      return values;
    }
    for (std::size_t i = 0; i < node->items.size(); ++i) {
      if (auto value = check_string(node->items[i], path + "[" + std::to_string(i) + "]", item_rule)) {
        values.push_back(std::move(*value));
      }
    }
    return values;
  }

  std::optional<Date> date_field(const DocNode& table, std::string_view key, const std::string& path, bool required) {
    const DocNode* node = find(table, key);
    if (node == nullptr) {
      if (required) add(path, "required field is missing");
      return std::nullopt;
    }
    if (node->kind != DocNode::Kind::date && node->kind != DocNode::Kind::string) {
      add(path, "expected a date YYYY-MM-DD, got " + std::string(release_detail::describe(node->kind)));
      return std::nullopt;
    }
    auto date = release_detail::parse_iso_date(node->text);
    if (!date) add(path, "'" + bounded(node->text, quoted_value_bytes) + "' is not a valid ISO date YYYY-MM-DD");
    return date;
  }

  // `revision` (a whole number 1..max_revision, default 1) and the `change_note` a correction needs.
  void revision_fields(const DocNode& root, Release& out) {
    if (const DocNode* node = find(root, "revision")) {
      int value = 0;
      const auto [end, ec] = std::from_chars(node->text.data(), node->text.data() + node->text.size(), value);
      const bool whole = node->kind == DocNode::Kind::integer && ec == std::errc() &&
                         end == node->text.data() + node->text.size();
      if (!whole || value < 1 || value > ReleaseLimits::max_revision) {
        add("revision", "expected a whole number from 1 to " + std::to_string(ReleaseLimits::max_revision) +
                            ", got " + (node->kind == DocNode::Kind::integer ? bounded(node->text, quoted_value_bytes)
                                                                             : std::string(release_detail::describe(node->kind))));
      } else {
        out.revision = value;
      }
    }
    assign(out.change_note, string_field(root, "change_note", "change_note", short_text(false)));
    if (out.revision > 1 && out.change_note.empty() && !has_error_at("change_note")) {
      add("change_note", "required for a correction (revision " + std::to_string(out.revision) +
                             "): say what changed, e.g. \"第二段数字更正为12.6万\"");
    }
  }

  // 废止: `repealed_on` (the date it takes effect) and the optional `repealed_by`, on a correction only.
  void repeal_fields(const DocNode& root, Release& out) {
    out.repealed_on = date_field(root, "repealed_on", "repealed_on", false);
    out.repealed_by = string_field(root, "repealed_by", "repealed_by", short_text(false));
    if (out.repealed_by && !out.repealed_on && !has_error_at("repealed_on")) {
      add("repealed_by", "only with repealed_on, the date the repeal takes effect");
    }
    if (out.repealed_on && out.revision < 2 && !has_error_at("revision")) {
      add("repealed_on", "a release is repealed by a correction: submit it again with the next revision, a "
                         "change_note (e.g. \"自2027年1月1日起废止\") and repealed_on");
    }
  }

  std::optional<Timestamp> timestamp_field(const DocNode& table, std::string_view key, const std::string& path,
                                           bool required) {
    const DocNode* node = find(table, key);
    if (node == nullptr) {
      if (required) add(path, "required field is missing");
      return std::nullopt;
    }
    switch (node->kind) {
      case DocNode::Kind::string:
      case DocNode::Kind::offset_datetime:
      case DocNode::Kind::local_datetime:
        break;
      default:
        add(path, "expected an ISO 8601 timestamp with UTC offset, got " +
                      std::string(release_detail::describe(node->kind)));
        return std::nullopt;
    }
    auto parsed = release_detail::parse_iso_timestamp(node->text);
    if (!parsed) {
      add(path, "'" + bounded(node->text, quoted_value_bytes) + "' " + parsed.error());
      return std::nullopt;
    }
    return *parsed;
  }

  static std::optional<ReleaseKind> parse_kind(std::string_view text) {
    for (ReleaseKind k : {ReleaseKind::news, ReleaseKind::policy_interpretation, ReleaseKind::notice,
                          ReleaseKind::conference, ReleaseKind::emergency}) {
      if (text == to_string(k)) return k;
    }
    return std::nullopt;
  }

  void disclosure_field(const DocNode& root, Release& out) {
    auto text = string_field(root, "disclosure", "disclosure", short_text(true));
    if (!text) return;
    struct Spelling {
      std::string_view text;
      Disclosure value;
    };
    static constexpr Spelling spellings[] = {
        {"主动公开", Disclosure::proactive},     {"proactive", Disclosure::proactive},
        {"依申请公开", Disclosure::on_request},  {"on_request", Disclosure::on_request},
        {"不予公开", Disclosure::withheld},      {"withheld", Disclosure::withheld},
    };
    const auto match = std::find_if(std::begin(spellings), std::end(spellings),
                                    [&](const Spelling& s) { return s.text == *text; });
    if (match == std::end(spellings)) {
      add("disclosure", "'" + *text + "' is not a disclosure attribute; use 主动公开, 依申请公开 or 不予公开 "
                        "(proactive, on_request, withheld)");
      return;
    }
    out.disclosure = match->value;
    if (out.disclosure != Disclosure::proactive) {
      add("disclosure", "is " + std::string(to_string(out.disclosure)) +
                            ": only 主动公开 (proactive) releases may be distributed");
    }
  }

  void targets_field(const DocNode& root, Release& out) {
    const DocNode* node = find(root, "targets");
    if (node == nullptr) {
      add("targets", "required field is missing: name at least one channel");
      return;
    }
    if (node->kind != DocNode::Kind::table) {
      add("targets", "expected a table of channel name -> list of targets, got " +
                         std::string(release_detail::describe(node->kind)));
      return;
    }
    if (node->fields.empty()) {
      add("targets", "must name at least one channel");
      return;
    }
    if (node->fields.size() > ReleaseLimits::max_channels) {
      add("targets", "names " + std::to_string(node->fields.size()) + " channels, over the limit max_channels (" +
                         std::to_string(ReleaseLimits::max_channels) + ")");
      return;
    }
    for (const auto& [channel, value] : node->fields) {
      const std::string path = "targets." + bounded(channel, quoted_value_bytes);
      if (channel.empty() || channel.size() > ReleaseLimits::id_bytes ||
          !std::all_of(channel.begin(), channel.end(), is_id_char)) {
        add(path, "channel names may contain only letters, digits and . _ - (1 to 64 bytes)");
        continue;
      }
      if (value.kind == DocNode::Kind::null) {
        add(path, "expected an array of strings, got null");
        continue;
      }
      if (value.kind == DocNode::Kind::array && value.items.empty()) {
        add(path, "must name at least one target");
        continue;
      }
      const std::size_t before = errors_.size();
      auto names = string_array(*node, channel, path, short_text(true), ReleaseLimits::max_targets_per_channel,
                                "max_targets_per_channel");
      if (errors_.size() == before) out.targets[channel] = std::move(names);
    }
  }

  // A document is approved for publishing on or after the day it was formed, each day as its writer
  // dated it: a later formed_at is a slip of the keyboard or a date still to come.
  void formed_by_approval(const Release& out) {
    if (has_error_at("formed_at") || has_error_at("approval") || has_error_at("approval.approved_at")) return;
    const Timestamp& at = out.approval.approved_at;
    if (out.formed_at > at.local_date()) {
      add("formed_at", out.formed_at.iso() + " is after the day of approval (approval.approved_at " + at.iso() +
                           "): a document is approved on or after the day it was formed");
    }
  }

  void approval_field(const DocNode& root, Release& out) {
    const DocNode* node = find(root, "approval");
    if (node != nullptr && node->kind != DocNode::Kind::table) {
      add("approval", "expected a table with approver and approved_at, got " +
                          std::string(release_detail::describe(node->kind)));
      return;
    }
    const DocNode empty_table = table_node();
    const DocNode& table = node != nullptr ? *node : empty_table;
    static constexpr std::array<std::string_view, 3> known = {"approver", "approved_at", "signatures"};
    for (const auto& [name, value] : table.fields) {
      if (name == "signature") {
        add("approval.signature", "is no longer read: put each reviewer's signature in approval.signatures, "
                                  "an array of tables ([[approval.signatures]] in TOML; see docs/PROTOCOL.md)");
      }
    }
    report_unknown(table, "approval", known, "signature");
    assign(out.approval.approver, string_field(table, "approver", "approval.approver", short_text(true)));
    if (auto at = timestamp_field(table, "approved_at", "approval.approved_at", true)) out.approval.approved_at = *at;
    const DocNode* list = find(table, "signatures");
    if (list == nullptr) return;
    if (list->kind != DocNode::Kind::array) {
      add("approval.signatures", "expected an array of tables, got " + std::string(release_detail::describe(list->kind)));
      return;
    }
    if (list->items.size() > ReleaseLimits::max_signatures) {
      add("approval.signatures", "has " + std::to_string(list->items.size()) +
                                     " entries, over the limit max_signatures (" +
                                     std::to_string(ReleaseLimits::max_signatures) + ")");
      return;
    }
    for (std::size_t i = 0; i < list->items.size(); ++i) {
      if (auto entry = signature_entry(list->items[i], "approval.signatures[" + std::to_string(i) + "]")) {
        out.approval.signatures.push_back(std::move(*entry));
      }
    }
  }

  std::optional<ApprovalSignature> signature_entry(const DocNode& node, const std::string& path) {
    if (node.kind != DocNode::Kind::table) {
      add(path, "expected a table with key_id, role, signed_at and signature, got " +
                    std::string(release_detail::describe(node.kind)));
      return std::nullopt;
    }
    static constexpr std::array<std::string_view, 5> known = {"key_id", "role", "signed_at", "signature",
                                                              "override_screen"};
    const std::size_t before = errors_.size();
    report_unknown(node, path, known);
    ApprovalSignature entry;
    auto key_id = string_field(node, "key_id", path + ".key_id",
                               {true, false, ReleaseLimits::id_bytes, "id_bytes", true});
    if (key_id && !std::all_of(key_id->begin(), key_id->end(), is_id_char)) {
      add(path + ".key_id", "may contain only letters A-Z a-z, digits and . _ -");
    }
    assign(entry.key_id, std::move(key_id));
    assign(entry.role, string_field(node, "role", path + ".role", short_text(true)));
    if (auto at = timestamp_field(node, "signed_at", path + ".signed_at", true)) entry.signed_at = *at;
    assign(entry.signature, string_field(node, "signature", path + ".signature",
                                         {true, false, ReleaseLimits::signature_bytes, "signature_bytes", true}));
    entry.override_screen =
        string_field(node, "override_screen", path + ".override_screen",
                     {false, false, ReleaseLimits::override_screen_bytes, "override_screen_bytes", true});
    if (entry.override_screen &&
        !std::all_of(entry.override_screen->begin(), entry.override_screen->end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
      add(path + ".override_screen", "must be a lowercase hex digest");
    }
    if (errors_.size() != before) return std::nullopt;
    return entry;
  }

  // The `conference` table: required for kind = conference, refused for every other kind.
  void conference_field(const DocNode& root, bool is_conference, Release& out) {
    const DocNode* node = find(root, "conference");
    if (node == nullptr) {
      if (is_conference) add("conference", "required for a conference: organiser, starts_at, ends_at, venue, topic, "
                                           "spokespersons, registration and livestream");
      return;
    }
    if (!is_conference) {
      if (!has_error_at("kind")) add("conference", "only a release of kind conference has a conference table");
      return;
    }
    if (node->kind != DocNode::Kind::table) {
      add("conference", "expected a table, got " + std::string(release_detail::describe(node->kind)));
      return;
    }
    static constexpr std::array<std::string_view, 9> known = {"organiser", "starts_at", "ends_at", "venue", "topic",
                                                              "spokespersons", "registration", "livestream", "live_text"};
    report_unknown(*node, "conference", known);
    ConferenceDetails c;
    assign(c.organiser, string_field(*node, "organiser", "conference.organiser", short_text(true)));
    const auto starts = timestamp_field(*node, "starts_at", "conference.starts_at", true);
    const auto ends = timestamp_field(*node, "ends_at", "conference.ends_at", true);
    if (starts) c.starts_at = *starts;
    if (ends) c.ends_at = *ends;
    if (starts && ends && ends->unix_seconds <= starts->unix_seconds) {
      add("conference.ends_at", "must be after conference.starts_at (" + starts->iso() + ")");
    }
    assign(c.venue, string_field(*node, "venue", "conference.venue", short_text(true)));
    assign(c.topic, string_field(*node, "topic", "conference.topic", short_text(true)));
    c.spokespersons = string_array(*node, "spokespersons", "conference.spokespersons",
                                   {true, false, ReleaseLimits::id_bytes, "id_bytes", true},
                                   ReleaseLimits::max_spokespersons, "max_spokespersons");
    if (c.spokespersons.empty() && !has_error_at("conference.spokespersons")) {
      add("conference.spokespersons", "name at least one spokesperson of the roster by id");
    }
    assign(c.registration, string_field(*node, "registration", "conference.registration", short_text(true)));
    c.live_text = url_field(*node, "live_text", "conference.live_text", false);
    livestream_field(*node, c);
    out.conference = std::move(c);
  }

  void livestream_field(const DocNode& conference, ConferenceDetails& c) {
    const DocNode* node = find(conference, "livestream");
    if (node == nullptr || node->kind != DocNode::Kind::table) {
      add("conference.livestream", node == nullptr ? "required field is missing: a table with provider and url"
                                                   : "expected a table with provider and url, got " +
                                                         std::string(release_detail::describe(node->kind)));
      return;
    }
    static constexpr std::array<std::string_view, 2> known = {"provider", "url"};
    report_unknown(*node, "conference.livestream", known);
    assign(c.livestream.provider, string_field(*node, "provider", "conference.livestream.provider", short_text(true)));
    assign(c.livestream.url, url_field(*node, "url", "conference.livestream.url", true));
    if (c.livestream.url.find('#') != std::string::npos) {
      add("conference.livestream.url", "must not contain '#': the address goes into the microblog posts, where "
                                       "Weibo reads #...# as a topic; give it without its '#' part");
    }
  }

  std::optional<std::string> url_field(const DocNode& table, std::string_view key, const std::string& path, bool required) {
    auto url = string_field(table, key, path, {required, false, ReleaseLimits::link_chars, "link_chars", false});
    if (url && !url->starts_with("http://") && !url->starts_with("https://")) {
      add(path, "must be an http:// or https:// URL");
      return std::nullopt;
    }
    return url;
  }

  static DocNode table_node() {
    DocNode node;
    node.kind = DocNode::Kind::table;
    return node;
  }

  FieldErrors errors_;
};

}  // namespace

namespace release_detail {

FieldErrors validate_release(const DocNode& root, Release& out) { return ReleaseValidator().validate(root, out); }

}  // namespace release_detail
}  // namespace fabu
