// fabuctl's lifecycle verbs: take a release back, correct it, move or cancel its schedule.
// Exit codes as in commands.h; 3 when the release is in a state that does not allow the change.
#pragma once

#include <string>

#include "cli/commands.h"

namespace fabu::cli {

int retract(const Context& ctx, const std::string& release_id, const std::string& reason);
// Checks that FILE is revision >= 2 of release ID with a change note, then queues it like `submit`.
int correct(const Context& ctx, const std::string& release_id, const std::string& file);
int schedule_list(const Context& ctx, int limit);
int schedule_cancel(const Context& ctx, const std::string& release_id);
// `when` is ISO 8601 with a UTC offset, e.g. 2026-12-10T09:00:00+08:00.
int schedule_move(const Context& ctx, const std::string& release_id, const std::string& when);

}  // namespace fabu::cli
