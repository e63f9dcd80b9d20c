#include "sandbox/fault_injector.h"

#include <gtest/gtest.h>

namespace fabu::sandbox {
namespace {

TEST(FaultInjector, NoFaultsByDefault) {
  FaultInjector injector({}, 7);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(injector.draw_write_fault(), WriteFault::none);
}

TEST(FaultInjector, ProbabilityOneAlwaysFires) {
  FaultSettings settings;
  settings.p_rate_limit = 1.0;
  FaultInjector injector(settings, 7);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(injector.draw_write_fault(), WriteFault::rate_limit);
}

TEST(FaultInjector, SameSeedPlaysTheSameFaults) {
  FaultSettings settings;
  settings.p_5xx = 0.3;
  settings.p_timeout = 0.3;
  FaultInjector first(settings, 42);
  FaultInjector second(settings, 42);
  int faults = 0;
  for (int i = 0; i < 200; ++i) {
    const auto fault = first.draw_write_fault();
    EXPECT_EQ(fault, second.draw_write_fault());
    EXPECT_NE(fault, WriteFault::rate_limit);
    if (fault != WriteFault::none) ++faults;
  }
  EXPECT_GT(faults, 0);
  EXPECT_LT(faults, 200);
}

TEST(FaultInjector, DelaysAddLatencySlowTokenAndHold) {
  FaultSettings settings;
  settings.latency_ms = 10;
  settings.timeout_hold_ms = 1000;
  settings.slow_tokens["slow"] = 200;
  FaultInjector injector(settings, 1);
  EXPECT_EQ(injector.reply_delay("other", WriteFault::none).count(), 10);
  EXPECT_EQ(injector.reply_delay("slow", WriteFault::none).count(), 210);
  EXPECT_EQ(injector.reply_delay("slow", WriteFault::timeout).count(), 1210);
}

TEST(FaultInjector, AppliesOnlyValidChanges) {
  FaultInjector injector({}, 1);
  std::string error;
  ASSERT_TRUE(injector.apply_json({{"p_5xx", 0.5}, {"slow_tokens", {{"a", 100}, {"b", 50}}}}, error)) << error;
  EXPECT_DOUBLE_EQ(injector.settings().p_5xx, 0.5);
  EXPECT_EQ(injector.settings().slow_tokens.size(), 2u);

  ASSERT_TRUE(injector.apply_json({{"slow_tokens", {{"a", 0}}}, {"latency_ms", 5}}, error)) << error;
  EXPECT_FALSE(injector.settings().slow_tokens.contains("a"));
  EXPECT_EQ(injector.settings().latency_ms, 5);

  EXPECT_FALSE(injector.apply_json({{"p_timeout", 1.5}}, error));
  EXPECT_NE(error.find("p_timeout"), std::string::npos);
  EXPECT_FALSE(injector.apply_json({{"latency_ms", 10}, {"timeout_hold_ms", "soon"}}, error));
  EXPECT_EQ(injector.settings().latency_ms, 5);  // a rejected change leaves everything as it was
}

}  // namespace
}  // namespace fabu::sandbox
