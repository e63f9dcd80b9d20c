#include "core/screen.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "core/sha256.h"
#include "core/text.h"

namespace fabu {
namespace {

constexpr std::array<std::pair<ScreenKind, std::string_view>, 6> kKindNames{{
    {ScreenKind::resident_id, "resident_id"},
    {ScreenKind::resident_id_15, "resident_id_15"},
    {ScreenKind::mobile, "mobile"},
    {ScreenKind::bank_card, "bank_card"},
    {ScreenKind::credit_code, "credit_code"},
    {ScreenKind::sensitive_term, "sensitive_term"},
}};

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Markdown can split a number in the body's source that the page shows whole ("138**1234**5678",
// "138&#49;2345678"). So the body is read again as it is shown, and what that finds beyond the
// source's own matches is reported under the field "body as shown" (offsets into that text). Each of
// the source's matches stands for one shown match of the same kind and masked value. A body without
// a character Markdown reads as inline markup shows as it is written.
std::vector<ScreenMatch> shown_body_matches(std::string_view body, const std::vector<ScreenMatch>& source_matches,
                                            const ScreenPolicy& policy) {
  if (body.find_first_of("*_~`&[\\<") == std::string_view::npos) return {};
  std::vector<const ScreenMatch*> unclaimed;
  for (const auto& m : source_matches) {
    if (m.field == "body") unclaimed.push_back(&m);
  }
  std::vector<ScreenMatch> extra;
  for (auto& m : screen_text(markdown_shown_text(body), "body as shown", policy)) {
    const auto same = std::find_if(unclaimed.begin(), unclaimed.end(), [&](const ScreenMatch* s) {
      return s != nullptr && s->kind == m.kind && s->masked == m.masked;
    });
    if (same != unclaimed.end()) {
      *same = nullptr;
    } else {
      extra.push_back(std::move(m));
    }
  }
  return extra;
}

}  // namespace

std::string_view to_string(ScreenKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<ScreenKind> screen_kind_from(std::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

bool ScreenResult::holds() const {
  return std::any_of(matches.begin(), matches.end(), [](const ScreenMatch& m) { return m.holds; });
}

std::string ScreenResult::digest() const {
  std::string canonical = "fabu-screen-v1\n" + content_digest + "\n";
  for (const auto& m : matches) {
    // Warnings are left out: switching credit_codes between warn and ignore keeps overrides valid.
    if (!m.holds) continue;
    canonical += std::string(to_string(m.kind)) + "\t" + m.field + "\t" + std::to_string(m.offset) + "\t" +
                 std::to_string(m.length) + "\n";
  }
  return sha256_hex(canonical);
}

ScreenResult screen_release(const Release& release, const ScreenPolicy& policy) {
  ScreenResult result;
  if (!policy.enabled) return result;
  // Every text of the release that is published somewhere: the post, the portal page and its
  // catalogue, the correction note, a conference's notice, posts and calendar entry.
  std::vector<std::pair<std::string, std::string_view>> fields{
      {"title", release.title},
      {"summary", release.summary},
      {"body", release.body},
      {"issuer", release.issuer},
      {"change_note", release.change_note},
  };
  // The abstract is the summary unless it was given: the same text is reported once.
  if (release.abstract != release.summary) fields.emplace_back("abstract", release.abstract);
  if (release.doc_number) fields.emplace_back("doc_number", *release.doc_number);
  if (release.repealed_by) fields.emplace_back("repealed_by", *release.repealed_by);
  if (release.link) fields.emplace_back("link", *release.link);
  for (std::size_t i = 0; i < release.subjects.size(); ++i) {
    fields.emplace_back("subjects[" + std::to_string(i) + "]", release.subjects[i]);
  }
  if (const auto& c = release.conference) {
    fields.emplace_back("conference.organiser", c->organiser);
    fields.emplace_back("conference.venue", c->venue);
    fields.emplace_back("conference.topic", c->topic);
    fields.emplace_back("conference.registration", c->registration);
    fields.emplace_back("conference.livestream.provider", c->livestream.provider);
    fields.emplace_back("conference.livestream.url", c->livestream.url);
    if (c->live_text) fields.emplace_back("conference.live_text", *c->live_text);
  }
  for (const auto& [name, text] : fields) {
    auto found = screen_text(text, name, policy);
    result.matches.insert(result.matches.end(), std::make_move_iterator(found.begin()),
                          std::make_move_iterator(found.end()));
  }
  auto shown = shown_body_matches(release.body, result.matches, policy);
  result.matches.insert(result.matches.end(), std::make_move_iterator(shown.begin()),
                        std::make_move_iterator(shown.end()));
  // Without the signatures: an override is one more signature, and must still name the same result.
  if (!result.matches.empty()) result.content_digest = unsigned_content_digest(release);
  return result;
}

std::string describe_match(const ScreenMatch& match) {
  return std::string(to_string(match.kind)) + (match.holds ? "" : " (warning)") + " in " + match.field + " at byte " +
         std::to_string(match.offset) + ": " + match.masked;
}

std::optional<std::string> screen_refusal(std::string_view text, std::string_view field, const ScreenPolicy& policy) {
  if (!policy.enabled) return std::nullopt;
  std::string found;
  for (const auto& m : screen_text(text, field, policy)) {
    if (m.holds) found += (found.empty() ? "" : "; ") + describe_match(m);
  }
  if (found.empty()) return std::nullopt;
  return "would publish what the privacy screen holds (" + found + "): say it without the number";
}

ScreenDecision decide_screen(const ScreenResult& result, const std::vector<VerifiedOverride>& overrides,
                             const ScreenPolicy& policy) {
  if (!policy.enabled) return {ScreenVerdict::admit, "screen disabled", std::nullopt};
  if (!result.holds()) return {ScreenVerdict::admit, "no screen match holds the release", std::nullopt};
  const std::string digest = result.digest();
  std::string why;
  for (const auto& o : overrides) {
    if (!contains(policy.override_roles, o.role)) {
      why = "; the override by key " + o.key_id + " has role " + o.role + ", which may not override the screen";
      continue;
    }
    if (o.digest != digest) {
      why = "; the override by key " + o.key_id + " names screen result " + o.digest +
            ", not the current one (the release or its matches changed)";
      continue;
    }
    return {ScreenVerdict::admit, "screen result " + digest + " overridden by key " + o.key_id + " (" + o.role + ")", o};
  }
  std::size_t holding = 0;
  for (const auto& m : result.matches) holding += m.holds ? 1 : 0;
  return {ScreenVerdict::held, std::to_string(holding) + " screen match(es); screen result " + digest + why, std::nullopt};
}

}  // namespace fabu
