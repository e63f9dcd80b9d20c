#include "report/report_svg.h"

#include <algorithm>
#include <cstdio>

#include "core/text.h"

namespace fabu::report_svg {
namespace {

constexpr int kWidth = 640;
constexpr int kHeight = 240;
constexpr int kLeft = 48, kRight = 16, kTop = 48, kBottom = 40;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string open_svg(const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(kWidth) + " " +
         std::to_string(kHeight) + "\" role=\"img\" aria-label=\"" + html_escape(title) + "\" class=\"chart\">" +
         "<title>" + html_escape(title) + "</title><text x=\"" + std::to_string(kLeft) +
         "\" y=\"20\" class=\"chart-title\">" + html_escape(title) + "</text>";
}

std::string axis() {
  const int y = kHeight - kBottom;
  return "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(y) + "\" x2=\"" +
         std::to_string(kWidth - kRight) + "\" y2=\"" + std::to_string(y) + "\" class=\"axis\"/>";
}

}  // namespace

std::string bar_chart(const std::vector<Bar>& bars, const std::string& title, double max) {
  std::string out = open_svg(title);
  for (const auto& b : bars) max = std::max(max, b.value);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double slot = bars.empty() ? plot_w : plot_w / static_cast<double>(bars.size());
  const double bar_w = std::min(slot * 0.6, 80.0);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double h = max > 0 ? plot_h * bars[i].value / max : 0;
    const double x = kLeft + slot * static_cast<double>(i) + (slot - bar_w) / 2;
    const double y = kTop + plot_h - h;
    const double mid = x + bar_w / 2;
    out += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(bar_w) + "\" height=\"" + num(h) +
           "\" class=\"bar\"/>";
    out += "<text x=\"" + num(mid) + "\" y=\"" + num(y - 4) + "\" class=\"value\">" + html_escape(bars[i].caption) +
           "</text>";
    out += "<text x=\"" + num(mid) + "\" y=\"" + num(kHeight - kBottom + 16) + "\" class=\"label\">" +
           html_escape(bars[i].label) + "</text>";
  }
  if (bars.empty()) {
    out += "<text x=\"" + num(kWidth / 2.0) + "\" y=\"" + num(kHeight / 2.0) + "\" class=\"label\">-</text>";
  }
  return out + axis() + "</svg>";
}

std::string line_chart(const std::vector<Point>& points, const std::string& title, const TimeAxis& time) {
  std::string out = open_svg(title);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const int base = kHeight - kBottom;
  out += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(base + 16) + "\" class=\"label start\">" +
         html_escape(time.first_label) + "</text><text x=\"" + std::to_string(kWidth - kRight) + "\" y=\"" +
         std::to_string(base + 16) + "\" class=\"label end\">" + html_escape(time.last_label) + "</text>";
  if (points.empty()) {
    out += "<text x=\"" + num(kWidth / 2.0) + "\" y=\"" + num(kHeight / 2.0) + "\" class=\"label\">no readings</text>";
    return out + axis() + "</svg>";
  }
  const auto [lo_it, hi_it] = std::minmax_element(points.begin(), points.end(),
                                                  [](const Point& a, const Point& b) { return a.value < b.value; });
  const double lo = static_cast<double>(lo_it->value), hi = static_cast<double>(hi_it->value);
  const double t0 = static_cast<double>(time.from_ms), t1 = static_cast<double>(time.to_ms);
  const auto x_of = [&](const Point& p) {
    return t1 > t0 ? kLeft + plot_w * (static_cast<double>(p.at_ms) - t0) / (t1 - t0) : kLeft + plot_w / 2;
  };
  // A flat line sits mid-height; otherwise the range fills the plot with a tenth spare at each end.
  const auto y_of = [&](const Point& p) {
    if (hi <= lo) return kTop + plot_h / 2;
    return kTop + plot_h * 0.9 - plot_h * 0.8 * (static_cast<double>(p.value) - lo) / (hi - lo);
  };
  std::string path;
  for (const auto& p : points) path += (path.empty() ? "M" : " L") + num(x_of(p)) + " " + num(y_of(p));
  out += "<path d=\"" + path + "\" class=\"line\"/>";
  // The ends' values, written inwards so that neither runs off the chart; one reading is one dot.
  const std::pair<const Point*, const char*> ends[] = {{&points.front(), "value start"}, {&points.back(), "value end"}};
  for (std::size_t i = 0; i < (points.size() == 1 ? 1u : 2u); ++i) {
    const auto& [p, cls] = ends[i];
    out += "<circle cx=\"" + num(x_of(*p)) + "\" cy=\"" + num(y_of(*p)) + "\" r=\"3\" class=\"dot\"/>";
    out += "<text x=\"" + num(x_of(*p)) + "\" y=\"" + num(y_of(*p) - 8) + "\" class=\"" +
           (points.size() == 1 ? "value" : cls) + "\">" + std::to_string(p->value) + "</text>";
  }
  return out + axis() + "</svg>";
}

}  // namespace fabu::report_svg
