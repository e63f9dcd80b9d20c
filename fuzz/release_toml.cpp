// Release TOML: any bytes (including what reaches toml++ 3.3.0's faulty paths) are either a release
// or field errors, never undefined behaviour (the fuzz build runs under UBSan); a TOML release means
// the same as its JSON form.
#include "core/release.h"
#include "fuzz/fuzz_target.h"

namespace fabu::fuzz {

void fuzz_one(std::string_view input) {
  auto release = parse_release_toml(input);
  if (!release) {
    require(!release.error().empty(), "a refused release names at least one problem");
    return;
  }
  auto as_json = parse_release_json(to_json(*release));
  require(as_json.has_value(), "the JSON form of a TOML release parses");
  require(*as_json == *release, "a TOML release and its JSON form are the same release");
}

}  // namespace fabu::fuzz
