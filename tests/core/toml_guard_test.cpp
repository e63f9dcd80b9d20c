// The guard in front of toml++ 3.3.0. Run under UBSan (FABU_SANITIZE=ON) these tests would stop with
// "execution reached an unreachable program point" if a hazard reached toml++.
#include "core/toml_guard.h"

#include <gtest/gtest.h>

#include <string>

#include "core/release.h"

namespace fabu {
namespace {

std::string toml_reason(std::string_view text) {
  auto parsed = parse_release_toml(text);
  if (parsed) return "accepted";
  return join(parsed.error());
}

TEST(TomlGuard, OneCharacterDocumentsFromUpstreamIssue295AreRefusedBeforeToml) {
  // é (U+00E9), 〔 (U+3014, in every 文号), and the two sequences of the upstream report.
  for (std::string_view doc : {"é", "〔", "\xCC\xAA", "\xCF\xAA", "\xEF\xB9\x90", "〕"}) {
    const auto hazard = find_toml_hazard(doc);
    ASSERT_TRUE(hazard) << doc;
    EXPECT_EQ(hazard->line, 1u);
    EXPECT_EQ(hazard->column, 1u);
    EXPECT_NE(hazard->reason.find("outside a quoted string"), std::string::npos) << hazard->reason;
    EXPECT_NE(toml_reason(doc).find("TOML syntax error at line 1, column 1"), std::string::npos) << doc;
  }
}

TEST(TomlGuard, TheSameCharactersWhereWhitespaceMayStand) {
  EXPECT_TRUE(find_toml_hazard("a = 1é"));
  EXPECT_TRUE(find_toml_hazard("a = [1, 〔]"));
  EXPECT_TRUE(find_toml_hazard("a.é = 1"));
  EXPECT_TRUE(find_toml_hazard("a = true〔"));
  EXPECT_TRUE(find_toml_hazard("a = \"\"\"\\é\"\"\""));
  EXPECT_TRUE(find_toml_hazard("a = \"\"\"\\\n   é\"\"\""));
  EXPECT_TRUE(find_toml_hazard("a = \"\"\"\\ \n\n\t〔〕\"\"\""));
  // A bare value runs to the next whitespace, ']', '}', ',' or '#' for toml++, quotes included.
  EXPECT_TRUE(find_toml_hazard("a = 1\"é\""));
  EXPECT_TRUE(find_toml_hazard("a = 1.\"〔\""));
  EXPECT_TRUE(find_toml_hazard("a = [1\"é\"]"));
  EXPECT_TRUE(find_toml_hazard("\"é\"=+{x\"é\"'inf〔\"é\"infnan"));
  EXPECT_TRUE(find_toml_hazard("a = 1979-05-27[['''ﻼ'"));
  const auto hazard = find_toml_hazard("title = \"x\"\nb = 2\n  c = 3 〔");
  ASSERT_TRUE(hazard);
  EXPECT_EQ(hazard->line, 3u);
  EXPECT_EQ(hazard->column, 9u);
}

TEST(TomlGuard, AssertionsOfTheParserAreNotReached) {
  EXPECT_TRUE(find_toml_hazard("[&"));
  EXPECT_TRUE(find_toml_hazard("x = 1\n[[["));
  EXPECT_TRUE(find_toml_hazard("[ &]"));
  EXPECT_TRUE(find_toml_hazard("a = [}"));
  EXPECT_TRUE(find_toml_hazard("a = [1, }"));
  EXPECT_TRUE(find_toml_hazard("a = 1979-05-27T:"));
  EXPECT_TRUE(find_toml_hazard("a = 1979-05-27t.:"));
}

TEST(TomlGuard, StringsAndCommentsMayHoldAnyCharacter) {
  for (std::string_view doc : {"a = \"é〔2026〕\"", "a = 'é'", "# é 〔\na = 1", "a = \"\"\"\né\n\"\"\"",
                               "a = '''\\é'''", "\"é\" = 1", "a = \"\"\"\\\n  中文〔2026〕\"\"\"",
                               "\xEF\xBB\xBF" "a = 1", "a = \"\"\"x\"\"\"\"\"", "[t]\na = [[1], {b = 2}]",
                               "a.\"é\" = 1", "[a.\"〔\"]", "[[a.\"〔\"]]", "1979-05-27t = 1",
                               "a = {b = \"é\", c = [\"〔\"]}", "a = [\n  \"é\", # 〔\n  \"〔\",\n]"}) {
    EXPECT_FALSE(find_toml_hazard(doc)) << doc << ": " << find_toml_hazard(doc)->reason;
  }
}

TEST(TomlGuard, NestingNulAndBadUtf8) {
  EXPECT_TRUE(find_toml_hazard("a = " + std::string(40, '[') + std::string(40, ']')));
  EXPECT_FALSE(find_toml_hazard("a = " + std::string(10, '[') + std::string(10, ']')));
  EXPECT_NE(find_toml_hazard(std::string("a = 1\0b", 7))->reason.find("NUL byte at byte 5"), std::string::npos);
  EXPECT_NE(find_toml_hazard("a = \"\xC0\xAF\"")->reason.find("not valid UTF-8 at byte 5"), std::string::npos);
}

TEST(TomlGuard, MirrorsTheLookupOfTheFaultyVersion) {
  EXPECT_TRUE(toml_whitespace_lookup_undefined(U'é'));
  EXPECT_TRUE(toml_whitespace_lookup_undefined(U'〔'));
  EXPECT_TRUE(toml_whitespace_lookup_undefined(0x32A));
  EXPECT_FALSE(toml_whitespace_lookup_undefined(0xA0));    // no-break space: answered
  EXPECT_FALSE(toml_whitespace_lookup_undefined(0x3000));  // ideographic space: answered
  EXPECT_FALSE(toml_whitespace_lookup_undefined(0xFEFF));
  EXPECT_FALSE(toml_whitespace_lookup_undefined(U'中'));
  EXPECT_FALSE(toml_whitespace_lookup_undefined(U'a'));
}

TEST(TomlGuard, AReleaseWithADocNumberStillParses) {
  const std::string_view doc = R"(id = "g-1"
kind = "notice"
title = "关于〔2026〕12号文件的说明"
summary = "见临政办发〔2026〕12号。"
body = """\
  〔2026〕正文"""
issuer = "临沂市人民政府办公室"
doc_number = "临政办发〔2026〕12号"
formed_at = 2026-12-08
disclosure = "主动公开"
targets.portal = ["zdly"]
[approval]
approver = "王晓明"
approved_at = 2026-12-10T08:30:00+08:00
)";
  // The body's first character after the line-ending backslash is 〔: refused, with the reason.
  EXPECT_NE(toml_reason(doc).find("after a line-ending backslash"), std::string::npos) << toml_reason(doc);
  std::string fine(doc);
  fine.replace(fine.find("  〔2026〕正文"), std::string("  〔").size(), "  正文〔");
  EXPECT_EQ(toml_reason(fine), "accepted");
}

}  // namespace
}  // namespace fabu
