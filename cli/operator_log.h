// What an operator did with fabuctl (retract, schedule cancel/reschedule, dlq retry/drop, set-token),
// written to the Redis log stream as an "operator" event (daemon/delivery_log.h), so `fabuctl logs`
// shows who changed what next to the deliveries it caused.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/commands.h"

namespace fabu::cli {

// Appends {"event":"operator","action":action,"by":<user>,"via":"fabuctl", ...fields}. `by` is the
// user who ran fabuctl (SUDO_USER when run through sudo). The action has already been done: a
// failure to write only warns on stderr. Nothing is written when daemon.log_stream_max is 0.
void record_action(const Context& ctx, std::string_view action, const nlohmann::json& fields);

}  // namespace fabu::cli
