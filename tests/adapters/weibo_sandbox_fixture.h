// A Weibo adapter over one real transport ("beast" or "cpprest", the test parameter) against a real
// sandbox platform process, with the sandbox's admin view of its posts and faults.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/http_transport.h"
#include "tests/adapters/weibo_test_support.h"
#include "tests/support/servers.h"

namespace fabu::testing {

class WeiboSandboxFixture : public ::testing::TestWithParam<std::string> {
 protected:
  WeiboSandboxFixture() : sandbox_({"--safe-domain", "www.linyi.gov.cn", "--expired-token", "tok-jiaoyu"}) {}

  void SetUp() override {
    if (GetParam() == "cpprest") {
      http_ = make_cpprest_transport_factory();
    } else {
      auto beast = make_beast_transport_factory({});
      ASSERT_TRUE(beast.has_value()) << beast.error().message;
      http_ = std::move(*beast);
    }
    env_.http = http_.get();
    create_adapter(weibo_hall_toml(sandbox_.base_url()));
  }

  void create_adapter(const std::string& toml_text) {
    auto created = make_weibo_adapter_factory()->create(weibo_channel_from(toml_text), "fabu.toml", env_);
    ASSERT_TRUE(created.has_value()) << created.error().front().to_string();
    adapter_ = std::move(*created);
  }

  Result<DeliveryReceipt> deliver(const DeliveryJob& job) {
    Outcome<Result<DeliveryReceipt>> outcome;
    adapter_->deliver(job, outcome.callback());
    return outcome.wait();
  }

  // Every status the sandbox holds, deleted ones included, oldest first.
  nlohmann::json posts() {
    const auto response = http_request(sandbox_.port(), "GET", "/_sandbox/posts");
    EXPECT_EQ(response.status, 200) << response.body;
    return nlohmann::json::parse(response.body)["posts"];
  }

  void set_faults(const std::string& json) {
    const auto response = http_request(sandbox_.port(), "POST", "/_sandbox/faults", json);
    ASSERT_EQ(response.status, 200) << response.body;
  }

  SandboxServer sandbox_;
  std::unique_ptr<HttpTransportFactory> http_;
  AdapterEnv env_;
  std::unique_ptr<Adapter> adapter_;
};

}  // namespace fabu::testing
