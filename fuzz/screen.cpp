// The privacy screen: whatever the text, every match lies inside it, its masked form never shows the
// digits it hides, and a text with a match still holds one once other text surrounds it.
// Input: the text of one field; the policy has a sensitive term and a public hotline.
#include "core/screen.h"
#include "fuzz/fuzz_target.h"

namespace fabu::fuzz {

void fuzz_one(std::string_view input) {
  ScreenPolicy policy;
  policy.sensitive_terms = {"内部资料"};
  policy.public_numbers = {"12345", "0539-12345"};
  const auto matches = screen_text(input, "body", policy);
  for (const auto& m : matches) {
    require(m.field == "body", "a match names its field");
    require(m.length > 0 && m.offset + m.length <= input.size(), "a match lies inside the text");
    if (m.kind == ScreenKind::resident_id || m.kind == ScreenKind::mobile || m.kind == ScreenKind::bank_card) {
      const std::string hidden = screen_digits(input.substr(m.offset, m.length));
      require(hidden.size() >= 11, "a number match spans the whole number");
      require(screen_digits(m.masked).find(hidden) == std::string::npos, "the masked form does not show the number");
      require(m.masked.find('*') != std::string::npos, "the masked form masks");
    }
  }
  // Surrounded by text that is not a digit or a letter, a number is still found.
  const std::string framed = std::string("。") + std::string(input) + "。";
  require(screen_text(framed, "body", policy).size() >= matches.size() || matches.empty(),
          "surrounding punctuation does not hide a match");
}

}  // namespace fabu::fuzz
