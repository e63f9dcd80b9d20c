// fabuctl report: the report card (成绩单, report/report_card.h) of a period, read from Redis.
// Exit codes: 0 written, 1 Redis failed or the output file could not be written, 2 bad options or
// config.
#pragma once

#include <string>

#include "cli/commands.h"

namespace fabu::cli {

struct ReportOptions {
  std::string from;  // "YYYY-MM-DD"; "" = 1 January of this year (Asia/Shanghai)
  std::string to;    // "YYYY-MM-DD"; "" = today
  std::string format = "md";  // md, html or json
  std::string output;         // a file to write; "" = stdout
};

// Reads every release kept in Redis (LedgerQueries::release_ids), the deliveries of those admitted in
// the period, the lead account's followers readings (ReachBook::followers_between) and today's
// inspection findings, and writes the card in the format asked.
int report(const Context& ctx, const ReportOptions& options);

}  // namespace fabu::cli
