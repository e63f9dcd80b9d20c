// DashboardAssets: the dashboard's web page (dashboard/assets/: one HTML page, its CSS and plain
// JavaScript, nothing from a CDN), compiled into the binary by CMake so an installed fabud serves it
// with no files beside it. The assets hold no data: the page reads the API's JSON routes with the
// token the user gives it (README "Dashboard").
//
// Thread rules: none (constant data).
#pragma once

#include <optional>
#include <string_view>

namespace fabu {

struct DashboardAsset {
  std::string_view content_type;  // e.g. "text/html; charset=utf-8"
  std::string_view body;
};

// The asset served at `path` (without query): "/" and "/dashboard/" are the page (index.html),
// "/dashboard/<file>" the file of that name; nullopt for anything else.
std::optional<DashboardAsset> find_dashboard_asset(std::string_view path);

}  // namespace fabu
