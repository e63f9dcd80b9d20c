// LaneOwners: which fabud instance owns each lane (docs/proposals/owned-lanes.md, step 2).
//
// Every instance renews a liveness key (`inst:<token>`, its token being `<name>:<epoch>`, new at
// every start; the key holds the name and expires after the lease) and, in the same script, takes
// free lanes up to its fair share (lanes / live instances, rounded up) or hands back idle lanes above
// it; while another live instance holds fewer than the share rounded down, it keeps no more than
// that. A lane is free when nobody owns it or its owner's token is no longer live: stopped (it hands
// its lanes back), or killed and its lease ran out. So lanes spread over the instances running, and an
// instance's lanes pass to the others one lease after it dies.
//
// Observable only, for now: claims still go through the claim script whoever owns a lane, and
// `fabuctl lanes` shows the owners. The owner's dispatch (step 3) will rely on exactly this.
//
// Keys (docs/PROTOCOL.md): `inst:<token>` (string: the name, PX lease), `insts` (set of tokens),
// `lown` (hash lane -> token), `lown:n` (hash token -> lanes owned), `lown_epoch` (counter).
//
// Thread rules: one LaneOwners per thread (it owns one Redis connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "queue/redis_connection.h"

namespace fabu {

// What one renewal did.
struct OwnershipRound {
  int owned = 0;      // lanes this instance owns after it
  int taken = 0;      // of which it took now
  int handed_back = 0;
  int instances = 0;  // live instances counted, this one included
  int lanes = 0;      // lanes in all
};

struct LaneOwner {
  std::string lane;
  std::string instance;
  bool live = false;  // the owner's liveness key is there (else the lane is free for the taking)
};

class LaneOwners {
 public:
  explicit LaneOwners(RedisConfig config);

  // A token no other ownership ever had: "<name>:<n>", n from the `lown_epoch` counter.
  Result<std::string> new_token(const std::string& name);

  // Renews `name`'s liveness for `lease` and rebalances its lanes.
  Result<OwnershipRound> renew(const std::string& name, const std::string& token, std::chrono::milliseconds lease);

  // Hands back every lane `token` owns and ends its liveness. Returns how many it owned.
  Result<int> release(const std::string& name, const std::string& token);

  // Every owned lane, sorted by lane.
  Result<std::vector<LaneOwner>> list();

 private:
  RedisConnection redis_;
  std::string base_;
};

// How many lanes each live instance owns, by name (for `fabuctl instances`), on the caller's
// connection; liveness as the scripts above judge it.
Result<std::map<std::string, int>> lanes_by_instance(RedisConnection& redis, const std::string& base);

}  // namespace fabu
