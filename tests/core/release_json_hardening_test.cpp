// JSON input that the DOM parser silently accepted or threw on: each is now a FieldError that names
// the field, and no input makes parse_release_json throw.
#include <gtest/gtest.h>

#include <string>

#include "core/release.h"

namespace fabu {
namespace {

constexpr std::string_view valid = R"({"id":"h-1","kind":"news","title":"标题","summary":"摘要","issuer":"临沂市人民政府办公室",
"formed_at":"2026-12-08","disclosure":"proactive","targets":{"portal":["zdly"]},
"approval":{"approver":"王晓明","approved_at":"2026-12-10T08:30:00+08:00"}})";

FieldErrors errors_of(std::string_view text) {
  auto parsed = parse_release_json(text);
  return parsed ? FieldErrors{} : parsed.error();
}

// The one error expected, as "path: reason".
std::string only_error(std::string_view text) {
  const FieldErrors errors = errors_of(text);
  if (errors.size() != 1) return "expected one error, got: " + join(errors);
  return join(errors);
}

std::string with_title(std::string_view raw_value) {
  std::string doc(valid);
  const std::string from = R"("title":"标题")";
  doc.replace(doc.find(from), from.size(), "\"title\":" + std::string(raw_value));
  return doc;
}

TEST(ReleaseJsonHardening, TheValidDocumentParses) { EXPECT_TRUE(parse_release_json(valid)); }

TEST(ReleaseJsonHardening, NumbersOutOfRangeNameTheField) {
  EXPECT_EQ(only_error(with_title("1e999")), "title: number 1e999 is out of range for a 64-bit floating-point number");
  EXPECT_EQ(only_error(with_title("-1e999")), "title: number -1e999 is out of range for a 64-bit floating-point number");
  EXPECT_EQ(only_error(with_title("123456789012345678901234567890")),
            "title: expected a string, got a number");
  EXPECT_EQ(only_error(with_title("1e308")), "title: expected a string, got a number");
}

TEST(ReleaseJsonHardening, ANulByteEndsNothing) {
  std::string doc = std::string(valid) + std::string(1, '\0') + std::string(valid);
  EXPECT_EQ(only_error(doc), "contains a NUL byte at byte " + std::to_string(valid.size()));
}

TEST(ReleaseJsonHardening, DuplicateKeysAreRefusedWithTheirPath) {
  std::string doc(valid);
  doc.insert(1, R"("title":"另一个",)");
  EXPECT_EQ(only_error(doc), "title: duplicate key: the same object names it more than once");
  std::string nested(valid);
  nested.replace(nested.find(R"("approver")"), 0, R"("approver":"张三",)");
  EXPECT_EQ(only_error(nested), "approval.approver: duplicate key: the same object names it more than once");
}

TEST(ReleaseJsonHardening, NestingTopLevelAndEmptyDocuments) {
  std::string path = "title";
  for (int level = 1; level < 32; ++level) path += "[0]";  // the root object is the first level
  EXPECT_EQ(only_error(with_title(std::string(40, '[') + std::string(40, ']'))),
            path + ": nested deeper than 32 levels");
  EXPECT_EQ(only_error("[1,2]"), "a release must be a JSON object, not an array");
  EXPECT_EQ(only_error("\"text\""), "a release must be a JSON object, not a string");
  EXPECT_EQ(only_error("42"), "a release must be a JSON object, not an integer");
  EXPECT_EQ(only_error("null"), "a release must be a JSON object, not null");
  EXPECT_EQ(only_error(""), "document is empty");
  EXPECT_EQ(only_error(" \n"), "document is empty");
  EXPECT_NE(only_error(R"({"id":"h-1")").find("JSON syntax error at byte 12"), std::string::npos)
      << only_error(R"({"id":"h-1")");
  EXPECT_NE(only_error(std::string(valid) + "}").find("JSON syntax error"), std::string::npos);
  EXPECT_NE(only_error("\xEF\xBB\xBF" + std::string(valid)).find("byte order mark"), std::string::npos);
}

TEST(ReleaseJsonHardening, LongValuesAreCutInReasons) {
  const std::string long_key(100000, 'k');
  std::string doc(valid);
  doc.insert(1, "\"" + long_key + "\":1,");
  const std::string reason = only_error(doc);
  EXPECT_LT(reason.size(), 200u) << reason.substr(0, 200);
  EXPECT_NE(reason.find("(100000 bytes, at most 64): unknown field"), std::string::npos) << reason.substr(0, 200);
}

}  // namespace
}  // namespace fabu
