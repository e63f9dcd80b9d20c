// to_json writes a release's JSON by hand; its text (and so every content digest stored in Redis)
// must stay byte for byte what the nlohmann::json document it replaced gave. The reference below is
// that earlier code, kept here to compare against.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/release.h"
#include "core/sha256.h"

namespace fabu {
namespace {

std::string nlohmann_text(const Release& release) {
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
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Release bare() {
  Release r;
  r.id = "r-1";
  r.title = "标题";
  r.issuer = "临沂市人民政府办公室";
  return r;
}

Release full() {
  Release r = bare();
  r.kind = ReleaseKind::policy_interpretation;
  r.summary = "摘要 \"quoted\" \\ back\nslash\ttab\x01 ctl";
  r.body = "正文 **markdown**";
  r.abstract = "概述";
  r.doc_number = "临政办发〔2026〕12号";
  r.formed_at = Date{2026, 12, 1};
  r.disclosure = Disclosure::on_request;
  r.subjects = {"综合政务\\政务公开", "教育"};
  r.interprets = "r-0";
  r.link = "https://www.linyi.gov.cn/a.html";
  r.images = {"/var/lib/fabu/a.png"};
  r.publish_at = Timestamp{1796000000, 480};
  r.revision = 3;
  r.change_note = "更正 a date";
  r.targets = {{"portal", {"tzgg"}}, {"microblog", {"lead", "group:county"}}, {"微博", {}}};
  r.approval.approver = "王主任";
  r.approval.approved_at = Timestamp{1795990000, 480};
  r.approval.signatures = {{"k1", "内容审核", Timestamp{1795990001, 480}, "c2ln", std::nullopt},
                           {"k2", "终审", Timestamp{1795990002, -300}, "c2lnMg==", std::string("abc123")}};
  ConferenceDetails c;
  c.organiser = "市政府新闻办";
  c.starts_at = Timestamp{1796100000, 480};
  c.ends_at = Timestamp{1796103600, 480};
  c.venue = "新闻发布厅";
  c.topic = "主题";
  c.spokespersons = {"zhang", "li"};
  c.registration = "电话报名";
  c.livestream = {"临沂发布", "https://live.example.cn/1"};
  c.live_text = "https://www.linyi.gov.cn/live";
  r.conference = c;
  return r;
}

TEST(ReleaseJsonText, IsByteForByteTheTextOfTheNlohmannDocument) {
  std::vector<Release> releases = {bare(), full()};
  Release no_conference = full();
  no_conference.conference.reset();
  no_conference.approval.signatures.resize(1);
  releases.push_back(no_conference);
  Release no_live_text = full();
  no_live_text.conference->live_text.reset();
  no_live_text.targets.clear();
  releases.push_back(no_live_text);
  Release bad_utf8 = full();
  bad_utf8.title = "bad \xE4\xB8 cut \xFF and \xC0\x80 overlong";
  bad_utf8.targets["\xFE"] = {"x\x1F"};
  releases.push_back(bad_utf8);
  Release revision_one = full();
  revision_one.revision = 1;
  revision_one.images.clear();
  releases.push_back(revision_one);

  for (const Release& r : releases) {
    EXPECT_EQ(to_json(r), nlohmann_text(r));
    Release unsigned_copy = r;
    unsigned_copy.approval.signatures.clear();
    EXPECT_EQ(unsigned_content_digest(r), sha256_hex(nlohmann_text(unsigned_copy)));
    EXPECT_EQ(content_digest(r), sha256_hex(nlohmann_text(r)));
  }
  EXPECT_NE(unsigned_content_digest(full()), content_digest(full())) << "the signatures count in content_digest";
}

}  // namespace
}  // namespace fabu
