// register_builtin_adapters and AdapterRegistry lookups.
#include <gtest/gtest.h>

#include <algorithm>

#include "adapters/adapter.h"

namespace fabu {
namespace {

TEST(AdapterRegistry, BuiltinTypesAreFoundAndOthersAreNot) {
  AdapterRegistry registry;
  EXPECT_EQ(registry.find("portal"), nullptr);
  register_builtin_adapters(registry);

  const AdapterFactory* portal = registry.find("portal");
  const AdapterFactory* weibo = registry.find("weibo");
  ASSERT_NE(portal, nullptr);
  ASSERT_NE(weibo, nullptr);
  EXPECT_EQ(portal->type(), "portal");
  EXPECT_EQ(weibo->type(), "weibo");
  EXPECT_EQ(registry.find("rss"), nullptr);
  EXPECT_EQ(registry.find(""), nullptr);

  auto types = registry.types();
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<std::string>{"portal", "weibo"}));
}

TEST(AdapterRegistry, AddingATypeAgainReplacesIt) {
  AdapterRegistry registry;
  register_builtin_adapters(registry);
  register_builtin_adapters(registry);
  EXPECT_EQ(registry.types().size(), 2u);
}

}  // namespace
}  // namespace fabu
