// One benchmark scenario: a fresh redis-server (AOF on, fsync every second, as production runs it),
// the platform (fabu-sink, the minimal stand-in, or fabu-sandbox, the tests' full one), and either a
// real fabud or the BullMQ baseline worker, driven through a batch of releases while the CPU time of
// every process and Redis's memory are read before and after.
//
// Thread rules: run_scenario() runs on the caller's thread and owns every process it starts; they are
// all stopped before it returns, also when it throws.
#pragma once

#include <cstdint>
#include <string>

namespace fabu::bench {

enum class Engine { fabud, bullmq };
// What the weibo channel posts to: `minimal` = fabu-sink (a fixed reply, a few us per request),
// `sandbox` = fabu-sandbox (checks tokens, keeps timelines, can add latency; ~60-80 us per request).
enum class Sink { minimal, sandbox };
// Scheduled releases (publish_at): `lateness` queues the releases due within one minute and measures
// how late each post reaches the platform; `idle` queues them an hour ahead and measures the CPU the
// waiting costs. `none`: every release due at once (the delivery scenarios).
enum class Schedule { none, lateness, idle };

struct ScenarioSpec {
  std::string name;              // the table's first column
  Engine engine = Engine::fabud;
  int releases = 1;
  int accounts = 500;            // member accounts in the config (the lead comes on top)
  int accounts_per_release = 500;
  bool portal = false;           // every release also targets a portal column (members wait for it)
  Sink sink = Sink::minimal;
  int latency_ms = 0;            // the platform answers each request this late (--latency-ms of either)
  bool tls = false;               // the sink serves HTTPS (a self-signed certificate fabud trusts) and is posted to over it
  double pace_per_second = 0;    // submit (BullMQ: add jobs) at this many deliveries/s; 0 = all at once
  int sandbox_threads = 2;
  // fabud's [daemon] and [http] knobs, 0 = fabud's own default (the BullMQ worker's concurrency is
  // max_in_flight, which it needs above 0).
  int max_in_flight = 512;
  int claim_batch = 128;
  int max_connections = 512;     // [http] max_connections_per_host
  int http_threads = 2;
  std::string http_transport;    // [http] transport ("beast", "cpprest"); "" = fabud's default, no [http] table
  std::string log_level = "info";
  int timeout_seconds = 180;     // give up waiting for the deliveries after this long
  // Targets; 0 = none for this scenario.
  double max_wall_seconds = 0;
  double min_per_second = 0;
  double max_cpu_us = 0;         // fabud (or node) + redis, per delivery
  std::string fabud_bin;          // the fabud to measure
  std::string bullmq_dir;        // folder with bench.mjs and node_modules (Engine::bullmq)
  bool aof = true;                 // appendonly yes + appendfsync everysec; false only to show its cost
  bool redis_commandstats = false;  // print redis-server's per-command time after the run (fabud only)
  bool keep_files = false;       // keep the scratch folder (config, logs, AOF) and say where
  Schedule schedule = Schedule::none;
  int instances = 1;             // fabud processes sharing the Redis (schedule scenarios)
  double max_p99_ms = 0;         // target on p99 (lateness: due -> the platform received the post)
  double max_idle_percent = 0;   // target on idle CPU, % of one core for every fabud and redis together
  int idle_seconds = 30;         // idle: how long the CPU is measured
  int slowlog_us = 1000;         // Redis logs commands at least this long (its longest are reported)
};

struct ScenarioResult {
  std::string name;
  std::int64_t deliveries = 0;   // planned
  std::int64_t delivered = 0;    // reached `delivered` in time
  double wall_seconds = 0;       // first submit -> last delivery recorded
  double per_second = 0;
  double p50_ms = 0;             // per delivery: its release's submit -> its delivery recorded
  double p99_ms = 0;
  double worker_cpu_us = 0;      // fabud or node, per delivery
  double redis_cpu_us = 0;
  double sink_cpu_us = 0;        // the platform's CPU (sink or sandbox), shown apart, in no target
  double redis_bytes_per_delivery = 0;  // growth of Redis's used_memory over the run / delivered
  double record_bytes_per_delivery = 0;  // the delivery records' MEMORY USAGE / delivered (fabud only)
  double redis_max_ms = 0;       // Redis's longest single command during the run (fabud only; SLOWLOG)
  std::string redis_slowest;     // its longest commands with their script names, "" when not measured
  double worker_peak_rss_mb = 0; // fabud's peak resident memory (VmHWM) at the end of the run; 0 = not read
  std::string target;            // what the scenario must meet, "-" when nothing
  bool has_target = false;
  bool passed = false;
  std::string note;              // why it failed or what to look at
  double idle_percent = -1;      // idle: CPU of every fabud and redis-server, % of one core (-1: not measured)
};

ScenarioResult run_scenario(const ScenarioSpec& spec);

}  // namespace fabu::bench
