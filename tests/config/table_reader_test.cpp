#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"

namespace fabu {
namespace {

using ::testing::HasSubstr;

// How an adapter factory uses TableReader: one reader per nested table, prefixed with its path.
class TableReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    document_ = toml::parse(std::string_view(R"([channels.microblog]
type = "weibo"
tags = ["a", 2, "c"]
page_size = 20
ratio = 3
enabled = "yes"
defaults = "post"
  [[channels.microblog.accounts]]
  id = "a"
  [[channels.microblog.accounts]]
  id = "b"
  [[channels.microblog.accounts]]
  id = "c"
  uid = 5000000003
  tokn = "x"
)"),
                            std::string_view("conf/fabu.toml"));
    channel_ = document_["channels"]["microblog"].as_table();
    ASSERT_NE(channel_, nullptr);
  }

  const toml::table& account(std::size_t i) { return *(*channel_)["accounts"][i].as_table(); }

  toml::table document_;
  const toml::table* channel_ = nullptr;
  ConfigErrors errors_;
};

TEST_F(TableReaderTest, PathsNameNestedArrayElements) {
  TableReader top(*channel_, "conf/fabu.toml", "channels.microblog", errors_);
  EXPECT_EQ(top.path("lead"), "channels.microblog.lead");
  TableReader third(account(2), "conf/fabu.toml", "channels.microblog.accounts[2]", errors_);
  EXPECT_EQ(third.path("uid"), "channels.microblog.accounts[2].uid");
  ConfigErrors none;
  EXPECT_EQ(TableReader(*channel_, "f", "", none).path("x"), "x");
}

TEST_F(TableReaderTest, WrongTypeInArrayElementNamesTheFullPathAndPosition) {
  TableReader third(account(2), "conf/fabu.toml", "channels.microblog.accounts[2]", errors_);
  EXPECT_EQ(third.string("uid", "fallback"), "fallback");
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].to_string(),
            "conf/fabu.toml:14:9: channels.microblog.accounts[2].uid: expected a string, got an integer");
}

TEST_F(TableReaderTest, UnknownKeysInNestedTables) {
  TableReader third(account(2), "conf/fabu.toml", "channels.microblog.accounts[2]", errors_);
  third.reject_unknown({"id", "uid"});
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].to_string(), "conf/fabu.toml:15:3: unknown key 'channels.microblog.accounts[2].tokn'");
}

TEST_F(TableReaderTest, RequiredStringMissingIsReportedAtTheTable) {
  TableReader first(account(0), "conf/fabu.toml", "channels.microblog.accounts[0]", errors_);
  EXPECT_EQ(first.string("name", "", true), "");
  EXPECT_EQ(first.string("id", "", true), "a");
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].message, "missing required key 'channels.microblog.accounts[0].name'");
  EXPECT_EQ(errors_[0].line, 8);
}

TEST_F(TableReaderTest, StringsReportsEachBadElement) {
  TableReader r(*channel_, "conf/fabu.toml", "channels.microblog", errors_);
  EXPECT_EQ(r.strings("tags"), (std::vector<std::string>{"a", "c"}));
  EXPECT_TRUE(r.strings("absent").empty());
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].message, "channels.microblog.tags[1]: expected a string, got an integer");
  EXPECT_EQ(errors_[0].line, 3);
  EXPECT_EQ(errors_[0].column, 14);
}

TEST_F(TableReaderTest, NumbersBooleansTablesArrays) {
  TableReader r(*channel_, "conf/fabu.toml", "channels.microblog", errors_);
  EXPECT_EQ(r.integer("page_size", 5, 1, 100), 20);
  EXPECT_EQ(r.integer("page_size", 5, 1, 10), 5);           // out of range: default back
  EXPECT_DOUBLE_EQ(r.number("ratio", 0.5, 0, 10), 3.0);     // integers are numbers too
  EXPECT_TRUE(r.boolean("enabled", true));                  // wrong type: default back
  EXPECT_EQ(r.table("defaults"), nullptr);
  EXPECT_EQ(r.array("type"), nullptr);
  EXPECT_NE(r.array("accounts"), nullptr);
  EXPECT_EQ(r.table("absent"), nullptr);
  ASSERT_EQ(errors_.size(), 4u);
  EXPECT_EQ(errors_[0].message, "channels.microblog.page_size: 20 is out of range 1..10");
  EXPECT_EQ(errors_[1].message, "channels.microblog.enabled: expected a boolean (true or false), got a string");
  EXPECT_EQ(errors_[2].message, "channels.microblog.defaults: expected a table, got a string");
  EXPECT_EQ(errors_[3].message, "channels.microblog.type: expected an array, got a string");
}

TEST_F(TableReaderTest, ErrorAtWithoutNodeUsesTheTablePosition) {
  TableReader second(account(1), "conf/fabu.toml", "channels.microblog.accounts[1]", errors_);
  second.error_at(nullptr, "channels.microblog.accounts[1]: duplicate id 'b'");
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].line, 10);
  EXPECT_EQ(errors_[0].file, "conf/fabu.toml");
}

TEST(TableReaderSecretTest, SecretVariantsAndRequiredness) {
  ::setenv("FABU_TEST_TOKEN", "tok-from-env", 1);
  ::unsetenv("FABU_TEST_NO_TOKEN");
  toml::table doc = toml::parse(std::string_view(R"(
[a]
token = "inline"
[b]
token_env = "FABU_TEST_TOKEN"
[c]
[d]
token_env = "FABU_TEST_NO_TOKEN"
)"));
  ConfigErrors errors;
  EXPECT_EQ(TableReader(*doc["a"].as_table(), "f.toml", "a", errors).secret("token", true), "inline");
  EXPECT_EQ(TableReader(*doc["b"].as_table(), "f.toml", "b", errors).secret("token", true), "tok-from-env");
  EXPECT_EQ(TableReader(*doc["c"].as_table(), "f.toml", "c", errors).secret("token", false), "");
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(TableReader(*doc["c"].as_table(), "f.toml", "c", errors).secret("token", true), "");
  EXPECT_EQ(TableReader(*doc["d"].as_table(), "f.toml", "d", errors).secret("token", true), "");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "missing required key: set one of 'c.token', 'c.token_env' or 'c.token_file'");
  EXPECT_EQ(errors[1].message, "d.token_env: environment variable 'FABU_TEST_NO_TOKEN' is not set");
  ::unsetenv("FABU_TEST_TOKEN");
}

TEST(TableReaderPathTest, FilePathsResolveAgainstTheConfigFolder) {
  toml::table doc = toml::parse(std::string_view("rel = \"../out/portal\"\nabs = \"/srv/www\"\n"));
  ConfigErrors errors;
  TableReader r(doc, "deploy/conf/fabu.toml", "", errors);
  EXPECT_EQ(r.file_path("rel"), "deploy/out/portal");
  EXPECT_EQ(r.file_path("abs"), "/srv/www");
  EXPECT_EQ(r.file_path("absent", "logs/x.log"), "deploy/conf/logs/x.log");
  EXPECT_EQ(r.file_path("absent"), "");
  TableReader bare(doc, "fabu.toml", "", errors);
  EXPECT_EQ(bare.file_path("rel"), "../out/portal");
  EXPECT_TRUE(errors.empty());
}

}  // namespace
}  // namespace fabu
