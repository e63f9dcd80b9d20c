// Metrics: counters, gauges and histograms with labels, rendered in the Prometheus text exposition
// format (version 0.0.4).
//
// A MetricsRegistry owns metric families. A family has a name, a help text, fixed label names and one
// child per combination of label values. A caller looks a child up once with with(...) and may keep
// the reference: children live as long as their registry and never move. Updating a child is one
// relaxed atomic operation, with no lock and no allocation, so it is cheap on the delivery hot path.
//
// Thread rules: everything is thread-safe. with() takes the family's lock (shared when the child
// exists already); render() reads the atomics without stopping writers, so a scrape taken during an
// observation may see it in a histogram's count but not yet in its sum (Prometheus tolerates that).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fabu {

// Monotonic count (a Prometheus counter).
class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (a Prometheus gauge).
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Observations counted into buckets with fixed upper bounds (a Prometheus histogram).
class Histogram {
 public:
  // REQUIRES: `bounds` strictly increasing and finite; it outlives the histogram.
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Observations <= bounds()[i], cumulative; the last element (one past the bounds) is +Inf = count().
  std::vector<std::uint64_t> cumulative() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double>& bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0.0};
};

// One metric family. Child is Counter, Gauge or Histogram.
template <typename Child>
class Family {
 public:
  // The child with these label values, created at first use.
  // REQUIRES: as many values as the family has label names.
  Child& with(std::span<const std::string_view> values);
  Child& with(std::initializer_list<std::string_view> values) {
    return with(std::span<const std::string_view>(values.begin(), values.size()));
  }

  const std::string& name() const { return name_; }

 private:
  friend class MetricsRegistry;
  struct LabelsLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                          [](std::string_view x, std::string_view y) { return x < y; });
    }
  };
  Family(std::string name, std::string help, std::vector<std::string> labels, std::function<std::unique_ptr<Child>()> make)
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), make_(std::move(make)) {}
  void render(std::string& out) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> labels_;
  const std::function<std::unique_ptr<Child>()> make_;
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Child>, LabelsLess> children_;  // guarded by mu_
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registers a family; one without labels has its single child from the start (so it renders 0).
  // REQUIRES: valid_metric_name(name), valid_label_name() of each label (and no "le" for a histogram),
  // a name not registered before. Family names should follow Prometheus conventions: base units
  // (`_seconds`, `_bytes`), `_total` for counters.
  CounterFamily& counter(std::string name, std::string help, std::vector<std::string> labels = {});
  GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> labels = {});
  // `bounds`: bucket upper bounds, strictly increasing; +Inf is added.
  HistogramFamily& histogram(std::string name, std::string help, std::vector<double> bounds,
                             std::vector<std::string> labels = {});

  // Appends every family in registration order: `# HELP` and `# TYPE` once per family, then its
  // samples sorted by label values.
  void render(std::string& out) const;

 private:
  template <typename Child>
  Family<Child>& add(std::string name, std::string help, std::vector<std::string> labels,
                     std::function<std::unique_ptr<Child>()> make);

  mutable std::shared_mutex mu_;
  std::vector<std::function<void(std::string&)>> renderers_;  // guarded by mu_
  std::vector<std::unique_ptr<std::vector<double>>> bounds_;   // histograms' buckets, kept stable
  std::vector<std::shared_ptr<void>> families_;               // owns the families
};

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__"
bool valid_label_name(std::string_view name);

// The text format's escapes: HELP text escapes `\` and newline; a label value also `"`.
std::string escape_help(std::string_view text);
std::string escape_label_value(std::string_view value);
// A sample value: integers without a fraction, +Inf, -Inf, NaN, else the shortest exact decimal.
std::string format_sample_value(double v);

}  // namespace fabu
