// Values shared by the queue and the adapters about one delivery, so neither includes the other.
// Plain values: copy them freely across threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace fabu {

// A lane is the unit of pacing: one platform account, or the portal's writer. The queue enforces its
// limits across every fabud instance sharing the Redis.
struct LaneLimits {
  std::string lane;               // e.g. "microblog/linyi_fabu"
  int max_in_flight = 1;          // deliveries of this lane being sent at once
  int per_hour = 0;               // sends per sliding hour; 0 = unlimited
  std::chrono::milliseconds min_gap{0};  // between two sends
};

// What the queue knows of a release at delivery time.
struct Admission {
  std::int64_t serial = 0;          // per-release number allocated once at admission (portal 索引号)
  std::int64_t admitted_at_ms = 0;  // unix ms; the portal's 发布日期
};

// The result of a delivery that another delivery waited on (the lead's post id, the article URL).
struct DeliveryReceipt {
  std::string post_id;
  std::string url;
  std::string note;  // e.g. "reconciled: found on the account's timeline"
};

}  // namespace fabu
