// Canonical JSON form of a Release, its digest, the ISO forms of dates and timestamps, and the
// printable names of enums and errors.
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/json_writer.h"
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

Date Timestamp::local_date() const {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_seconds{seconds{unix_seconds + std::int64_t{utc_offset_minutes} * 60}})};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
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

namespace {

// Writes one JSON object's members in the order given; the caller gives them sorted by name, the order
// nlohmann::json's std::map kept, so that the text (and every digest of it) stays what it was.
class SortedObject {
 public:
  explicit SortedObject(std::string& out) : out_(out) { out_ += '{'; }
  std::string& member(std::string_view name) {
    if (!first_) out_ += ',';
    first_ = false;
    append_json_string(out_, name);
    out_ += ':';
    return out_;
  }
  void text(std::string_view name, std::string_view value) { append_json_string(member(name), value); }
  void texts(std::string_view name, const std::vector<std::string>& values) {
    std::string& out = member(name);
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      append_json_string(out, values[i]);
    }
    out += ']';
  }
  void close() { out_ += '}'; }

 private:
  std::string& out_;
  bool first_ = true;
};

void write_approval(std::string& out, const Approval& approval, bool with_signatures) {
  SortedObject object(out);
  object.text("approved_at", approval.approved_at.iso());
  object.text("approver", approval.approver);
  if (with_signatures && !approval.signatures.empty()) {
    std::string& list = object.member("signatures");
    list += '[';
    for (std::size_t i = 0; i < approval.signatures.size(); ++i) {
      const ApprovalSignature& entry = approval.signatures[i];
      if (i > 0) list += ',';
      SortedObject signed_entry(list);
      signed_entry.text("key_id", entry.key_id);
      if (entry.override_screen) signed_entry.text("override_screen", *entry.override_screen);
      signed_entry.text("role", entry.role);
      signed_entry.text("signature", entry.signature);
      signed_entry.text("signed_at", entry.signed_at.iso());
      signed_entry.close();
    }
    list += ']';
  }
  object.close();
}

void write_conference(std::string& out, const ConferenceDetails& c) {
  SortedObject conf(out);
  conf.text("ends_at", c.ends_at.iso());
  if (c.live_text) conf.text("live_text", *c.live_text);
  SortedObject livestream(conf.member("livestream"));
  livestream.text("provider", c.livestream.provider);
  livestream.text("url", c.livestream.url);
  livestream.close();
  conf.text("organiser", c.organiser);
  conf.text("registration", c.registration);
  conf.texts("spokespersons", c.spokespersons);
  conf.text("starts_at", c.starts_at.iso());
  conf.text("topic", c.topic);
  conf.text("venue", c.venue);
  conf.close();
}

// The release's JSON written straight into a string (once per admitted release, and again for its
// digest): the same text nlohmann::json::dump(-1, ' ', false, error_handler_t::replace) gave of the
// document this function used to build, members sorted by name, strings escaped by append_json_string.
std::string write_release(const Release& release, bool with_signatures) {
  std::string out;
  out.reserve(512 + release.title.size() + release.summary.size() + release.body.size() + release.abstract.size());
  SortedObject doc(out);
  if (!release.abstract.empty()) doc.text("abstract", release.abstract);
  write_approval(doc.member("approval"), release.approval, with_signatures);
  if (!release.body.empty()) doc.text("body", release.body);
  if (!release.change_note.empty()) doc.text("change_note", release.change_note);
  if (release.conference) write_conference(doc.member("conference"), *release.conference);
  doc.text("disclosure", to_string(release.disclosure));
  if (release.doc_number) doc.text("doc_number", *release.doc_number);
  doc.text("formed_at", release.formed_at.iso());
  doc.text("id", release.id);
  doc.texts("images", release.images);
  if (release.interprets) doc.text("interprets", *release.interprets);
  doc.text("issuer", release.issuer);
  doc.text("kind", to_string(release.kind));
  if (release.link) doc.text("link", *release.link);
  if (release.publish_at) doc.text("publish_at", release.publish_at->iso());
  if (release.repealed_by) doc.text("repealed_by", *release.repealed_by);
  if (release.repealed_on) doc.text("repealed_on", release.repealed_on->iso());
  if (release.revision != 1) doc.member("revision") += std::to_string(release.revision);
  doc.texts("subjects", release.subjects);
  doc.text("summary", release.summary);
  SortedObject targets(doc.member("targets"));
  for (const auto& [channel, names] : release.targets) targets.texts(channel, names);
  targets.close();
  doc.text("title", release.title);
  doc.close();
  return out;
}

}  // namespace

std::string to_json(const Release& release) { return write_release(release, true); }

std::string unsigned_content_digest(const Release& release) { return sha256_hex(write_release(release, false)); }

std::string content_digest(const Release& release) { return sha256_hex(to_json(release)); }

}  // namespace fabu
