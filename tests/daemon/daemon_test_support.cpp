#include "tests/daemon/daemon_test_support.h"

#include <thread>

#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include "config/config.h"
#include "tests/integration/harness.h"

namespace fabu::testing {
namespace {

class ScriptedAdapter : public Adapter {
 public:
  explicit ScriptedAdapter(std::shared_ptr<AdapterScript> script) : script_(std::move(script)) {}
  std::string_view type() const override { return "scripted"; }
  std::expected<std::vector<PlannedDelivery>, FieldErrors> plan(const Release&, const std::string& channel,
                                                                const std::vector<std::string>& targets) const override {
    const bool has_lead = std::find(targets.begin(), targets.end(), "lead") != targets.end();
    std::vector<PlannedDelivery> out;
    for (const auto& t : targets) out.push_back({t, channel + "/" + t, t == "repost" && has_lead ? "lead" : "", false});
    return out;
  }
  std::vector<LaneLimits> lanes(const std::string&) const override { return {}; }
  void deliver(const DeliveryJob& job, DeliveryCallback done) override { script_->deliver(job, std::move(done)); }
  void retract(const DeliveryJob&, const DeliveryReceipt&, RetractCallback done) override {
    done(fail(Error::config("the scripted adapter does not retract")));
  }

 private:
  std::shared_ptr<AdapterScript> script_;
};

class ScriptedFactory : public AdapterFactory {
 public:
  explicit ScriptedFactory(std::shared_ptr<AdapterScript> script) : script_(std::move(script)) {}
  std::string_view type() const override { return "scripted"; }
  std::expected<std::unique_ptr<Adapter>, ConfigErrors> create(const ChannelConfig&, const std::string&,
                                                               AdapterEnv&) const override {
    return std::make_unique<ScriptedAdapter>(script_);
  }

 private:
  std::shared_ptr<AdapterScript> script_;
};

}  // namespace

void AdapterScript::answer(const std::string& destination, std::vector<Result<DeliveryReceipt>> replies) {
  std::lock_guard lock(mu_);
  for (auto& r : replies) replies_[destination].push_back(std::move(r));
}

void AdapterScript::hold(const std::string& destination) {
  std::lock_guard lock(mu_);
  ++holds_[destination];
}

bool AdapterScript::answer_held(Result<DeliveryReceipt> reply) {
  DeliveryCallback done;
  {
    std::lock_guard lock(mu_);
    if (held_.empty()) return false;
    done = std::move(held_.front());
    held_.pop_front();
  }
  done(std::move(reply));
  return true;
}

void AdapterScript::deliver(const DeliveryJob& job, DeliveryCallback done) {
  Result<DeliveryReceipt> reply = DeliveryReceipt{"post-" + job.destination + "-" + std::to_string(job.attempt), "", ""};
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(job);
    job_times_.push_back(std::chrono::steady_clock::now());
    if (holds_[job.destination] > 0) {
      --holds_[job.destination];
      held_.push_back(std::move(done));
      return;
    }
    if (auto& queue = replies_[job.destination]; !queue.empty()) {
      reply = std::move(queue.front());
      queue.pop_front();
    }
  }
  done(std::move(reply));
}

std::vector<DeliveryJob> AdapterScript::jobs() const {
  std::lock_guard lock(mu_);
  return jobs_;
}

std::vector<std::chrono::steady_clock::time_point> AdapterScript::job_times() const {
  std::lock_guard lock(mu_);
  return job_times_;
}

int AdapterScript::held_count() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(held_.size());
}

ScriptedChannels scripted_channels(const std::string& extra_toml) {
  ScriptedChannels out;
  AdapterRegistry registry;
  registry.add(std::make_unique<ScriptedFactory>(out.script));
  auto config = parse_config(test_approval_toml() + "\n" + extra_toml + "[channels.board]\ntype = \"scripted\"\n", "test.toml");
  EXPECT_TRUE(config.has_value());
  if (!config) return out;
  AdapterEnv env;
  auto set = ChannelSet::create(**config, registry, env);
  EXPECT_TRUE(set.has_value());
  if (set) out.channels = *set;
  out.approval = (*config)->approval;
  return out;
}

std::string board_release(const std::string& id, const std::string& targets_json) {
  return release_json(id, R"({"board":)" + targets_json + "}");
}

IntakeEntry intake_entry(const std::string& entry_id, const std::string& payload, std::int64_t deliveries) {
  IntakeEntry e;
  e.entry_id = entry_id;
  e.payload = payload;
  e.format = "json";
  e.has_release = true;
  e.deliveries = deliveries;
  return e;
}

CapturedLog::CapturedLog()
    : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(4096)),
      log_([this] {
        auto logger = std::make_shared<spdlog::logger>("captured", sink_);
        logger->set_pattern("%v");
        return logger;
      }()) {}

std::vector<nlohmann::json> CapturedLog::lines() const {
  std::vector<nlohmann::json> out;
  for (const auto& line : sink_->last_formatted()) {
    out.push_back(nlohmann::json::parse(line.substr(0, line.find_last_not_of("\r\n") + 1)));
  }
  return out;
}

std::vector<nlohmann::json> CapturedLog::deliveries(const std::string& outcome) const {
  std::vector<nlohmann::json> out;
  for (auto& line : lines()) {
    if (line.value("event", "") == "delivery" && line.value("outcome", "") == outcome) out.push_back(std::move(line));
  }
  return out;
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace fabu::testing
