// The dashboard's asset files as CMake embedded them (embed_assets.cmake). Private to dashboard/:
// callers use find_dashboard_asset() (dashboard/dashboard_assets.h).
#pragma once

#include <span>
#include <string_view>

namespace fabu {

struct EmbeddedAsset {
  std::string_view name;  // the file name in dashboard/assets/, e.g. "dashboard.js"
  std::string_view body;  // its bytes
};

std::span<const EmbeddedAsset> embedded_dashboard_assets();

}  // namespace fabu
