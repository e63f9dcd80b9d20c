#include "queue/instance_registry.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "queue/lane_owners.h"

namespace fabu {
namespace {

// An announcement is late after three periods: one lost to a slow Redis is not yet silence.
constexpr std::int64_t kSilentAfterPeriods = 3;

std::string record_json(const InstanceRecord& r) {
  return nlohmann::json{{"version", r.version},     {"revision", r.revision},   {"host", r.host},
                        {"pid", r.pid},             {"started_ms", r.started_ms}, {"seen_ms", r.seen_ms},
                        {"stopped_ms", r.stopped_ms}, {"period_ms", r.period_ms}}
      .dump();
}

// Reads a field only when it has the expected type: a hand-edited or foreign entry never throws.
std::string text_of(const nlohmann::json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t number_of(const nlohmann::json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

InstanceRecord record_from(const std::string& name, const std::string& text) {
  InstanceRecord r;
  r.name = name;
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return r;
  r.version = text_of(doc, "version");
  r.revision = text_of(doc, "revision");
  r.host = text_of(doc, "host");
  r.pid = number_of(doc, "pid");
  r.started_ms = number_of(doc, "started_ms");
  r.seen_ms = number_of(doc, "seen_ms");
  r.stopped_ms = number_of(doc, "stopped_ms");
  r.period_ms = number_of(doc, "period_ms");
  return r;
}

}  // namespace

std::string_view to_string(InstanceState state) {
  switch (state) {
    case InstanceState::running: return "running";
    case InstanceState::stopped: return "stopped";
    case InstanceState::silent: return "silent";
  }
  return "silent";
}

InstanceState instance_state(const InstanceRecord& record, std::int64_t now_ms) {
  if (record.stopped_ms > 0) return InstanceState::stopped;
  if (record.seen_ms <= 0 || record.period_ms <= 0) return InstanceState::silent;
  return now_ms - record.seen_ms <= kSilentAfterPeriods * record.period_ms ? InstanceState::running
                                                                          : InstanceState::silent;
}

InstanceRegistry::InstanceRegistry(RedisConfig config)
    : redis_(config), base_(key_base(config)), key_(base_ + "instances") {}

Result<std::optional<InstanceRecord>> InstanceRegistry::announce(const InstanceRecord& self) {
  if (self.name.empty()) return fail(Error::invalid("an instance needs a name to announce itself"));
  auto entries = list();
  if (!entries) return fail(entries.error());
  auto written = redis_.command({"HSET", key_, self.name, record_json(self)});
  if (!written) return fail(written.error());
  if (reply_is_error(written->get())) return fail(redis_error_reply(**written, "HSET instances"));
  const auto before = [&](std::chrono::hours age) {
    return self.seen_ms - std::chrono::duration_cast<std::chrono::milliseconds>(age).count();
  };
  std::optional<InstanceRecord> replaced;
  RedisArgs forget = {"HDEL", key_};
  for (auto& e : *entries) {
    if (e.name == self.name) {
      replaced = std::move(e);
      continue;
    }
    const bool stopped_long_ago = e.stopped_ms > 0 && e.stopped_ms < before(kForgetStoppedAfter);
    if (stopped_long_ago || e.seen_ms < before(kForgetAfter)) forget.push_back(e.name);
  }
  if (forget.size() > 2) {
    auto removed = redis_.command(forget);
    if (!removed) return fail(removed.error());
    if (reply_is_error(removed->get())) return fail(redis_error_reply(**removed, "HDEL instances"));
  }
  return replaced;
}

Result<std::vector<InstanceRecord>> InstanceRegistry::list() {
  auto reply = redis_.command({"HGETALL", key_});
  if (!reply) return fail(reply.error());
  if (reply_is_error(reply->get())) return fail(redis_error_reply(**reply, "HGETALL instances"));
  std::vector<InstanceRecord> out;
  for (std::size_t i = 0; i + 1 < reply_size(reply->get()); i += 2) {
    out.push_back(record_from(reply_string(reply_at(reply->get(), i)), reply_string(reply_at(reply->get(), i + 1))));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  auto lanes = lanes_by_instance(redis_, base_);
  if (!lanes) return fail(lanes.error());
  for (auto& r : out) {
    if (auto it = lanes->find(r.name); it != lanes->end()) r.lanes = it->second;
  }
  return out;
}

}  // namespace fabu
