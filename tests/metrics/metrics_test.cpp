// The Prometheus text format as MetricsRegistry renders it, and its counters under threads.
#include "metrics/metrics.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace fabu {
namespace {

std::string rendered(const MetricsRegistry& registry) {
  std::string out;
  registry.render(out);
  return out;
}

TEST(Metrics, CounterFamilyRendersHelpAndTypeOnceAndSamplesSortedByLabels) {
  MetricsRegistry registry;
  auto& deliveries = registry.counter("fabu_deliveries_total", "Deliveries, by outcome.", {"channel", "outcome"});
  deliveries.with({"portal", "delivered"}).inc();
  deliveries.with({"microblog", "dead"}).inc(2);
  deliveries.with({"microblog", "delivered"}).inc(5);
  EXPECT_EQ(rendered(registry),
            "# HELP fabu_deliveries_total Deliveries, by outcome.\n"
            "# TYPE fabu_deliveries_total counter\n"
            "fabu_deliveries_total{channel=\"microblog\",outcome=\"dead\"} 2\n"
            "fabu_deliveries_total{channel=\"microblog\",outcome=\"delivered\"} 5\n"
            "fabu_deliveries_total{channel=\"portal\",outcome=\"delivered\"} 1\n");
}

TEST(Metrics, WithReturnsTheSameChildForTheSameLabels) {
  MetricsRegistry registry;
  auto& family = registry.counter("c_total", "c", {"a"});
  Counter& first = family.with({"x"});
  family.with({"y"});  // another child must not move the first
  EXPECT_EQ(&first, &family.with({"x"}));
}

TEST(Metrics, AFamilyWithoutLabelsRendersZeroBeforeAnyUpdate) {
  MetricsRegistry registry;
  registry.gauge("fabu_up", "Up.");
  registry.counter("fabu_events_total", "Events.");
  EXPECT_EQ(rendered(registry),
            "# HELP fabu_up Up.\n# TYPE fabu_up gauge\nfabu_up 0\n"
            "# HELP fabu_events_total Events.\n# TYPE fabu_events_total counter\nfabu_events_total 0\n");
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry registry;
  registry.gauge("g", "line one\nback\\slash \"quoted\"", {"v"}).with({"a\"b\\c\nd"}).set(1);
  EXPECT_EQ(rendered(registry),
            "# HELP g line one\\nback\\\\slash \"quoted\"\n# TYPE g gauge\n"
            "g{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Metrics, HistogramRendersCumulativeBucketsInfSumAndCount) {
  MetricsRegistry registry;
  auto& latency = registry.histogram("fabu_delivery_duration_seconds", "Latency.", {0.1, 1, 2.5}, {"channel"});
  Histogram& h = latency.with({"microblog"});
  h.observe(0.05);
  h.observe(0.1);  // le is inclusive
  h.observe(2);
  h.observe(30);
  EXPECT_EQ(rendered(registry),
            "# HELP fabu_delivery_duration_seconds Latency.\n"
            "# TYPE fabu_delivery_duration_seconds histogram\n"
            "fabu_delivery_duration_seconds_bucket{channel=\"microblog\",le=\"0.1\"} 2\n"
            "fabu_delivery_duration_seconds_bucket{channel=\"microblog\",le=\"1\"} 2\n"
            "fabu_delivery_duration_seconds_bucket{channel=\"microblog\",le=\"2.5\"} 3\n"
            "fabu_delivery_duration_seconds_bucket{channel=\"microblog\",le=\"+Inf\"} 4\n"
            "fabu_delivery_duration_seconds_sum{channel=\"microblog\"} 32.15\n"
            "fabu_delivery_duration_seconds_count{channel=\"microblog\"} 4\n");
}

TEST(Metrics, HistogramWithoutLabelsHasOnlyLe) {
  MetricsRegistry registry;
  registry.histogram("h_seconds", "h", {1}).with({}).observe(3);
  EXPECT_EQ(rendered(registry),
            "# HELP h_seconds h\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"1\"} 0\nh_seconds_bucket{le=\"+Inf\"} 1\nh_seconds_sum 3\nh_seconds_count 1\n");
}

TEST(Metrics, SampleValuesUseTheFormatsSpelling) {
  EXPECT_EQ(format_sample_value(3), "3");
  EXPECT_EQ(format_sample_value(-2), "-2");
  EXPECT_EQ(format_sample_value(0.25), "0.25");
  EXPECT_EQ(format_sample_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_sample_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_sample_value(0.0 / 0.0), "NaN");
}

TEST(Metrics, NamesAreChecked) {
  EXPECT_TRUE(valid_metric_name("fabu_build_info"));
  EXPECT_TRUE(valid_metric_name("job:rate5m"));
  EXPECT_FALSE(valid_metric_name("9lives"));
  EXPECT_FALSE(valid_metric_name("fabu-build"));
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_TRUE(valid_label_name("channel"));
  EXPECT_FALSE(valid_label_name("a:b"));
  EXPECT_FALSE(valid_label_name("__name__"));
}

TEST(Metrics, CountersAndHistogramsLoseNothingUnderThreads) {
  MetricsRegistry registry;
  auto& counter = registry.counter("c_total", "c", {"t"});
  auto& histogram = registry.histogram("h", "h", {0.5}, {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.with({"same"}).inc();
        histogram.with({"same"}).observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter.with({"same"}).value(), 40000u);
  const auto counts = histogram.with({"same"}).cumulative();
  EXPECT_EQ(counts[0], 20000u);
  EXPECT_EQ(counts[1], 40000u);
  EXPECT_DOUBLE_EQ(histogram.with({"same"}).sum(), 20000 * 0.25 + 20000 * 1.0);
}

}  // namespace
}  // namespace fabu
