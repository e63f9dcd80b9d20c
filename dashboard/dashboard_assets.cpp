#include "dashboard/dashboard_assets.h"

#include "dashboard/embedded_assets.h"

namespace fabu {
namespace {

std::string_view content_type_of(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

std::optional<DashboardAsset> find_dashboard_asset(std::string_view path) {
  std::string_view name;
  if (path == "/" || path == "/dashboard" || path == "/dashboard/") {
    name = "index.html";
  } else if (path.starts_with("/dashboard/")) {
    name = path.substr(std::string_view("/dashboard/").size());
  } else {
    return std::nullopt;
  }
  for (const auto& asset : embedded_dashboard_assets()) {
    if (asset.name == name) return DashboardAsset{content_type_of(name), asset.body};
  }
  return std::nullopt;
}

}  // namespace fabu
