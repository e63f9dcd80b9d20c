// Shared fixture for the DeliveryLedger integration tests: one redis-server per test binary, a fresh
// key prefix per test, and a fixed clock so lane gates and leases are exact.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "queue/delivery_ledger.h"
#include "tests/support/servers.h"

namespace fabu::testing {

inline constexpr std::int64_t T0 = 1'800'000'000'000;  // a fixed "now" (unix ms) for every test
inline constexpr std::int64_t kHour = 3'600'000;

class LedgerTest : public ::testing::Test {
 public:
  static DeliverySpec spec(std::string channel, std::string destination, std::string lane,
                           std::string waits_on = {}) {
    return DeliverySpec{std::move(channel), std::move(destination), std::move(lane), std::move(waits_on)};
  }

  // The portal article, the lead's post waiting on it, and a member's repost waiting on the lead.
  static AdmitRequest chain(const std::string& id) {
    return request(id, {spec("portal", "article", "portal/site"),
                        spec("microblog", "lead", "microblog/lead", id + "|portal|article"),
                        spec("microblog", "lanshan", "microblog/lanshan", id + "|microblog|lead")});
  }

  static AdmitRequest request(const std::string& release_id, std::vector<DeliverySpec> deliveries,
                              std::string digest = "digest-1") {
    AdmitRequest r;
    r.release_id = release_id;
    r.digest = std::move(digest);
    r.release_json = R"({"id":")" + release_id + R"(","title":"通知"})";
    r.now_ms = T0;
    r.deliveries = std::move(deliveries);
    return r;
  }

 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<RedisServer>(); }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    config_.host = "127.0.0.1";
    config_.port = server_->port();
    config_.prefix = unique_prefix();
    config_.command_timeout = std::chrono::milliseconds(3000);
    ledger_ = connect();
    ASSERT_TRUE(ledger_->ensure_intake());
  }

  std::unique_ptr<DeliveryLedger> connect() {
    auto ledger = DeliveryLedger::connect(config_);
    EXPECT_TRUE(ledger) << ledger.error().message;
    return ledger ? std::move(*ledger) : nullptr;
  }

  AdmitResult admit(const AdmitRequest& r) {
    auto result = ledger_->admit(r);
    EXPECT_TRUE(result) << result.error().message;
    return result ? *result : AdmitResult{};
  }

  std::vector<ClaimedDelivery> claim(std::int64_t now, int max = 16,
                                     std::chrono::milliseconds lease = std::chrono::seconds(60)) {
    auto claimed = ledger_->claim("worker-a", max, now, lease);
    EXPECT_TRUE(claimed) << claimed.error().message;
    return claimed ? *claimed : std::vector<ClaimedDelivery>{};
  }

  // Applies one completion; returns whether it was applied (not stale).
  bool finish(const ClaimedDelivery& d, CompletionOutcome outcome, std::int64_t now, std::int64_t next_at = 0,
              std::string error = {}) {
    return finish_attempt(d.id, d.attempt, outcome, now, next_at, std::move(error));
  }

  bool finish_attempt(const std::string& id, int attempt, CompletionOutcome outcome, std::int64_t now,
                      std::int64_t next_at = 0, std::string error = {}) {
    auto applied = ledger_->apply_completions({completion(id, attempt, outcome, next_at, std::move(error))}, now);
    EXPECT_TRUE(applied) << applied.error().message;
    return applied && applied->size() == 1 && applied->front();
  }

  // A completion as a worker reports it: a delivery gets a post id and URL named after it.
  static Completion completion(const std::string& id, int attempt, CompletionOutcome outcome, std::int64_t next_at = 0,
                               std::string error = {}) {
    Completion c;
    c.id = id;
    c.attempt = attempt;
    c.outcome = outcome;
    c.next_at_ms = next_at;
    c.error = std::move(error);
    c.error_kind = outcome == CompletionOutcome::dead ? FailureKind::permanent : FailureKind::transient;
    if (outcome == CompletionOutcome::delivered) {
      c.receipt.post_id = "post-" + id;
      c.receipt.url = "https://www.linyi.gov.cn/art/" + id;
    }
    return c;
  }

  DeliveryStatus status(const std::string& id) {
    auto found = ledger_->delivery(id);
    EXPECT_TRUE(found) << found.error().message;
    EXPECT_TRUE(found && found->has_value()) << "no delivery " << id;
    return found && found->has_value() ? **found : DeliveryStatus{};
  }

  LaneStatus lane(const std::string& name) {
    auto all = ledger_->lanes();
    EXPECT_TRUE(all) << all.error().message;
    if (all) {
      for (const auto& l : *all) {
        if (l.lane == name) return l;
      }
    }
    ADD_FAILURE() << "no lane " << name;
    return {};
  }

  void set_lane(const std::string& name, int max_in_flight, int per_hour = 0,
                std::chrono::milliseconds min_gap = std::chrono::milliseconds(0)) {
    auto ok = ledger_->set_lanes({LaneLimits{name, max_in_flight, per_hour, min_gap}});
    ASSERT_TRUE(ok) << ok.error().message;
  }

  // Claims and delivers everything due, in dependency order, until nothing is left.
  void deliver_all(std::int64_t now) {
    for (int round = 0; round < 10; ++round) {
      auto claimed = claim(now, 64);
      if (claimed.empty()) return;
      for (const auto& d : claimed) ASSERT_TRUE(finish(d, CompletionOutcome::delivered, now));
    }
  }

  RetractResult retract(const std::string& id, std::int64_t now) {
    auto result = ledger_->retract(id, "数字有误", now);
    EXPECT_TRUE(result) << result.error().message;
    return result ? *result : RetractResult{};
  }

  AdmitRequest correction(const std::string& id, int revision, std::string digest) {
    AdmitRequest r = request(id, {}, std::move(digest));
    r.revision = revision;
    r.now_ms = T0 + 1000;
    r.link_target = "portal|article";
    r.corrections = {{.channel = "portal", .destination = "article", .lane = "portal/site"},
                     {.channel = "microblog", .destination = "lead", .lane = "microblog/lead", .needs_link = true},
                     {.channel = "microblog", .destination = "lanshan", .lane = "microblog/lanshan", .after = "lead"}};
    return r;
  }

  static std::vector<std::string> ids_of(const std::vector<ClaimedDelivery>& claimed) {
    std::vector<std::string> ids;
    for (const auto& d : claimed) ids.push_back(d.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static inline std::unique_ptr<RedisServer> server_;
  RedisConfig config_;
  std::unique_ptr<DeliveryLedger> ledger_;
};

}  // namespace fabu::testing
