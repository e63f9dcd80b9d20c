// How long Redis was blocked by its longest single commands during a scenario, from its SLOWLOG.
// Redis runs one command (a whole Lua script included) at a time, so the longest entry is the longest
// stretch for which every other client of that Redis waited.
//
// Thread rules: plain functions on the benchmark's main thread; each opens its own connection.
#pragma once

#include <string>
#include <vector>

namespace fabu::bench {

struct SlowCommand {
  double ms = 0;
  std::string what;  // the script's name for EVALSHA/EVAL ("admit", "complete"), else the command
};

// Logs every command of at least `threshold_us` from now on (up to 10,000 of them) and forgets what
// was logged before. Throws when Redis does not answer.
void start_slowlog(int redis_port, int threshold_us);

// The `limit` longest commands logged since start_slowlog(), longest first. Throws when Redis does
// not answer.
std::vector<SlowCommand> slowest_commands(int redis_port, std::size_t limit);

// "85.2 ms admit, 40.1 ms complete" (or "none over 1 ms" with threshold_us 1000).
std::string describe(const std::vector<SlowCommand>& slowest, int threshold_us);

}  // namespace fabu::bench
