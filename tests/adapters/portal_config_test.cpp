// The portal factory's config validation, plan(), lanes() and link_for().
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/adapters/portal_test_support.h"
#include "tests/config/config_test_support.h"

namespace fabu {
namespace {

using portal_test::channel_from_toml;
using portal_test::make_portal;
using portal_test::make_release;
using portal_test::portal_toml;

ConfigErrors create_errors(const std::string& text) {
  AdapterEnv env;
  auto adapter = make_portal_adapter_factory()->create(channel_from_toml(text), "conf/fabu.toml", env);
  if (adapter) return {};
  return adapter.error();
}

// The error whose message contains `needle`, or nullptr.
const ConfigError* find_error(const ConfigErrors& errors, std::string_view needle) {
  auto it = std::find_if(errors.begin(), errors.end(),
                         [&](const ConfigError& e) { return e.message.find(needle) != std::string::npos; });
  return it == errors.end() ? nullptr : &*it;
}

TEST(PortalConfig, ValidTableBuildsAnAdapterWithOneLane) {
  auto adapter = make_portal(portal_toml("out/portal"));
  ASSERT_NE(adapter, nullptr);
  EXPECT_EQ(adapter->type(), "portal");
  const auto lanes = adapter->lanes("portal");
  ASSERT_EQ(lanes.size(), 1u);
  EXPECT_EQ(lanes[0].lane, "portal/site");
  EXPECT_EQ(lanes[0].max_in_flight, 1);
}

TEST(PortalConfig, ReportsEveryProblemWithItsLine) {
  const std::string text =
      "[channels.portal]\n"                                   // 1
      "type = \"portal\"\n"                                   // 2
      "base_url = \"ftp://www.linyi.gov.cn\"\n"               // 3
      "site_name = \"临沂市人民政府\"\n"                      // 4
      "org_code = \"01527918X\"\n"                            // 5
      "index_pattern = \"{org}-{yr}-{serial:6}\"\n"           // 6
      "page_size = 0\n"                                       // 7
      "colour = \"red\"\n"                                    // 8
      "[[channels.portal.columns]]\n"                         // 9
      "id = \"tzgg\"\n"                                       // 10
      "name = \"通知公告\"\n"                                 // 11
      "[[channels.portal.columns]]\n"                         // 12
      "id = \"tzgg\"\n"                                       // 13
      "name = \"重复\"\n"                                     // 14
      "[[channels.portal.columns]]\n"                         // 15
      "id = \"Bad-Id\"\n"                                     // 16
      "name = \"坏\"\n";                                      // 17
  const ConfigErrors errors = create_errors(text);
  SCOPED_TRACE(joined(errors));

  const ConfigError* output_dir = find_error(errors, "channels.portal.output_dir");
  ASSERT_NE(output_dir, nullptr);
  EXPECT_EQ(output_dir->line, 1);
  EXPECT_EQ(output_dir->file, "conf/fabu.toml");

  const ConfigError* base_url = find_error(errors, "channels.portal.base_url");
  ASSERT_NE(base_url, nullptr);
  EXPECT_EQ(base_url->line, 3);

  const ConfigError* pattern = find_error(errors, "unknown placeholder '{yr}'");
  ASSERT_NE(pattern, nullptr);
  EXPECT_EQ(pattern->line, 6);

  const ConfigError* page_size = find_error(errors, "channels.portal.page_size");
  ASSERT_NE(page_size, nullptr);
  EXPECT_EQ(page_size->line, 7);

  const ConfigError* unknown = find_error(errors, "unknown key 'channels.portal.colour'");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->line, 8);

  const ConfigError* duplicate = find_error(errors, "duplicate column id 'tzgg'");
  ASSERT_NE(duplicate, nullptr);
  EXPECT_EQ(duplicate->line, 13);
  EXPECT_NE(duplicate->message.find("channels.portal.columns[1].id"), std::string::npos);

  const ConfigError* bad_id = find_error(errors, "'Bad-Id' must match [a-z0-9_]+");
  ASSERT_NE(bad_id, nullptr);
  EXPECT_EQ(bad_id->line, 16);

  EXPECT_EQ(errors.size(), 7u);
}

TEST(PortalConfig, RequiresColumnsAndASerialInThePattern) {
  const std::string text =
      "[channels.portal]\n"
      "type = \"portal\"\n"
      "output_dir = \"out\"\n"
      "base_url = \"https://www.linyi.gov.cn\"\n"
      "site_name = \"临沂市人民政府\"\n"
      "org_code = \"01527918X\"\n"
      "index_pattern = \"{org}-{year}\"\n";
  const ConfigErrors errors = create_errors(text);
  SCOPED_TRACE(joined(errors));
  EXPECT_NE(find_error(errors, "channels.portal.columns"), nullptr);
  const ConfigError* pattern = find_error(errors, "must contain {serial}");
  ASSERT_NE(pattern, nullptr);
  EXPECT_EQ(pattern->line, 7);
}

TEST(PortalConfig, RejectsBadSerialWidthAndLoneBraces) {
  for (const std::string pattern : {"{org}-{serial:0}", "{org}-{serial:x}", "{org}-{serial", "{org}}-{serial}"}) {
    std::string text = portal_toml("out");
    const std::string good = "index_pattern = \"{org}-{year}-{serial:6}\"";
    text.replace(text.find(good), good.size(), "index_pattern = \"" + pattern + "\"");
    const ConfigErrors errors = create_errors(text);
    EXPECT_NE(find_error(errors, "channels.portal.index_pattern"), nullptr) << pattern;
  }
}

TEST(PortalConfig, MaxInFlightIsConfigurable) {
  std::string text = portal_toml("out");
  text.insert(text.find("[[channels.portal.columns]]"), "max_in_flight = 2\n");
  auto adapter = make_portal(text);
  ASSERT_NE(adapter, nullptr);
  EXPECT_EQ(adapter->lanes("portal").at(0).max_in_flight, 2);
}

TEST(PortalPlan, OneArticleDeliveryOnTheSiteLane) {
  auto adapter = make_portal(portal_toml("out"));
  ASSERT_NE(adapter, nullptr);
  const Release release = make_release("2026-press-017", "关于开展安全检查的通知", {"tzgg", "zcfg", "tzgg"});
  auto plan = adapter->plan(release, "portal", release.targets.at("portal"));
  ASSERT_TRUE(plan.has_value()) << join(plan.error());
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].destination, "article");
  EXPECT_EQ((*plan)[0].lane, "portal/site");
  EXPECT_EQ((*plan)[0].after, "");
  EXPECT_FALSE((*plan)[0].needs_link);
}

TEST(PortalPlan, UnknownColumnsAreFieldErrors) {
  auto adapter = make_portal(portal_toml("out"));
  ASSERT_NE(adapter, nullptr);
  const Release release = make_release("r1", "标题", {"tzgg", "nope", "xwfbh"});
  auto plan = adapter->plan(release, "portal", release.targets.at("portal"));
  ASSERT_FALSE(plan.has_value());
  ASSERT_EQ(plan.error().size(), 2u);
  EXPECT_EQ(plan.error()[0], (FieldError{"targets.portal[1]", "unknown column 'nope'"}));
  EXPECT_EQ(plan.error()[1], (FieldError{"targets.portal[2]", "unknown column 'xwfbh'"}));

  auto empty = adapter->plan(release, "portal", {});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().at(0).path, "targets.portal");
}

TEST(PortalLink, DependsOnlyOnTheRelease) {
  auto adapter = make_portal(portal_toml("out"));
  ASSERT_NE(adapter, nullptr);
  const Release release = make_release("2026-press-017", "标题", {"zcjd", "tzgg"});
  const auto first = adapter->link_for(release, Admission{1, portal_test::may_day_ms()});
  // Admitted at another time (even in another year), the link stays the same.
  const auto second = adapter->link_for(release, Admission{99, 1798734600000});
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, "https://www.linyi.gov.cn/zcjd/2026/2026-press-017.html");
  EXPECT_EQ(first, second);

  Release no_portal = release;
  no_portal.targets.clear();
  EXPECT_FALSE(adapter->link_for(no_portal, Admission{}).has_value());
}

}  // namespace
}  // namespace fabu
