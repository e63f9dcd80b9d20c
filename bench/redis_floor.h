// Redis's floor: what redis-server spends on one delivery's writes when every decision is made outside
// it. Not fabu: a yardstick for the Redis part of fabud's cost (docs/BENCHMARKS.md, "Redis's floor").
//
// The job has the throughput scenario's shape (spec.releases releases, each to accounts_per_release of
// spec.accounts accounts, steps of claim_batch deliveries) and sends only the writes a delivery cannot
// do without, with no reads and no Lua per delivery: admission (the release, its deliveries' states in
// one hash, each delivery in its lane's queue, a log line), the claim (each head out of its lane's
// queue, states `sending`, leases) and the completion (states `delivered`, leases gone, the release's
// count, a log line per delivery).
// `floor-multi` sends each step as one MULTI/EXEC block, one round trip; `floor-script` as one call of
// the thinnest script a fenced design needs: it compares a fencing token, then runs the step's writes.
//
// Thread rules: measure_redis_floor() runs on the caller's thread and stops the redis-server it starts.
#pragma once

#include "bench/scenario.h"
#include "config/config.h"

namespace fabu::bench {

enum class FloorStep { multi, script };

struct FloorJob {
  int releases = 1;
  int per_release = 10;   // deliveries of each release, to consecutive accounts
  int accounts = 500;
  int batch = 128;        // deliveries per claim and per completion step
  bool set_token = true;  // write the fencing token first (false: a test's own token stays, and is refused)
};

// Sends the job to `redis`, its keys under `<prefix>:{<prefix>}:`: afterwards every delivery's state
// in `rel:<release>:s` is `delivered`, the lane queues and `inflight` are empty, each release's `done`
// is its delivery count and `log` holds a line per release and per delivery. Throws on any failure
// (with FloorStep::script: "fenced" when the token in Redis is another).
void run_floor_job(const RedisConfig& redis, FloorStep step, const FloorJob& job);

// Runs the job against a fresh redis-server with spec's persistence. The row: deliveries/s of the
// whole job, the driver's CPU per delivery as "worker", redis-server's as "redis", Redis's memory
// growth per delivery.
ScenarioResult measure_redis_floor(const ScenarioSpec& spec, FloorStep step);

}  // namespace fabu::bench
