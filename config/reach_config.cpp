// The [reach] table: how often followers are read and the app's hourly call budget for reach.
#include "config/config.h"
#include "core/reach.h"

namespace fabu {

void read_reach(const toml::table& table, const std::string& file, ConfigErrors& errors, ReachConfig& out) {
  TableReader r(table, file, "reach", errors);
  r.reject_unknown({"followers_every", "calls_per_hour"});
  if (table.get("followers_every") != nullptr) {
    const std::string every = r.string("followers_every");
    const auto parsed = parse_duration(every);
    constexpr auto kShortest = std::chrono::minutes(1);
    if (parsed && *parsed >= kShortest) {
      out.followers_every = *parsed;
    } else {
      r.error_at(table.get("followers_every"), "reach.followers_every: '" + every +
                                                   "' must be a duration of at least a minute, like \"30m\", \"6h\" or \"1d\"");
    }
  }
  out.calls_per_hour = static_cast<int>(r.integer("calls_per_hour", out.calls_per_hour, 0, 1'000'000));
}

}  // namespace fabu
