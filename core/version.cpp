#include "core/version.h"

namespace fabu {

// FABU_VERSION comes from CMake (core/CMakeLists.txt); the revision from a file the build rewrites when
// the checkout's revision changes (core/revision.cmake), so a new commit rebuilds this file alone.
std::string_view version() { return FABU_VERSION; }
std::string_view revision() {
  return
#include "fabu_revision.inc"
      ;
}

}  // namespace fabu
