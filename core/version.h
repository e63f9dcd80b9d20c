// fabu's version and the source revision it was built from, for `--version`, the logs and metrics.
#pragma once

#include <string_view>

namespace fabu {

std::string_view version();   // "0.1.0", from CMakeLists.txt's project()
std::string_view revision();  // `git describe --always --dirty` of the build, or "unknown"

}  // namespace fabu
