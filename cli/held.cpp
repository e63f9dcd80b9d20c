#include "cli/held.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/table.h"
#include "core/bounded_text.h"

namespace fabu::cli {
namespace {

nlohmann::json held_json(const HeldRecord& r) {
  return {{"id", r.release_id},
          {"state", r.released ? "released" : "held"},
          {"held_at_ms", r.held_at_ms},
          {"first_held_at_ms", r.first_held_at_ms},
          {"submissions", r.submissions},
          {"screen_digest", r.screen_digest},
          {"reason", r.reason},
          {"matches", nlohmann::json::parse(screen_matches_json(r.matches))}};
}

std::string dump(const nlohmann::json& j) { return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); }

void print_held(std::ostream& out, const HeldRecord& r, const ScreenPolicy& policy) {
  out << bounded(r.release_id, quoted_value_bytes) << "  "
      << (r.released ? "released " + format_time_ms(r.released_at_ms) + ", held" : std::string("held"))
      << " since " << format_time_ms(r.first_held_at_ms) << ", last submitted " << format_time_ms(r.held_at_ms)
      << " (" << r.submissions << " submission" << (r.submissions == 1 ? "" : "s") << ")\n";
  for (const auto& m : r.matches) {
    // Masked forms only: the record never held the numbers themselves.
    out << "    " << m.field << " at byte " << m.offset << ": " << to_string(m.kind) << (m.holds ? "" : " (warning)")
        << "  " << m.masked << "\n";
  }
  out << "  screen digest " << r.screen_digest << "\n";
  if (r.released) return;
  if (policy.override_roles.empty()) {
    out << "  no role may override the screen (screen.override_roles is empty): remove the data and submit again\n";
    return;
  }
  out << "  remove the personal data and submit again, or, after review, publish it as it is:\n"
      << "    fabuctl approve --override-screen " << r.screen_digest << " --key KEY --role "
      << policy.override_roles.front() << " FILE\n"
      << "    fabuctl submit FILE\n";
}

}  // namespace

void show_held(const HeldRecord& record, const ScreenPolicy& policy, bool json) {
  if (json) {
    std::cout << dump(held_json(record)) << "\n";
  } else {
    print_held(std::cout, record, policy);
  }
}

int held_list(DeliveryLedger& ledger, const ScreenPolicy& policy, int limit, bool json) {
  auto records = ledger.held(limit);
  if (!records) {
    std::cerr << "fabuctl: " << records.error().message << "\n";
    return 1;
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *records) out.push_back(held_json(r));
    std::cout << dump(out) << "\n";
    return 0;
  }
  if (records->empty()) {
    std::cout << "no release is held\n";
    return 0;
  }
  for (const auto& r : *records) {
    print_held(std::cout, r, policy);
    std::cout << "\n";
  }
  return 0;
}

}  // namespace fabu::cli
