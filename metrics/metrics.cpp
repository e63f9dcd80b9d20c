#include "metrics/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <mutex>

namespace fabu {
namespace {

bool name_char(char c, bool first, bool colon) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return letter || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!name_char(name[i], i == 0, colon)) return false;
  }
  return true;
}

std::string escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quotes && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// `name="value",...` for one child, without braces.
std::string label_pairs(const std::vector<std::string>& names, const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i] + "=\"" + escape_label_value(values[i]) + '"';
  }
  return out;
}

void sample(std::string& out, std::string_view name, const std::string& labels, const std::string& value) {
  out += name;
  if (!labels.empty()) out += '{' + labels + '}';
  out += ' ' + value + '\n';
}

void render_child(std::string& out, const std::string& name, const std::string& labels, const Counter& c) {
  sample(out, name, labels, std::to_string(c.value()));
}

void render_child(std::string& out, const std::string& name, const std::string& labels, const Gauge& g) {
  sample(out, name, labels, format_sample_value(g.value()));
}

void render_child(std::string& out, const std::string& name, const std::string& labels, const Histogram& h) {
  const auto counts = h.cumulative();
  const std::string prefix = labels.empty() ? "" : labels + ",";
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const std::string le = i < h.bounds().size() ? format_sample_value(h.bounds()[i]) : "+Inf";
    sample(out, name + "_bucket", prefix + "le=\"" + le + "\"", std::to_string(counts[i]));
  }
  sample(out, name + "_sum", labels, format_sample_value(h.sum()));
  sample(out, name + "_count", labels, std::to_string(counts.back()));
}

template <typename Child>
constexpr std::string_view type_name() {
  if constexpr (std::is_same_v<Child, Counter>) return "counter";
  if constexpr (std::is_same_v<Child, Gauge>) return "gauge";
  return "histogram";
}

}  // namespace

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::observe(double v) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);  // first bound >= v: le is inclusive
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

template <typename Child>
Child& Family<Child>::with(std::span<const std::string_view> values) {
  {
    std::shared_lock lock(mu_);
    if (auto it = children_.find(values); it != children_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto [it, added] = children_.try_emplace(std::vector<std::string>(values.begin(), values.end()));
  if (added) it->second = make_();
  return *it->second;
}

template <typename Child>
void Family<Child>::render(std::string& out) const {
  out += "# HELP " + name_ + ' ' + escape_help(help_) + '\n';
  out += "# TYPE " + name_ + ' ' + std::string(type_name<Child>()) + '\n';
  std::shared_lock lock(mu_);
  for (const auto& [values, child] : children_) render_child(out, name_, label_pairs(labels_, values), *child);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename Child>
Family<Child>& MetricsRegistry::add(std::string name, std::string help, std::vector<std::string> labels,
                                    std::function<std::unique_ptr<Child>()> make) {
  const bool plain = labels.empty();
  std::shared_ptr<Family<Child>> family(
      new Family<Child>(std::move(name), std::move(help), std::move(labels), std::move(make)));
  if (plain) family->with(std::span<const std::string_view>{});
  std::unique_lock lock(mu_);
  renderers_.push_back([f = family.get()](std::string& out) { f->render(out); });
  families_.push_back(family);
  return *family;
}

CounterFamily& MetricsRegistry::counter(std::string name, std::string help, std::vector<std::string> labels) {
  return add<Counter>(std::move(name), std::move(help), std::move(labels), [] { return std::make_unique<Counter>(); });
}

GaugeFamily& MetricsRegistry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  return add<Gauge>(std::move(name), std::move(help), std::move(labels), [] { return std::make_unique<Gauge>(); });
}

HistogramFamily& MetricsRegistry::histogram(std::string name, std::string help, std::vector<double> bounds,
                                            std::vector<std::string> labels) {
  const std::vector<double>* kept = nullptr;
  {
    std::unique_lock lock(mu_);
    bounds_.push_back(std::make_unique<std::vector<double>>(std::move(bounds)));
    kept = bounds_.back().get();
  }
  return add<Histogram>(std::move(name), std::move(help), std::move(labels),
                        [kept] { return std::make_unique<Histogram>(*kept); });
}

void MetricsRegistry::render(std::string& out) const {
  std::shared_lock lock(mu_);
  for (const auto& render : renderers_) render(out);
}

bool valid_metric_name(std::string_view name) { return valid_name(name, true); }

bool valid_label_name(std::string_view name) { return valid_name(name, false) && !name.starts_with("__"); }

std::string escape_help(std::string_view text) { return escape(text, false); }

std::string escape_label_value(std::string_view value) { return escape(value, true); }

std::string format_sample_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::trunc(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<std::int64_t>(v));
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::to_string(v);
}

}  // namespace fabu
