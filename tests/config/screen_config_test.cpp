// `[screen]` of fabu.toml: defaults, values, and errors located at file:line:column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"

namespace fabu {
namespace {

using ::testing::HasSubstr;

TEST(ScreenConfigTest, DefaultsScreenWithTheSecrecyReviewAsOverrideRole) {
  auto loaded = parse_config("", "t.toml");
  ASSERT_TRUE(loaded.has_value());
  const ScreenPolicy& screen = (*loaded)->screen;
  EXPECT_TRUE(screen.enabled);
  EXPECT_TRUE(screen.sensitive_terms.empty());
  EXPECT_TRUE(screen.public_numbers.empty());
  EXPECT_EQ(screen.override_roles, std::vector<std::string>{"保密审查"});
  EXPECT_EQ(screen.credit_codes, CreditCodeMode::warn);
}

TEST(ScreenConfigTest, ValuesAreRead) {
  auto loaded = parse_config(R"([screen]
enabled = false
sensitive_terms = ["内部资料"]
public_numbers = ["12345", "0539-12345", "(0539) 8888888"]
override_roles = ["保密审查", "主要负责人"]
credit_codes = "ignore"
)",
                             "t.toml");
  ASSERT_TRUE(loaded.has_value());
  const ScreenPolicy& screen = (*loaded)->screen;
  EXPECT_FALSE(screen.enabled);
  EXPECT_EQ(screen.sensitive_terms, std::vector<std::string>{"内部资料"});
  EXPECT_EQ(screen.public_numbers.size(), 3u);
  EXPECT_EQ(screen.override_roles.size(), 2u);
  EXPECT_EQ(screen.credit_codes, CreditCodeMode::ignore);
}

TEST(ScreenConfigTest, ProblemsAreReportedWhereTheyAre) {
  auto loaded = parse_config(R"([screen]
enabled = "yes"
sensitive_terms = ["", "秘密"]
public_numbers = ["12345", "hotline", 12345]
credit_codes = "hold"
override = []
)",
                             "t.toml");
  ASSERT_FALSE(loaded.has_value());
  const ConfigErrors& errors = loaded.error();
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_EQ(errors[0].to_string(), "t.toml:2:11: screen.enabled: expected a boolean (true or false), got a string");
  EXPECT_EQ(errors[1].to_string(), "t.toml:3:20: screen.sensitive_terms[0]: '' must not be empty");
  EXPECT_THAT(errors[2].to_string(), HasSubstr("t.toml:4:28: screen.public_numbers[1]: 'hotline' must be a phone number"));
  EXPECT_EQ(errors[3].to_string(), "t.toml:4:39: screen.public_numbers[2]: expected a string");
  EXPECT_EQ(errors[4].to_string(), "t.toml:5:16: screen.credit_codes: 'hold' is not one of warn, ignore");
  EXPECT_THAT(errors[5].to_string(), HasSubstr("t.toml:6:1:"));
  EXPECT_THAT(errors[5].to_string(), HasSubstr("screen.override"));
}

}  // namespace
}  // namespace fabu
