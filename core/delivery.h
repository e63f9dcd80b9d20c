// Values shared by the queue and the adapters about one delivery, so neither includes the other.
// Plain values: copy them freely across threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fabu {

// What a delivery does on its destination. The names are stored in Redis and shown to operators.
enum class Operation {
  publish,  // put the release (revision) out
  retract,  // take it back: delete the post, replace the article with a withdrawal notice
  correct,  // bring what went out up to a newer revision (a note, or the article updated in place)
};
std::string_view to_string(Operation op);
std::optional<Operation> operation_from(std::string_view name);

// A lane is the unit of pacing: one platform account, or the portal's writer. The queue enforces its
// limits across every fabud instance sharing the Redis.
struct LaneLimits {
  std::string lane;               // e.g. "microblog/linyi_fabu"
  int max_in_flight = 1;          // deliveries of this lane being sent at once
  int per_hour = 0;               // sends per sliding hour; 0 = unlimited
  std::chrono::milliseconds min_gap{0};  // between two sends
  // Lanes that share a quota (a Weibo app: every account of one channel posts through it): at most
  // group_per_hour sends per sliding hour of all of them together; "" or 0 = no shared quota.
  std::string group;
  int group_per_hour = 0;
};

// What the queue knows of a release at delivery time.
struct Admission {
  std::int64_t serial = 0;          // per-release number allocated once at admission (portal 索引号)
  std::int64_t admitted_at_ms = 0;  // unix ms, when the release was admitted (the portal dates articles by their first write)
};

// The result of a delivery that another delivery waited on (the lead's post id, the article URL).
struct DeliveryReceipt {
  std::string post_id;
  std::string url;
  std::string note;  // e.g. "reconciled: found on the account's timeline"
};

}  // namespace fabu
