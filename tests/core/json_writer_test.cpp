// JsonObjectWriter against nlohmann::json's own dump (the log's old writer): the same bytes for the
// same object, malformed UTF-8 and control characters included.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "core/json_writer.h"

namespace fabu::testing {
namespace {

std::string nlohmann_string(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string written_string(const std::string& text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonWriter, EscapesAsNlohmannDoes) {
  const std::vector<std::string> cases = {
      "",
      "plain ascii",
      "quote \" backslash \\ slash /",
      std::string("\b\f\n\r\t\x01\x1f\x7f", 8),
      std::string("nul \0 inside", 12),
      "临沂发布 · 政务公开 😀",
      "\xC3\x28",                  // a 2-byte lead followed by a non-continuation
      "\xE0\x80\xAF",              // overlong
      "\xED\xA0\x80",              // a surrogate
      "\xF4\x90\x80\x80",          // above U+10FFFF
      "\xF0\x9F\x98",              // cut short at the end
      "abc\xE4\xB8",               // cut short after text
      "\x80\x80\xBF",              // lone continuation bytes
      "\xC0\xAF \xC1\xBF \xF5\x80 \xFF\xFE",
      "\xE4\xB8\x41\xE4\xB8\xAD",  // a broken sequence, then a good one
  };
  for (const auto& text : cases) EXPECT_EQ(written_string(text), nlohmann_string(text)) << "input bytes: " << text.size();
}

TEST(JsonWriter, RandomBytesMatchNlohmann) {
  std::mt19937 rng(20261206);
  // Bytes drawn mostly from the interesting ranges: ASCII controls, lead and continuation bytes.
  const std::string alphabet = std::string("a\"\\\n\x01\x1f\x7f\x80\xBF\xC2\xDF\xE0\xE1\xED\xEF\xF0\xF4\xF5\xFF\xA0\x9F\x90\x8F", 23);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), length(0, 12);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (std::size_t i = length(rng); i > 0; --i) text += alphabet[pick(rng)];
    ASSERT_EQ(written_string(text), nlohmann_string(text)) << "round " << round;
  }
}

TEST(JsonWriter, ObjectHasMembersInOrderAndParses) {
  std::string out;
  JsonObjectWriter writer(out);
  writer.number("attempt", 3).flag("in_doubt", true).text("note", "a \"quoted\"\nnote").number("big", -9007199254740993);
  writer.close();
  EXPECT_EQ(out, R"({"attempt":3,"in_doubt":true,"note":"a \"quoted\"\nnote","big":-9007199254740993})");
  const auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["big"].get<std::int64_t>(), -9007199254740993);
}

TEST(JsonWriter, EmptyObject) {
  std::string out = "x";
  JsonObjectWriter(out).close();
  EXPECT_EQ(out, "x{}");
}

}  // namespace
}  // namespace fabu::testing
