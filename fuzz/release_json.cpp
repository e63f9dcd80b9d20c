// Release JSON: any bytes are either a release or a list of field errors, never an exception or a
// crash; a release survives its own canonical JSON unchanged.
#include "core/release.h"
#include "fuzz/fuzz_target.h"

namespace fabu::fuzz {

void fuzz_one(std::string_view input) {
  auto release = parse_release_json(input);
  if (!release) {
    require(!release.error().empty(), "a refused release names at least one problem");
    return;
  }
  const std::string canonical = to_json(*release);
  auto again = parse_release_json(canonical);
  require(again.has_value(), "the canonical JSON of a release parses");
  require(*again == *release, "a release survives its canonical JSON");
  require(to_json(*again) == canonical, "canonical JSON is stable");
}

}  // namespace fabu::fuzz
