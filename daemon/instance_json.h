// An instance registry entry (queue/instance_registry.h) as JSON, the one form `fabuctl instances
// --json`, GET /v1/instances and the dashboard's Instances panel all show.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "queue/instance_registry.h"

namespace fabu {

// `state` is the entry's state at `now_ms`.
inline nlohmann::json instance_json(const InstanceRecord& r, std::int64_t now_ms) {
  return {{"name", r.name},           {"state", to_string(instance_state(r, now_ms))},
          {"version", r.version},     {"revision", r.revision},
          {"host", r.host},           {"pid", r.pid},
          {"started_ms", r.started_ms}, {"seen_ms", r.seen_ms},
          {"stopped_ms", r.stopped_ms}, {"lanes", r.lanes}};
}

}  // namespace fabu
