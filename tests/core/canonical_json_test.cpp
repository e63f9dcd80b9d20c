// RFC 8785 (JCS): the RFC's own examples and its number table (Appendix B).
#include "core/canonical_json.h"

#include <bit>
#include <cstdint>

#include <gtest/gtest.h>

namespace fabu {
namespace {

std::string canonical(std::string_view json) {
  auto out = canonicalize_json(json);
  EXPECT_TRUE(out.has_value()) << (out ? "" : out.error());
  return out.value_or("");
}

TEST(CanonicalJson, Rfc8785Section3_2_2Example) {
  const char* input = R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })";
  EXPECT_EQ(canonical(input),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST(CanonicalJson, Rfc8785Section3_2_3SortsMembersByUtf16CodeUnits) {
  const char* input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  // U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16, after it in UTF-8 or code points.
  EXPECT_EQ(canonical(input),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
            "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
            "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\",\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST(CanonicalJson, Rfc8785AppendixBNumbers) {
  const std::pair<std::uint64_t, const char*> table[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& [bits, expected] : table) {
    EXPECT_EQ(canonical_number(std::bit_cast<double>(bits)), expected) << std::hex << bits;
  }
}

TEST(CanonicalJson, IntegersAreNumbersAndWhitespaceAndOrderDoNotMatter) {
  EXPECT_EQ(canonical(R"({ "b" : 10 , "a" : [ 1.0 , -0 , 1e2 ] })"), R"({"a":[1,0,100],"b":10})");
  EXPECT_EQ(canonical(R"({"a":{"z":1,"y":{"x":true}}})"), R"({"a":{"y":{"x":true},"z":1}})");
}

TEST(CanonicalJson, NumbersBeyond64BitIntegersReadBackAsTheSameNumber) {
  // JCS writes 1e20 with all its digits; that canonical form is itself input and must give the same.
  for (std::string_view json : {R"({"n":1e20})", R"({"n":-2.5e20})", R"({"n":123456789012345678901234})"}) {
    const std::string once = canonical(json);
    EXPECT_EQ(canonical(once), once) << json;
  }
  EXPECT_EQ(canonical(R"({"n":1e20})"), R"({"n":100000000000000000000})");
  EXPECT_EQ(canonical(R"({"n":123456789012345678901234})"), R"({"n":1.2345678901234569e+23})");
}

TEST(CanonicalJson, EscapesOnlyWhatJcsEscapes) {
  // Control characters as \u00xx in lowercase, the named escapes, and nothing else (no \/ or \u2028).
  EXPECT_EQ(canonical("{\"s\":\"\\u0001\\b\\f\\t/\\u2028\\u007f\"}"),
            "{\"s\":\"\\u0001\\b\\f\\t/\xE2\x80\xA8\x7F\"}");
}

TEST(CanonicalJson, RefusesWhatTheReleaseParserRefuses) {
  EXPECT_FALSE(canonicalize_json(R"({"a":1,"a":2})").has_value());
  EXPECT_FALSE(canonicalize_json(R"({"a":1e999})").has_value());
  EXPECT_FALSE(canonicalize_json(std::string("{\"a\":1}\0{\"b\":2}", 15)).has_value());
  EXPECT_FALSE(canonicalize_json("[1,2]").has_value());
}

}  // namespace
}  // namespace fabu
