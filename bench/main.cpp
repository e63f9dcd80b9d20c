// fabu-bench: measures fabud's delivery speed and CPU cost against the owner's targets, end to end
// (real redis-server, a real HTTP platform, real fabud), and prints one table. Wiring only: each
// scenario lives in scenario.cpp, the sink's ceiling in sink_ceiling.cpp.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <ranges>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/redis_floor.h"
#include "bench/scenario.h"
#include "bench/sink_ceiling.h"

namespace {

using fabu::bench::Engine;
using fabu::bench::ScenarioResult;
using fabu::bench::ScenarioSpec;
using fabu::bench::Sink;

constexpr const char* kDescription = R"(fabu-bench: how fast fabud delivers, and what it costs in CPU.

Every scenario starts its own redis-server (appendonly yes, appendfsync everysec: production's
persistence), the platform the weibo channel posts to and fabud with a generated config: the weibo
channel with N member accounts, no rate limits; the portal only where said. The platform is --sink:
`minimal` (fabu-sink: a fixed Weibo-shaped reply, one thread, a few us per request; the default) or
`sandbox` (fabu-sandbox, the tests' stand-in: checks tokens, keeps timelines; 60-110 us per request).
fanout gives either one its --fanout-latency-ms (fabu-sink holds each answer that long in a timer
queue of its epoll loop, no thread per request). With --tls the sink serves HTTPS and every
other scenario posts over it (fabud trusts the sink's certificate through [http] ca_file). Releases are queued on the intake
stream (XADD, as press-office systems do) and the clock runs from the first submit to the last delivery
recorded in Redis. CPU is user + system time of each process (/proc/<pid>/stat) over the same window.

Scenarios (--scenarios, comma-separated):
  sink        the platform's ceiling: wrk (Debian package wrk) posts the same form to a fresh fabu-sink
              for --sink-seconds over --sink-connections kept-alive connections. Requests/s and the
              sink's CPU per request. Target: <= 15 us per request.
  fanout      one release to --fanout-accounts member accounts (10,000 by default), the platform
              answering each call after --fanout-latency-ms. Target: the last delivery within 3 s of
              the submit (serial delivery would take accounts x latency; fabud's max_in_flight and
              max_connections_per_host bound how many wait at once). It runs fabud with its own
              defaults for those and claim_batch, unless --max-in-flight, --max-connections or
              --claim-batch is given; the other scenarios pass the values shown below.
  throughput  --releases releases x --per-release accounts each (microblog only), spread over
              --accounts accounts so no account's lane (one send at a time) is the bottleneck; the
              platform answers at once. Targets: >= 13,500 deliveries/s (the owner's figure for 3x
              BullMQ; bullmq measures BullMQ in the same run) and <= 75 us CPU per delivery for fabud
              and redis-server together.
  half-load   throughput's job at half of the deliveries/s throughput measured in this run (run it
              after throughput), releases submitted at that pace for about 10 s: p50/p99 latency
              at half of peak load. No target.
  portal      like throughput with --portal-releases releases that also target a portal column: every
              microblog post waits for its portal article, written by the portal's single writer.
              No target; it shows what the portal writer costs.
  bullmq      the baseline: the throughput job done by a BullMQ worker (bench/bullmq/bench.mjs, after
              `npm ci` there) with concurrency --max-in-flight, POSTing statuses/share.json to the
              same platform for every job; a producer process of its own adds the jobs (its CPU is
              not counted). No target; fabu's throughput target is 3x its rate.
  lateness    1,000 releases with publish_at due within one minute (from 15 s after they are queued),
              each to one of 100 accounts, two fabud instances on one Redis, the sandbox as platform
              (it stamps each post as it receives it). p50/p99 ms: how late each post reached the
              platform after its release's due time. Target: p99 < 100 ms.
  idle        10,000 releases scheduled an hour ahead, two fabud instances: once all are admitted,
              the CPU of both fabud and redis-server over 30 s, in % of one core. Target: < 1 %.
  floor-multi Redis's floor (not fabu): the throughput job's writes alone, decided outside Redis and
              sent as one MULTI/EXEC block per step (admission per release; claim and completion per
              --claim-batch deliveries): each release and its deliveries' states in one hash, each
              delivery in its lane's queue, leases, counts, one log line per delivery. No reads, no
              Lua. "worker" is this program. What any design on one Redis with AOF pays at least for
              the job; compare its redis us/d with throughput's. No target.
  floor-script the same steps, each as one call of a script that checks a fencing token and then runs
              the step's writes: the thinnest Lua a fenced design needs. No target.
  bullmq-half the same for BullMQ: bullmq's job at half of the rate bullmq measured in this run (run it
              after bullmq), its producer adding one release's jobs at a time at that pace.

Columns: deliveries, wall s (first submit -> last delivery), deliveries/s, p50/p99 ms (per delivery:
its release's submit -> its delivery recorded), CPU us per delivery of fabud (node for bullmq), of
redis-server and of both together; the platform's CPU (sink us/d) is shown apart and counted in no
target; redis B/d: growth of Redis's used_memory over the run per delivery (every record kept);
record B/d: what the delivery records themselves take (MEMORY USAGE of each release's `d:` hashes,
`rel:<id>:d` and packed `rel:<id>:settled`, per delivery; 0 for BullMQ); redis max ms: Redis's
longest single command in the run (SLOWLOG, commands of 1 ms and more; every other client of that
Redis waits that long), named per scenario below the table with the next two.
A scenario that fails is reported and the rest still run; a paced scenario whose full one measured
nothing is skipped. Exit status: 0 when every scenario ran and every one with a target passes, 1
otherwise, 2 on a setup failure (bad arguments, or nothing could be measured).
)";

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

void print_table(const std::vector<ScenarioResult>& results) {
  const std::vector<std::string> head = {"scenario", "deliveries", "wall s", "deliv/s", "p50 ms", "p99 ms", "worker us/d",
                                         "redis us/d", "total us/d", "sink us/d", "redis B/d", "record B/d", "redis max ms", "target",
                                         "result"};
  std::vector<std::vector<std::string>> rows = {head};
  for (const auto& r : results) {
    rows.push_back({r.name, std::to_string(r.delivered) + "/" + std::to_string(r.deliveries), fixed(r.wall_seconds, 2),
                    fixed(r.per_second, 0), fixed(r.p50_ms, 0), fixed(r.p99_ms, 0), fixed(r.worker_cpu_us, 1),
                    fixed(r.redis_cpu_us, 1), fixed(r.worker_cpu_us + r.redis_cpu_us, 1), fixed(r.sink_cpu_us, 1), fixed(r.redis_bytes_per_delivery, 0),
                    fixed(r.record_bytes_per_delivery, 0), r.redis_slowest.empty() ? "-" : fixed(r.redis_max_ms, 1),
                    r.target, r.has_target ? (r.passed ? "PASS" : "FAIL") : (r.delivered == r.deliveries ? "ok" : "FAIL")});
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string line = "|";
    for (std::size_t c = 0; c < rows[i].size(); ++c) {
      const std::string& cell = rows[i][c];
      const std::string pad(width[c] - cell.size(), ' ');
      line += " " + (c == 0 || c == 13 ? cell + pad : pad + cell) + " |";
    }
    std::printf("%s\n", line.c_str());
    if (i == 0) {
      std::string rule = "|";
      for (std::size_t c = 0; c < width.size(); ++c) rule += std::string(width[c] + 2, '-') + "|";
      std::printf("%s\n", rule.c_str());
    }
  }
  for (const auto& r : results) {
    if (!r.note.empty()) std::printf("%s: %s\n", r.name.c_str(), r.note.c_str());
    if (!r.redis_slowest.empty()) {
      std::printf("%s: redis's longest commands: %s; fabud's peak RSS %.0f MB\n", r.name.c_str(), r.redis_slowest.c_str(),
                  r.worker_peak_rss_mb);
    }
  }
}

const ScenarioResult* find(const std::vector<ScenarioResult>& results, const std::string& name) {
  for (const auto& r : results) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

void print_comparison(const std::vector<ScenarioResult>& results) {
  const ScenarioResult* fabu = find(results, "throughput");
  const ScenarioResult* bullmq = find(results, "bullmq");
  const ScenarioResult* sink = find(results, "sink");
  if (fabu != nullptr && bullmq != nullptr && bullmq->per_second > 0) {
    const double fabu_cpu = fabu->worker_cpu_us + fabu->redis_cpu_us;
    const double bullmq_cpu = bullmq->worker_cpu_us + bullmq->redis_cpu_us;
    std::printf("fabud vs BullMQ on the same job: %.2fx the deliveries/s, %.2fx less CPU per delivery (worker + redis)\n",
                fabu->per_second / bullmq->per_second, fabu_cpu > 0 ? bullmq_cpu / fabu_cpu : 0.0);
  }
  const ScenarioResult* floor_multi = find(results, "floor-multi");
  const ScenarioResult* floor_script = find(results, "floor-script");
  if (fabu != nullptr && fabu->delivered > 0 && (floor_multi != nullptr || floor_script != nullptr)) {
    std::printf("redis per delivery: throughput %.1f us", fabu->redis_cpu_us);
    for (const ScenarioResult* f : {floor_multi, floor_script}) {
      if (f != nullptr && f->redis_cpu_us > 0) {
        std::printf("; %s %.1f us (%.1fx less)", f->name.c_str(), f->redis_cpu_us, fabu->redis_cpu_us / f->redis_cpu_us);
      }
    }
    std::printf(": the floor is the job's writes alone, decided outside Redis\n");
  }
  for (const ScenarioResult* r : {fabu, bullmq}) {
    if (r == nullptr || r->delivered == 0) continue;
    const double all = r->worker_cpu_us + r->redis_cpu_us + r->sink_cpu_us;
    std::printf("%s: the platform took %.0f%% of the CPU per delivery (worker + redis + platform = %.1f us)", r->name.c_str(),
                all > 0 ? 100.0 * r->sink_cpu_us / all : 0.0, all);
    if (sink != nullptr && sink->per_second > 0) {
      std::printf("; %.0f%% of the sink's ceiling (%.0f requests/s under wrk, %.1f us each)", 100.0 * r->per_second / sink->per_second,
                  sink->per_second, sink->sink_cpu_us);
    }
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(kDescription, "fabu-bench");
  app.get_formatter()->column_width(34);
  std::string scenarios = "sink,fanout,throughput,half-load,bullmq,bullmq-half,floor-multi,floor-script";
  std::string sink = "minimal";
  int sink_seconds = 5;
  int sink_connections = 64;
  ScenarioSpec shared;
  int fanout_accounts = 10000;
  int fanout_latency_ms = 200;
  int releases = 10000;
  int per_release = 10;
  int accounts = 500;
  int portal_releases = 200;
  shared.bullmq_dir = FABU_SOURCE_DIR "/bench/bullmq";
  shared.fabud_bin = FABU_FABUD_BIN;
  app.add_option("--scenarios", scenarios, "which to run: sink, fanout, throughput, half-load, portal, bullmq, bullmq-half, floor-multi, floor-script")
      ->capture_default_str();
  app.add_option("--sink", sink, "what the weibo channel posts to: minimal (fabu-sink) or sandbox (fabu-sandbox)")
      ->capture_default_str()->check(CLI::IsMember({"minimal", "sandbox"}));
  app.add_flag("--tls", shared.tls,
               "the sink serves HTTPS (a self-signed certificate for 127.0.0.1) and fabud, BullMQ and wrk post over it");
  app.add_option("--sink-seconds", sink_seconds, "sink: how long wrk runs")->capture_default_str()->check(CLI::Range(1, 600));
  app.add_option("--sink-connections", sink_connections, "sink: wrk's kept-alive connections")
      ->capture_default_str()->check(CLI::Range(1, 10000));
  app.add_option("--fanout-accounts", fanout_accounts, "fanout: member accounts the release goes to")
      ->capture_default_str()->check(CLI::Range(1, 20000));
  app.add_option("--fanout-latency-ms", fanout_latency_ms, "fanout: the platform's delay per call")
      ->capture_default_str()->check(CLI::Range(0, 10000));
  app.add_option("--releases", releases, "throughput/bullmq: releases queued")->capture_default_str()->check(CLI::Range(1, 1000000));
  app.add_option("--per-release", per_release, "throughput/portal/bullmq: accounts each release targets")
      ->capture_default_str()->check(CLI::Range(1, 5000));
  app.add_option("--accounts", accounts, "throughput/portal/bullmq: member accounts configured")
      ->capture_default_str()->check(CLI::Range(1, 5000));
  app.add_option("--portal-releases", portal_releases, "portal: releases queued")->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--max-in-flight", shared.max_in_flight, "fabud [daemon] max_in_flight; BullMQ concurrency")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--claim-batch", shared.claim_batch, "fabud [daemon] claim_batch")->capture_default_str()->check(CLI::Range(1, 10000));
  app.add_option("--max-connections", shared.max_connections, "fabud [http] max_connections_per_host")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--http-threads", shared.http_threads, "fabud [http] threads")->capture_default_str()->check(CLI::Range(1, 256));
  app.add_option("--http-transport", shared.http_transport, "fabud [http] transport (beast, cpprest); default: fabud's own")
      ->check(CLI::IsMember({"beast", "cpprest"}));
  app.add_option("--sandbox-threads", shared.sandbox_threads, "fabu-sandbox --threads")->capture_default_str()->check(CLI::Range(1, 256));
  app.add_option("--log-level", shared.log_level, "fabud log_level (info logs one line per delivery)")->capture_default_str();
  app.add_option("--timeout", shared.timeout_seconds, "seconds to wait for a scenario's deliveries")->capture_default_str();
  app.add_option("--fabud", shared.fabud_bin, "the fabud binary to measure (to compare two builds)")->capture_default_str();
  app.add_option("--bullmq-dir", shared.bullmq_dir, "folder of bench.mjs with node_modules installed")->capture_default_str();
  app.add_flag("--no-aof{false}", shared.aof, "run redis-server without its append-only file (only to show what AOF costs)");
  app.add_flag("--redis-commandstats", shared.redis_commandstats,
               "print where redis-server spent its time, per command, after each fabud scenario");
  app.add_flag("--keep-files", shared.keep_files, "keep each scenario's config, logs and AOF, and print where");
  CLI11_PARSE(app, argc, argv);

  shared.sink = sink == "sandbox" ? Sink::sandbox : Sink::minimal;
  std::vector<ScenarioSpec> specs;
  std::istringstream names(scenarios);
  for (std::string name; std::getline(names, name, ',');) {
    ScenarioSpec spec = shared;
    spec.name = name;
    if (name == "sink") {
      // measured apart: no fabud, see below
    } else if (name == "fanout") {
      spec.releases = 1;
      spec.accounts = spec.accounts_per_release = fanout_accounts;
      spec.latency_ms = fanout_latency_ms;
      spec.max_wall_seconds = 3;
      // fabud's own defaults are what the target is about, unless a knob is given.
      if (app.count("--max-in-flight") == 0) spec.max_in_flight = 0;
      if (app.count("--claim-batch") == 0) spec.claim_batch = 0;
      if (app.count("--max-connections") == 0) spec.max_connections = 0;
    } else if (name == "throughput" || name == "half-load" || name == "portal" || name == "bullmq" || name == "bullmq-half") {
      spec.releases = name == "portal" ? portal_releases : releases;
      spec.accounts = accounts;
      spec.accounts_per_release = std::min(per_release, accounts);
      spec.portal = name == "portal";
      spec.engine = name.starts_with("bullmq") ? Engine::bullmq : Engine::fabud;
      if (name == "throughput") {
        spec.min_per_second = 13500;
        spec.max_cpu_us = 75;
      }
    } else if (name == "floor-multi" || name == "floor-script") {
      spec.releases = releases;
      spec.accounts = accounts;
      spec.accounts_per_release = std::min(per_release, accounts);
    } else if (name == "lateness" || name == "idle") {
      spec.schedule = name == "lateness" ? fabu::bench::Schedule::lateness : fabu::bench::Schedule::idle;
      spec.releases = name == "lateness" ? 1000 : 10000;
      spec.accounts = 100;
      spec.accounts_per_release = 1;
      spec.instances = 2;
      spec.sink = Sink::sandbox;  // it stamps each post as it arrives
      spec.max_p99_ms = name == "lateness" ? 100 : 0;
      spec.max_idle_percent = name == "idle" ? 1 : 0;
    } else {
      std::fprintf(stderr, "fabu-bench: unknown scenario '%s' (see --help)\n", name.c_str());
      return 2;
    }
    specs.push_back(spec);
  }

  // A paced scenario runs at half of what its full one measured earlier in the same run: checked before
  // anything runs, so a misordered list costs no minutes.
  auto full_of = [](const std::string& name) { return name == "half-load" ? "throughput" : "bullmq"; };
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name != "half-load" && specs[i].name != "bullmq-half") continue;
    const auto before = std::ranges::subrange(specs.begin(), specs.begin() + static_cast<std::ptrdiff_t>(i));
    if (std::ranges::none_of(before, [&](const auto& s) { return s.name == full_of(specs[i].name); })) {
      std::fprintf(stderr, "fabu-bench: %s needs a %s run before it in --scenarios\n", specs[i].name.c_str(),
                   full_of(specs[i].name));
      return 2;
    }
  }

  // A scenario that fails is reported and the others still run: the table shows what was measured.
  std::vector<ScenarioResult> results;
  bool failed = false;
  for (auto& spec : specs) {
    if (spec.name == "half-load" || spec.name == "bullmq-half") {
      const ScenarioResult* peak = find(results, full_of(spec.name));
      if (peak == nullptr || peak->per_second <= 0) {
        std::fprintf(stderr, "fabu-bench: %s skipped: %s measured no deliveries/s\n", spec.name.c_str(),
                     full_of(spec.name));
        failed = true;
        continue;
      }
      spec.pace_per_second = peak->per_second / 2;
      // About ten seconds of load at that pace, at most --releases.
      spec.releases = std::clamp(static_cast<int>(spec.pace_per_second * 10 / spec.accounts_per_release), 1, spec.releases);
    }
    if (spec.name == "sink") {
      std::fprintf(stderr, "fabu-bench: running sink (wrk, %d s, %d connections)...\n", sink_seconds, sink_connections);
    } else {
      std::fprintf(stderr, "fabu-bench: running %s (%d releases x %d accounts%s)...\n", spec.name.c_str(), spec.releases,
                   spec.accounts_per_release, spec.pace_per_second > 0 ? ", paced" : "");
    }
    try {
      if (spec.name == "sink") {
        results.push_back(fabu::bench::measure_sink_ceiling(spec, sink_seconds, sink_connections));
      } else if (spec.name.starts_with("floor-")) {
        const auto step = spec.name == "floor-multi" ? fabu::bench::FloorStep::multi : fabu::bench::FloorStep::script;
        results.push_back(fabu::bench::measure_redis_floor(spec, step));
      } else {
        results.push_back(fabu::bench::run_scenario(spec));
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fabu-bench: %s failed: %s\n", spec.name.c_str(), e.what());
      failed = true;
    }
  }
  print_table(results);
  print_comparison(results);
  if (failed && results.empty()) return 2;
  for (const auto& r : results) {
    if ((r.has_target && !r.passed) || r.delivered != r.deliveries) failed = true;
  }
  return failed ? 1 : 0;
}
