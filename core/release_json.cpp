// Canonical JSON form of a Release, its digest, the ISO forms of dates and timestamps, and the
// printable names of enums and errors.
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/release.h"
#include "core/sha256.h"

namespace fabu {

std::string_view to_string(ReleaseKind kind) {
  switch (kind) {
    case ReleaseKind::news: return "news";
    case ReleaseKind::policy_interpretation: return "policy_interpretation";
    case ReleaseKind::notice: return "notice";
    case ReleaseKind::conference: return "conference";
    case ReleaseKind::emergency: return "emergency";
  }
  return "unknown";
}

std::string_view to_string(Disclosure d) {
  switch (d) {
    case Disclosure::proactive: return "主动公开";
    case Disclosure::on_request: return "依申请公开";
    case Disclosure::withheld: return "不予公开";
  }
  return "unknown";
}

std::string join(const FieldErrors& errors) {
  std::string out;
  for (const FieldError& e : errors) {
    if (!out.empty()) out += "; ";
    out += e.path.empty() ? e.reason : e.path + ": " + e.reason;
  }
  return out;
}

std::string Date::iso() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::string Timestamp::iso() const {
  using namespace std::chrono;
  // Shown in the writer's own offset: 09:30+08:00 stays 09:30+08:00, not 01:30Z.
  const std::int64_t local = unix_seconds + std::int64_t{utc_offset_minutes} * 60;
  const sys_days day = floor<days>(sys_seconds{seconds{local}});
  const year_month_day ymd{day};
  const std::int64_t second_of_day = local - std::int64_t{day.time_since_epoch().count()} * 86400;
  const int magnitude = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                static_cast<int>(second_of_day % 60), utc_offset_minutes < 0 ? '-' : '+', magnitude / 60,
                magnitude % 60);
  return buf;
}

std::string to_json(const Release& release) {
  // nlohmann::json keeps object keys in a std::map, so the key order is fixed (sorted).
  nlohmann::json doc = nlohmann::json::object();
  const auto put_if_present = [&doc](const char* key, const std::string& value) {
    if (!value.empty()) doc[key] = value;
  };
  doc["id"] = release.id;
  doc["kind"] = std::string(to_string(release.kind));
  doc["title"] = release.title;
  doc["summary"] = release.summary;
  put_if_present("body", release.body);
  put_if_present("abstract", release.abstract);
  doc["issuer"] = release.issuer;
  if (release.doc_number) doc["doc_number"] = *release.doc_number;
  doc["formed_at"] = release.formed_at.iso();
  doc["disclosure"] = std::string(to_string(release.disclosure));
  doc["subjects"] = release.subjects;
  if (release.interprets) doc["interprets"] = *release.interprets;
  if (release.link) doc["link"] = *release.link;
  doc["images"] = release.images;
  if (release.publish_at) doc["publish_at"] = release.publish_at->iso();
  if (release.revision != 1) doc["revision"] = release.revision;
  put_if_present("change_note", release.change_note);
  doc["targets"] = nlohmann::json::object();
  for (const auto& [channel, names] : release.targets) doc["targets"][channel] = names;
  nlohmann::json approval = nlohmann::json::object();
  approval["approver"] = release.approval.approver;
  approval["approved_at"] = release.approval.approved_at.iso();
  for (const ApprovalSignature& entry : release.approval.signatures) {
    nlohmann::json signed_entry = {{"key_id", entry.key_id},
                                   {"role", entry.role},
                                   {"signed_at", entry.signed_at.iso()},
                                   {"signature", entry.signature}};
    if (entry.override_screen) signed_entry["override_screen"] = *entry.override_screen;
    approval["signatures"].push_back(std::move(signed_entry));
  }
  doc["approval"] = std::move(approval);
  if (release.conference) {
    const ConferenceDetails& c = *release.conference;
    nlohmann::json conf = {{"organiser", c.organiser},       {"starts_at", c.starts_at.iso()},
                           {"ends_at", c.ends_at.iso()},     {"venue", c.venue},
                           {"topic", c.topic},               {"spokespersons", c.spokespersons},
                           {"registration", c.registration},
                           {"livestream", {{"provider", c.livestream.provider}, {"url", c.livestream.url}}}};
    if (c.live_text) conf["live_text"] = *c.live_text;
    doc["conference"] = std::move(conf);
  }
  // A Release built in code (not parsed) might hold bad UTF-8: replace it rather than throw.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string content_digest(const Release& release) { return sha256_hex(to_json(release)); }

}  // namespace fabu
