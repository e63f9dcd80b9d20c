// The assets CMake embedded are the files in dashboard/assets/, byte for byte, under their paths.
#include "dashboard/dashboard_assets.h"

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace fabu {
namespace {

std::string source_asset(const std::string& name) {
  return testing::read_file(std::string(FABU_SOURCE_DIR) + "/dashboard/assets/" + name);
}

TEST(DashboardAssets, ServesEachFileAsItIsInTheRepository) {
  for (const char* name : {"index.html", "dashboard.css", "dashboard.js"}) {
    const auto asset = find_dashboard_asset(std::string("/dashboard/") + name);
    ASSERT_TRUE(asset) << name;
    EXPECT_EQ(asset->body, source_asset(name)) << name;
  }
  EXPECT_EQ(find_dashboard_asset("/dashboard/dashboard.css")->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(find_dashboard_asset("/dashboard/dashboard.js")->content_type, "text/javascript; charset=utf-8");
}

TEST(DashboardAssets, TheRootIsThePage) {
  for (const char* path : {"/", "/dashboard", "/dashboard/"}) {
    const auto page = find_dashboard_asset(path);
    ASSERT_TRUE(page) << path;
    EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(page->body, source_asset("index.html"));
  }
}

TEST(DashboardAssets, NothingElse) {
  EXPECT_FALSE(find_dashboard_asset("/v1/dashboard"));
  EXPECT_FALSE(find_dashboard_asset("/dashboard/missing.js"));
  EXPECT_FALSE(find_dashboard_asset("/dashboard/../CMakeLists.txt"));
  EXPECT_FALSE(find_dashboard_asset("/index.html"));
}

}  // namespace
}  // namespace fabu
