#include "core/version.h"

namespace fabu {

// Both come from CMake (core/CMakeLists.txt), set on this file alone so a new revision rebuilds one file.
std::string_view version() { return FABU_VERSION; }
std::string_view revision() { return FABU_REVISION; }

}  // namespace fabu
