#include "core/release.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

namespace fabu {
namespace {

using nlohmann::json;

constexpr std::string_view base_toml = R"(id = "2026-press-017"
kind = "news"
title = "临沂市政务公开工作成绩单"
summary = "全年举办新闻发布会7场。\n发布政策解读40余条。"
body = "## 概况\n\n受理审批事项449614件，办结448224件。\t"
issuer = "临沂市人民政府办公室"
doc_number = "临政办发〔2026〕12号"
formed_at = 2026-12-08
disclosure = "主动公开"
subjects = ['综合政务\政务公开']
publish_at = 2026-12-10T09:00:00+08:00
targets.portal = ["zdly"]
targets.microblog = ["lead", "all", "group:county"]

[approval]
approver = "王晓明（市政府新闻办）"
approved_at = 2026-12-10T08:30:00+08:00
)";

json base_json() {
  return json{
      {"id", "2026-press-017"},
      {"kind", "news"},
      {"title", "临沂市政务公开工作成绩单"},
      {"summary", "全年举办新闻发布会7场。\n发布政策解读40余条。"},
      {"body", "## 概况\n\n受理审批事项449614件，办结448224件。\t"},
      {"issuer", "临沂市人民政府办公室"},
      {"doc_number", "临政办发〔2026〕12号"},
      {"formed_at", "2026-12-08"},
      {"disclosure", "proactive"},
      {"subjects", {"综合政务\\政务公开"}},
      {"publish_at", "2026-12-10T09:00:00+08:00"},
      {"targets", {{"portal", {"zdly"}}, {"microblog", {"lead", "all", "group:county"}}}},
      {"approval", {{"approver", "王晓明（市政府新闻办）"}, {"approved_at", "2026-12-10T08:30:00+08:00"}}},
  };
}

FieldErrors json_errors(const json& doc) {
  auto parsed = parse_release_json(doc.dump());
  return parsed ? FieldErrors{} : parsed.error();
}

FieldErrors toml_errors(std::string_view text) {
  auto parsed = parse_release_toml(text);
  return parsed ? FieldErrors{} : parsed.error();
}

// Base TOML with the line starting with `key` removed (and `extra` prepended as top-level lines).
std::string toml_variant(std::string_view drop_key, std::string_view extra = "") {
  std::string out(extra);
  std::string text(base_toml);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    if (drop_key.empty() || !line.starts_with(drop_key)) out += line + "\n";
    pos = end + 1;
  }
  return out;
}

// The error at exactly `path`, or nullptr.
const FieldError* at(const FieldErrors& errors, std::string_view path) {
  auto it = std::find_if(errors.begin(), errors.end(), [&](const FieldError& e) { return e.path == path; });
  return it == errors.end() ? nullptr : &*it;
}

// Asserts one error sits at `path` and its reason mentions `words`.
void expect_error(const FieldErrors& errors, std::string_view path, std::string_view words) {
  const FieldError* e = at(errors, path);
  ASSERT_NE(e, nullptr) << "no error at '" << path << "'; got: " << join(errors);
  EXPECT_NE(e->reason.find(words), std::string::npos) << "reason '" << e->reason << "' lacks '" << words << "'";
}

TEST(ReleaseParse, TomlAndJsonGiveTheSameRelease) {
  auto from_toml = parse_release_toml(base_toml);
  ASSERT_TRUE(from_toml) << join(from_toml.error());
  auto from_json = parse_release_json(base_json().dump());
  ASSERT_TRUE(from_json) << join(from_json.error());
  EXPECT_EQ(*from_toml, *from_json);

  const Release& r = *from_toml;
  EXPECT_EQ(r.id, "2026-press-017");
  EXPECT_EQ(r.kind, ReleaseKind::news);
  EXPECT_EQ(r.summary, "全年举办新闻发布会7场。\n发布政策解读40余条。");
  EXPECT_EQ(r.formed_at, (Date{2026, 12, 8}));
  EXPECT_EQ(r.disclosure, Disclosure::proactive);
  ASSERT_EQ(r.subjects.size(), 1u);
  EXPECT_EQ(r.subjects[0], "综合政务\\政务公开");
  EXPECT_EQ(r.doc_number, "临政办发〔2026〕12号");
  // 2026-12-10T08:30:00+08:00 is 00:30 UTC.
  EXPECT_EQ(r.approval.approved_at.unix_seconds, 1796862600);
  EXPECT_EQ(r.approval.approved_at.utc_offset_minutes, 480);
  ASSERT_TRUE(r.publish_at.has_value());
  EXPECT_EQ(r.publish_at->iso(), "2026-12-10T09:00:00+08:00");
  EXPECT_EQ(r.targets.at("microblog"), (std::vector<std::string>{"lead", "all", "group:county"}));
  EXPECT_EQ(r.targets.at("portal"), (std::vector<std::string>{"zdly"}));
}

TEST(ReleaseParse, AbstractDefaultsToFirst300CodePointsOfSummary) {
  json doc = base_json();
  std::string summary;
  for (int i = 0; i < 350; ++i) summary += "沂";
  doc["summary"] = summary;
  auto r = parse_release_json(doc.dump());
  ASSERT_TRUE(r) << join(r.error());
  std::string expected;
  for (int i = 0; i < 300; ++i) expected += "沂";
  EXPECT_EQ(r->abstract, expected);

  doc["abstract"] = "内容概述";
  r = parse_release_json(doc.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->abstract, "内容概述");
}

TEST(ReleaseParse, CanonicalJsonRoundTrips) {
  auto r = parse_release_toml(base_toml);
  ASSERT_TRUE(r);
  const std::string canonical = to_json(*r);
  auto again = parse_release_json(canonical);
  ASSERT_TRUE(again) << join(again.error()) << "\n" << canonical;
  EXPECT_EQ(*again, *r);
  EXPECT_EQ(to_json(*again), canonical);
}

TEST(ReleaseParse, TimestampsKeepTheirOffset) {
  json doc = base_json();
  doc["formed_at"] = "2026-03-01";
  doc["approval"]["approved_at"] = "2026-03-02T09:30:00-05:30";
  auto r = parse_release_json(doc.dump());
  ASSERT_TRUE(r) << join(r.error());
  EXPECT_EQ(r->approval.approved_at.utc_offset_minutes, -330);
  EXPECT_EQ(r->approval.approved_at.iso(), "2026-03-02T09:30:00-05:30");

  doc["approval"]["approved_at"] = "2026-03-02T01:30:00Z";
  r = parse_release_json(doc.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->approval.approved_at.iso(), "2026-03-02T01:30:00+00:00");
  EXPECT_EQ(r->approval.approved_at.unix_seconds, 1772415000);
}

TEST(ReleaseRequired, EveryRequiredFieldMissingIsNamed) {
  for (const char* field : {"id", "kind", "title", "summary", "issuer", "formed_at", "disclosure", "targets"}) {
    json doc = base_json();
    doc.erase(field);
    expect_error(json_errors(doc), field, "missing");
  }
  for (const char* field : {"approver", "approved_at"}) {
    json doc = base_json();
    doc["approval"].erase(field);
    expect_error(json_errors(doc), std::string("approval.") + field, "missing");
  }
}

TEST(ReleaseRequired, MissingApprovalTableNamesBothFields) {
  json doc = base_json();
  doc.erase("approval");
  const FieldErrors errors = json_errors(doc);
  expect_error(errors, "approval.approver", "missing");
  expect_error(errors, "approval.approved_at", "missing");
}

TEST(ReleaseRequired, JsonNullCountsAsAbsent) {
  json doc = base_json();
  doc["doc_number"] = nullptr;
  auto r = parse_release_json(doc.dump());
  ASSERT_TRUE(r) << join(r.error());
  EXPECT_FALSE(r->doc_number.has_value());
  doc["title"] = nullptr;
  expect_error(json_errors(doc), "title", "missing");
}

TEST(ReleaseRequired, EmptyStringIsNotAValue) {
  json doc = base_json();
  doc["issuer"] = "  ";
  expect_error(json_errors(doc), "issuer", "empty");
}

TEST(ReleaseTargets, EmptyTableIsRejected) {
  json doc = base_json();
  doc["targets"] = json::object();
  expect_error(json_errors(doc), "targets", "at least one channel");
}

TEST(ReleaseTargets, EachTargetIsCheckedWithItsIndex) {
  json doc = base_json();
  doc["targets"]["microblog"] = {"lead", ""};
  expect_error(json_errors(doc), "targets.microblog[1]", "empty");
  doc["targets"]["microblog"] = {"lead", 7};
  expect_error(json_errors(doc), "targets.microblog[1]", "expected a string");
}

TEST(ReleaseTargets, ChannelMustHoldAList) {
  json doc = base_json();
  doc["targets"]["microblog"] = "lead";
  expect_error(json_errors(doc), "targets.microblog", "array");
  doc["targets"]["microblog"] = json::array();
  expect_error(json_errors(doc), "targets.microblog", "at least one target");
  doc = base_json();
  doc["targets"] = {"portal"};
  expect_error(json_errors(doc), "targets", "table");
}

TEST(ReleaseTargets, ChannelAndTargetCountsAreLimited) {
  json doc = base_json();
  json names = json::array();
  for (std::size_t i = 0; i <= ReleaseLimits::max_targets_per_channel; ++i) names.push_back("a" + std::to_string(i));
  doc["targets"]["microblog"] = names;
  expect_error(json_errors(doc), "targets.microblog", "max_targets_per_channel");

  doc = base_json();
  for (std::size_t i = 0; i <= ReleaseLimits::max_channels; ++i) doc["targets"]["c" + std::to_string(i)] = {"x"};
  expect_error(json_errors(doc), "targets", "max_channels");
}

TEST(ReleaseFields, IdShapeAndLength) {
  json doc = base_json();
  doc["id"] = "2026/press 017";
  expect_error(json_errors(doc), "id", "may contain only");
  doc["id"] = std::string(65, 'a');
  expect_error(json_errors(doc), "id", "id_bytes");
  doc["id"] = std::string(64, 'a');
  EXPECT_TRUE(json_errors(doc).empty());
}

TEST(ReleaseFields, KindMustBeKnown) {
  json doc = base_json();
  doc["kind"] = "press";
  expect_error(json_errors(doc), "kind", "policy_interpretation");
}

TEST(ReleaseFields, PolicyInterpretationNeedsInterprets) {
  json doc = base_json();
  doc["kind"] = "policy_interpretation";
  expect_error(json_errors(doc), "interprets", "policy_interpretation");
  doc["interprets"] = "临政办发〔2026〕12号";
  auto r = parse_release_json(doc.dump());
  ASSERT_TRUE(r) << join(r.error());
  EXPECT_EQ(r->interprets, "临政办发〔2026〕12号");
}

TEST(ReleaseFields, RevisionIsAWholeNumberAndACorrectionSaysWhatChanged) {
  json doc = base_json();
  auto first = parse_release_json(doc.dump());
  ASSERT_TRUE(first) << join(first.error());
  EXPECT_EQ(first->revision, 1);
  EXPECT_EQ(to_json(*first).find("revision"), std::string::npos);  // the default is left out

  doc["revision"] = 2;
  expect_error(json_errors(doc), "change_note", "required for a correction");
  doc["change_note"] = "第二段数字更正为12.6万";
  auto second = parse_release_json(doc.dump());
  ASSERT_TRUE(second) << join(second.error());
  EXPECT_EQ(second->revision, 2);
  EXPECT_EQ(second->change_note, "第二段数字更正为12.6万");
  EXPECT_EQ(parse_release_json(to_json(*second)), second);  // canonical JSON keeps both

  for (const json& bad : {json(0), json(-3), json(2.5), json("2"), json(100000)}) {
    doc["revision"] = bad;
    expect_error(json_errors(doc), "revision", "whole number from 1 to 9999");
  }
  auto toml = parse_release_toml(toml_variant("", "revision = 2\nchange_note = \"更正\"\n"));
  ASSERT_TRUE(toml) << join(toml.error());
  EXPECT_EQ(toml->revision, 2);
}

// 废止: a correction says from when the document is repealed and by which document; a first issue
// cannot be repealed, and repealed_by alone says nothing.
TEST(ReleaseFields, ACorrectionMayRepealTheDocumentFromADate) {
  json doc = base_json();
  doc["repealed_on"] = "2027-01-01";
  expect_error(json_errors(doc), "repealed_on", "a release is repealed by a correction");
  doc["revision"] = 2;
  doc["change_note"] = "自2027年1月1日起废止";
  doc["repealed_by"] = "临政发〔2026〕30号";
  auto repealed = parse_release_json(doc.dump());
  ASSERT_TRUE(repealed) << join(repealed.error());
  EXPECT_EQ(repealed->repealed_on, (Date{2027, 1, 1}));
  EXPECT_EQ(repealed->repealed_by, "临政发〔2026〕30号");
  const std::string canonical = to_json(*repealed);
  EXPECT_NE(canonical.find(R"("repealed_by":"临政发〔2026〕30号","repealed_on":"2027-01-01","revision":2)"),
            std::string::npos) << canonical;
  EXPECT_EQ(parse_release_json(canonical), repealed);
  Release in_force = *repealed;
  in_force.repealed_on.reset();
  in_force.repealed_by.reset();
  EXPECT_NE(content_digest(*repealed), content_digest(in_force)) << "reviewers sign the repeal";

  doc["repealed_on"] = "2027-02-30";
  expect_error(json_errors(doc), "repealed_on", "not a valid ISO date");
  doc.erase("repealed_on");
  expect_error(json_errors(doc), "repealed_by", "only with repealed_on");
  auto toml = parse_release_toml(toml_variant("", "revision = 3\nchange_note = \"废止\"\nrepealed_on = 2027-01-01\n"));
  ASSERT_TRUE(toml) << join(toml.error());
  EXPECT_EQ(toml->repealed_on, (Date{2027, 1, 1}));
  EXPECT_FALSE(toml->repealed_by);
}

TEST(ReleaseDisclosure, OnlyProactiveMayBeDistributed) {
  for (const char* value : {"依申请公开", "on_request", "不予公开", "withheld"}) {
    json doc = base_json();
    doc["disclosure"] = value;
    expect_error(json_errors(doc), "disclosure", "only 主动公开 (proactive) releases may be distributed");
  }
  json doc = base_json();
  doc["disclosure"] = "公开";
  expect_error(json_errors(doc), "disclosure", "not a disclosure attribute");
  doc["disclosure"] = "主动公开";
  EXPECT_TRUE(json_errors(doc).empty());
}

TEST(ReleaseDates, FormedAtMustBeARealIsoDate) {
  json doc = base_json();
  doc["formed_at"] = "2026-02-30";
  expect_error(json_errors(doc), "formed_at", "ISO date");
  doc["formed_at"] = "2026/12/08";
  expect_error(json_errors(doc), "formed_at", "ISO date");
  doc["formed_at"] = "2024-02-29";
  EXPECT_TRUE(json_errors(doc).empty());
  expect_error(toml_errors(toml_variant("formed_at", "formed_at = 2026-12-08T10:00:00+08:00\n")), "formed_at",
               "date");
}

// The day of approval is the approver's own (approved_at's offset), not UTC's.
TEST(ReleaseDates, ADocumentIsFormedNoLaterThanTheDayItIsApproved) {
  json doc = base_json();
  doc["formed_at"] = "2026-12-11";
  expect_error(json_errors(doc), "formed_at", "after the day of approval (approval.approved_at 2026-12-10T08:30:00+08:00)");
  doc["formed_at"] = "2062-12-08";
  expect_error(json_errors(doc), "formed_at", "approved on or after the day it was formed");
  doc["formed_at"] = "2026-12-10";
  EXPECT_TRUE(json_errors(doc).empty());
  doc["approval"]["approved_at"] = "2026-12-10T00:30:00+08:00";  // 2026-12-09 in UTC
  EXPECT_TRUE(json_errors(doc).empty());
  doc["approval"]["approved_at"] = "2026-12-09T20:30:00-05:00";  // 2026-12-10 in Beijing
  expect_error(json_errors(doc), "formed_at", "after the day of approval");
  // A formed_at or approved_at that is itself wrong is reported once, as such.
  doc["approval"]["approved_at"] = "2026-12-10";
  const FieldErrors errors = json_errors(doc);
  EXPECT_FALSE(std::any_of(errors.begin(), errors.end(), [](const FieldError& e) { return e.path == "formed_at"; }));
}

TEST(ReleaseDates, TimestampsWithoutOffsetAreRejected) {
  json doc = base_json();
  doc["approval"]["approved_at"] = "2026-12-10T08:30:00";
  expect_error(json_errors(doc), "approval.approved_at", "offset");
  doc["approval"]["approved_at"] = "2026-12-10";
  expect_error(json_errors(doc), "approval.approved_at", "2026-03-02T09:30:00+08:00");
  // TOML local date-time: no offset either.
  expect_error(toml_errors(toml_variant("publish_at", "publish_at = 2026-12-10T09:00:00\n")), "publish_at",
               "offset");
  expect_error(toml_errors(toml_variant("publish_at", "publish_at = 09:00:00\n")), "publish_at", "timestamp");
}

TEST(ReleaseDates, TomlNativeAndStringFormsAgree) {
  auto native = parse_release_toml(base_toml);
  auto strings = parse_release_toml(toml_variant("formed_at", "formed_at = \"2026-12-08\"\n"));
  ASSERT_TRUE(native);
  ASSERT_TRUE(strings) << join(strings.error());
  EXPECT_EQ(*native, *strings);
}

TEST(ReleaseUnknown, UnknownFieldsAtAnyLevel) {
  json doc = base_json();
  doc["author"] = "x";
  doc["approval"]["signer"] = "张三";
  const FieldErrors errors = json_errors(doc);
  expect_error(errors, "author", "unknown field");
  expect_error(errors, "approval.signer", "unknown field");

  expect_error(toml_errors(toml_variant("", "titel = \"typo\"\n")), "titel", "unknown field");
}

TEST(ReleaseStrings, InvalidUtf8InJsonNamesTheField) {
  std::string text = base_json().dump();
  const std::string title = "临沂市政务公开工作成绩单";
  const std::size_t pos = text.find(title);
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, title.size(), "bad \xC3\x28 bytes");
  auto r = parse_release_json(text);
  ASSERT_FALSE(r);
  expect_error(r.error(), "title", "UTF-8");
  EXPECT_EQ(r.error().size(), 1u) << join(r.error());
}

TEST(ReleaseStrings, DirectionControlsAndNoncharactersAreRefused) {
  struct Case {
    const char* field;
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"title", "关于\u202e知通的\u202c放假安排", "control character U+202E"},  // shows reversed: "Trojan Source"
      {"summary", "摘要\u2066隔离\u2069", "control character U+2066"},
      {"body", "正文\u202a嵌入", "control character U+202A"},
      {"title", "关于\u2069", "U+2069"},
      {"title", "关于\u200f通知", "control character U+200F"},  // a right-to-left mark
      {"title", "关于\u061c通知", "U+061C"},
      {"title", "关于\ufffe通知", "U+FFFE"},  // noncharacters are not for interchange
      {"title", "关于\ufdd0通知", "U+FDD0"},
      {"title", "关于\U0010FFFF通知", "U+10FFFF"},
  };
  for (const auto& c : cases) {
    json doc = base_json();
    doc[c.field] = c.text;
    expect_error(json_errors(doc), c.field, c.reason);
  }
  json doc = base_json();
  doc["title"] = "左—右\u2028“引号”\u2030";  // neighbours of the ranges are ordinary characters
  EXPECT_TRUE(json_errors(doc).empty()) << join(json_errors(doc));
}

TEST(ReleaseStrings, ControlCharactersOnlyNewlineAndTabInLongText) {
  json doc = base_json();
  doc["title"] = "标题\u0007";
  expect_error(json_errors(doc), "title", "U+0007");
  doc["title"] = "第一行\n第二行";
  expect_error(json_errors(doc), "title", "control character U+000A");
  doc = base_json();
  doc["summary"] = "摘要\r\n";
  expect_error(json_errors(doc), "summary", "U+000D");
  doc = base_json();
  doc["abstract"] = "概述\u0085";  // C1 control (NEL)
  expect_error(json_errors(doc), "abstract", "U+0085");
  doc["abstract"] = "概述\n\t第二行";
  EXPECT_TRUE(json_errors(doc).empty());
  doc["subjects"] = {"综合政务", "bad\u001b[0m"};
  expect_error(json_errors(doc), "subjects[1]", "U+001B");
}

TEST(ReleaseStrings, WrongTypesAreNamed) {
  json doc = base_json();
  doc["title"] = 5;
  expect_error(json_errors(doc), "title", "expected a string, got an integer");
  doc = base_json();
  doc["images"] = "cover.jpg";
  expect_error(json_errors(doc), "images", "array");
  doc = base_json();
  doc["approval"] = "ok";
  expect_error(json_errors(doc), "approval", "table");
}

TEST(ReleaseLimitsTest, OverLimitFieldsNameTheLimit) {
  const auto repeat = [](std::string_view piece, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += piece;
    return s;
  };
  struct Case {
    const char* field;
    json value;
    const char* limit;
  };
  const Case cases[] = {
      {"title", repeat("沂", ReleaseLimits::title_chars + 1), "title_chars"},
      {"summary", repeat("沂", ReleaseLimits::summary_chars + 1), "summary_chars"},
      {"abstract", repeat("沂", ReleaseLimits::abstract_chars + 1), "abstract_chars"},
      {"body", repeat("a", ReleaseLimits::body_bytes + 1), "body_bytes"},
      {"issuer", repeat("沂", ReleaseLimits::short_field_chars + 1), "short_field_chars"},
      {"link", "https://www.linyi.gov.cn/" + repeat("a", ReleaseLimits::link_chars), "link_chars"},
  };
  for (const Case& c : cases) {
    json doc = base_json();
    doc[c.field] = c.value;
    expect_error(json_errors(doc), c.field, c.limit);
  }
  // Exactly at the limit is fine.
  json doc = base_json();
  doc["title"] = repeat("沂", ReleaseLimits::title_chars);
  EXPECT_TRUE(json_errors(doc).empty());

  doc = base_json();
  doc["subjects"] = json::array();
  for (std::size_t i = 0; i <= ReleaseLimits::max_subjects; ++i) doc["subjects"].push_back("主题");
  expect_error(json_errors(doc), "subjects", "max_subjects");
  doc = base_json();
  doc["images"] = json::array();
  for (std::size_t i = 0; i <= ReleaseLimits::max_images; ++i) doc["images"].push_back("img/a.jpg");
  expect_error(json_errors(doc), "images", "max_images");
}

TEST(ReleaseLimitsTest, OversizedDocumentIsRejectedUnread) {
  std::string text(ReleaseLimits::document_bytes + 1, ' ');
  auto r = parse_release_toml(text);
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u);
  EXPECT_EQ(r.error()[0].path, "");
  EXPECT_NE(r.error()[0].reason.find("document_bytes"), std::string::npos);
}

TEST(ReleaseSyntax, TomlSyntaxErrorGivesLineAndColumn) {
  auto r = parse_release_toml("id = \"a\"\nkind = \"news\"\ntitle = = \"x\"\n");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u);
  EXPECT_EQ(r.error()[0].path, "");
  EXPECT_NE(r.error()[0].reason.find("line 3"), std::string::npos) << r.error()[0].reason;
  EXPECT_NE(r.error()[0].reason.find("column"), std::string::npos);
}

TEST(ReleaseSyntax, JsonSyntaxErrorsAndNonObjects) {
  auto r = parse_release_json("{\"id\": ");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u);
  EXPECT_EQ(r.error()[0].path, "");
  EXPECT_NE(r.error()[0].reason.find("JSON syntax error"), std::string::npos);

  r = parse_release_json("[1, 2]");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error()[0].reason.find("JSON object"), std::string::npos);

  std::string deep(100, '[');
  r = parse_release_json("{\"id\": " + deep + std::string(100, ']') + "}");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error()[0].reason.find("nested"), std::string::npos);
}

TEST(ReleaseErrors, AllProblemsAreReportedAtOnce) {
  json doc = base_json();
  doc.erase("title");
  doc["kind"] = "policy_interpretation";
  doc["disclosure"] = "withheld";
  doc["targets"]["microblog"] = {"lead", ""};
  doc["approval"]["approved_at"] = "yesterday";
  const FieldErrors errors = json_errors(doc);
  EXPECT_EQ(errors.size(), 5u) << join(errors);
  for (const char* path : {"title", "interprets", "disclosure", "targets.microblog[1]", "approval.approved_at"}) {
    EXPECT_NE(at(errors, path), nullptr) << path << " missing from: " << join(errors);
  }
}

TEST(ReleaseErrors, JoinFormatsPathAndReason) {
  EXPECT_EQ(join({{"title", "required field is missing"}, {"", "whole document"}}),
            "title: required field is missing; whole document");
  EXPECT_EQ(join({}), "");
}

TEST(ReleaseDigest, StableAndContentSensitive) {
  auto a = parse_release_toml(base_toml);
  auto b = parse_release_json(base_json().dump());
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  const std::string digest = content_digest(*a);
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(digest, content_digest(*b));
  EXPECT_EQ(digest, content_digest(*a));

  Release changed = *a;
  changed.title += "（更正）";
  EXPECT_NE(content_digest(changed), digest);
  changed = *a;
  changed.targets["microblog"].push_back("lanshan_fabu");
  EXPECT_NE(content_digest(changed), digest);
  changed = *a;
  changed.approval.approved_at.unix_seconds += 1;
  EXPECT_NE(content_digest(changed), digest);
}

TEST(ReleaseEnums, NamesAndIsoForms) {
  EXPECT_EQ(to_string(ReleaseKind::policy_interpretation), "policy_interpretation");
  EXPECT_EQ(to_string(ReleaseKind::emergency), "emergency");
  EXPECT_EQ(to_string(Disclosure::proactive), "主动公开");
  EXPECT_EQ(to_string(Disclosure::withheld), "不予公开");
  EXPECT_EQ((Date{2026, 5, 9}).iso(), "2026-05-09");
  EXPECT_EQ((Timestamp{0, 480}).iso(), "1970-01-01T08:00:00+08:00");
}

}  // namespace
}  // namespace fabu
