// RFC 8785 canonical JSON, the bytes approval signatures cover: any bytes are canonicalised or refused
// with a reason, never a crash; the canonical form is a fixed point (canonicalising it again gives the
// same bytes), so a signer and fabu can never disagree about what was signed.
#include "core/canonical_json.h"
#include "fuzz/fuzz_target.h"

namespace fabu::fuzz {

void fuzz_one(std::string_view input) {
  auto canonical = canonicalize_json(input);
  if (!canonical) {
    require(!canonical.error().empty(), "a refusal says why");
    return;
  }
  auto again = canonicalize_json(*canonical);
  require(again.has_value(), "canonical JSON is accepted as input");
  require(*again == *canonical, "canonical JSON is a fixed point");
}

}  // namespace fabu::fuzz
