// The link the Weibo adapter tests' sample release carries (a press release on the city's portal).
#pragma once

#include <string>

namespace fabu::testing {

inline const std::string kLink = "https://www.linyi.gov.cn/info/tzgg/2026-press-017.html";

}  // namespace fabu::testing
