#include "config/screen_config.h"

#include <algorithm>

namespace fabu {
namespace {

bool looks_like_a_number(const std::string& value) {
  const bool allowed = std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == ' ' || c == '+' || c == '(' || c == ')';
  });
  return allowed && std::any_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void read_screen(const toml::table& table, const std::string& file, ConfigErrors& errors, ScreenPolicy& out) {
  TableReader r(table, file, "screen", errors);
  r.reject_unknown({"enabled", "sensitive_terms", "public_numbers", "override_roles", "credit_codes"});
  out.enabled = r.boolean("enabled", out.enabled);
  // Each list is checked item by item, so an error points at the item.
  const auto checked = [&](std::string_view key, auto&& valid, const char* rule) {
    std::vector<std::string> kept;
    const toml::array* items = r.array(key);
    if (items == nullptr) return kept;
    for (std::size_t i = 0; i < items->size(); ++i) {
      const toml::node* item = items->get(i);
      const std::string where = r.path(key) + "[" + std::to_string(i) + "]";
      if (const auto* s = item->as_string(); s == nullptr) {
        r.error_at(item, where + ": expected a string");
      } else if (!valid(s->get())) {
        r.error_at(item, where + ": '" + s->get() + "' " + rule);
      } else {
        kept.push_back(s->get());
      }
    }
    return kept;
  };
  const auto not_empty = [](const std::string& s) { return !s.empty(); };
  if (table.contains("sensitive_terms")) out.sensitive_terms = checked("sensitive_terms", not_empty, "must not be empty");
  if (table.contains("public_numbers")) {
    out.public_numbers = checked("public_numbers", looks_like_a_number,
                                 "must be a phone number: digits with optional spaces, '-', '+' and parentheses");
  }
  if (table.contains("override_roles")) out.override_roles = checked("override_roles", not_empty, "must not be empty");
  const std::string credit = r.string("credit_codes", "warn");
  if (credit == "warn") {
    out.credit_codes = CreditCodeMode::warn;
  } else if (credit == "ignore") {
    out.credit_codes = CreditCodeMode::ignore;
  } else {
    r.error_at(table.get("credit_codes"), "screen.credit_codes: '" + credit + "' is not one of warn, ignore");
  }
}

}  // namespace fabu
