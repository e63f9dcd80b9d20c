// A plain text table for terminal output, aligned by display width (CJK counts double).
#pragma once

#include <string>
#include <vector>

namespace fabu::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;
  bool empty() const { return rows_.size() <= 1; }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string format_time_ms(long long unix_ms);  // local "2026-11-26 10:03:37", "-" for 0

}  // namespace fabu::cli
