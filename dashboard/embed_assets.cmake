# cmake -DOUTPUT=<file.cpp> -DASSETS=<a;b;...> -P embed_assets.cmake
# Writes a C++ source that holds each asset's bytes and the table dashboard_assets.cpp reads
# (dashboard/embedded_assets.h). Only rewrites OUTPUT when its content changes.
set(arrays "")
set(table "")
set(index 0)
foreach(asset IN LISTS ASSETS)
  get_filename_component(name "${asset}" NAME)
  file(READ "${asset}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND arrays "const unsigned char asset_${index}[] = {${bytes}0x00};\n")
  string(APPEND table "    {\"${name}\", {reinterpret_cast<const char*>(asset_${index}), ${size}}},\n")
  math(EXPR index "${index} + 1")
endforeach()
set(content "// Generated from dashboard/assets/ by dashboard/embed_assets.cmake: do not edit.
#include \"dashboard/embedded_assets.h\"

namespace fabu {
namespace {
${arrays}}  // namespace

std::span<const EmbeddedAsset> embedded_dashboard_assets() {
  static const EmbeddedAsset assets[] = {
${table}  };
  return assets;
}

}  // namespace fabu
")
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
