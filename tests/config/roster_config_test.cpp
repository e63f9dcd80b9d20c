// `[[spokespersons]]` and `[calendar]` of fabu.toml.
#include <filesystem>

#include <gtest/gtest.h>

#include "config/config.h"
#include "tests/config/config_test_support.h"

namespace fabu {
namespace {

TEST(RosterConfigTest, TheExampleRosterLoads) {
  auto loaded = load_config(std::string(FABU_SOURCE_DIR) + "/config/fabu.example.toml");
  ASSERT_TRUE(loaded.has_value()) << joined(loaded.error());
  const Config& config = **loaded;
  ASSERT_GE(config.spokespersons.size(), 4u);
  for (const auto level : kSpokespersonLevels) {
    EXPECT_TRUE(std::any_of(config.spokespersons.begin(), config.spokespersons.end(),
                            [&](const Spokesperson& s) { return s.level == level; }))
        << to_string(level);
  }
  const Spokesperson* first = config.spokesperson(config.spokespersons.front().id);
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(first->title.empty());
  EXPECT_EQ(config.spokesperson("nobody"), nullptr);
  EXPECT_TRUE(std::filesystem::equivalent(config.calendar.holidays_dir, std::string(FABU_SOURCE_DIR) + "/config/holidays"))
      << config.calendar.holidays_dir;
}

TEST(RosterConfigTest, EveryWrongFieldIsNamedWithItsReason) {
  auto result = parse_config(R"([[spokespersons]]
id = "wang-city"
name = "王某"
title = "市政府副秘书长"
unit = "临沂市人民政府办公室"
level = "city"

[[spokespersons]]
id = "wang-city"
name = ""
title = "局长"
unit = "市教育局"
level = "province"

[[spokespersons]]
id = "Bad Id"
title = "主任"
unit = "某区"
level = "county"
age = 50
)",
                             "t.toml");
  ASSERT_FALSE(result.has_value());
  const std::string all = joined(result.error());
  EXPECT_NE(all.find("t.toml:9:6: spokespersons[1].id: 'wang-city' is already used by another spokesperson"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("t.toml:10:8: spokespersons[1].name: must not be empty"), std::string::npos) << all;
  EXPECT_NE(all.find("t.toml:13:9: spokespersons[1].level: 'province' is not one of city, department, county, zone"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("t.toml:16:6: spokespersons[2].id: 'Bad Id' must match [a-z0-9_-]{1,64}"), std::string::npos)
      << all;
  EXPECT_NE(all.find("missing required key 'spokespersons[2].name'"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown key 'spokespersons[2].age'"), std::string::npos) << all;
}

TEST(RosterConfigTest, CalendarFolderDefaultsToThePackagedFiles) {
  auto defaults = parse_config("", "/etc/fabu/fabu.toml");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ((*defaults)->calendar.holidays_dir, "/usr/share/fabu/holidays");
  EXPECT_TRUE((*defaults)->spokespersons.empty());
  auto relative = parse_config("[calendar]\nholidays_dir = \"holidays\"\n", "/srv/office/fabu.toml");
  ASSERT_TRUE(relative.has_value());
  EXPECT_EQ((*relative)->calendar.holidays_dir, "/srv/office/holidays");
  auto wrong = parse_config("[calendar]\nholidays_dir = 3\nfolder = \"x\"\n", "t.toml");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(joined(wrong.error()).find("calendar.holidays_dir: expected a string"), std::string::npos);
  EXPECT_NE(joined(wrong.error()).find("unknown key 'calendar.folder'"), std::string::npos);
}

}  // namespace
}  // namespace fabu
