// The [conference] table: when a conference's reminder goes out, and where its calendar feed is written.
#include "config/config.h"
#include "core/reach.h"

namespace fabu {

void read_conference(const toml::table& table, const std::string& file, ConfigErrors& errors, ConferenceConfig& out) {
  TableReader r(table, file, "conference", errors);
  r.reject_unknown({"remind_before", "calendar_file"});
  if (table.get("remind_before") != nullptr) {
    const std::string text = r.string("remind_before");
    const auto parsed = parse_duration(text);
    if (parsed && parsed->count() > 0) {
      out.remind_before = *parsed;
    } else {
      r.error_at(table.get("remind_before"),
                 "conference.remind_before: '" + text + "' must be a positive duration, like \"30m\", \"1h\" or \"1d\"");
    }
  }
  out.calendar_file = r.file_path("calendar_file");
}

}  // namespace fabu
