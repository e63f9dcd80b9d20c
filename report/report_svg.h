// SVG charts for the HTML report card, drawn as plain markup: no script, no fonts or files fetched,
// so the page prints and archives as it is. Private to report/.
//
// Pure functions. Thread rules: none.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fabu::report_svg {

struct Bar {
  std::string label;
  double value = 0;
  std::string caption;  // written above the bar, e.g. "12" or "95.0%"
};

// Vertical bars, scaled to the largest value (or to `max` when it is larger, e.g. 1 for shares).
std::string bar_chart(const std::vector<Bar>& bars, const std::string& title, double max = 0);

struct Point {
  std::int64_t at_ms = 0;
  std::int64_t value = 0;
};

// A line over time from `from_ms` to `to_ms` (the x axis; `first_label` and `last_label` name its ends,
// e.g. the dates), with its first and last values written; a single point is drawn as a dot.
struct TimeAxis {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::string first_label;
  std::string last_label;
};
std::string line_chart(const std::vector<Point>& points, const std::string& title, const TimeAxis& axis);

}  // namespace fabu::report_svg
