#include "bench/scenario.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_processes.h"
#include "bench/redis_slowlog.h"
#include "bench/sink_ceiling.h"
#include "queue/delivery_ledger.h"

namespace fabu::bench {

namespace {

using namespace std::chrono_literals;

constexpr const char* kSafeDomain = "www.linyi.gov.cn";
constexpr const char* kPrefix = "bench";

std::string account_id(int index) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "m%04d", index);
  return buffer;
}

std::string token_of(const std::string& account) { return "bench-token-" + account; }

// The accounts release `index` targets: a window that moves along the member list, so consecutive
// releases use different lanes and no single account (one send at a time) becomes the bottleneck.
std::vector<std::string> targets_of(const ScenarioSpec& spec, int index) {
  std::vector<std::string> out;
  for (int i = 0; i < spec.accounts_per_release; ++i) {
    out.push_back(account_id((index * spec.accounts_per_release + i) % spec.accounts));
  }
  return out;
}

std::string release_payload(const ScenarioSpec& spec, int index) {
  nlohmann::json microblog = nlohmann::json::array();
  if (spec.accounts_per_release >= spec.accounts) {
    microblog.push_back("all");
  } else {
    for (const auto& account : targets_of(spec, index)) microblog.push_back(account);
  }
  nlohmann::json targets = {{"microblog", microblog}};
  if (spec.portal) targets["portal"] = {"tzgg"};
  // The number leads the text: the platform refuses a repeated text from one account (20019).
  const std::string summary = "第" + std::to_string(index) + "期：市政府新闻办今天举行新闻发布会，介绍全市政务公开工作情况。";
  nlohmann::json release = {
      {"id", "bench-" + std::to_string(index)},
      {"kind", "news"},
      {"title", "临沂市政务公开工作新闻发布会（第" + std::to_string(index) + "期）"},
      {"summary", summary},
      {"body", "## 发布内容\n\n" + summary + "\n"},
      {"issuer", "临沂市人民政府新闻办公室"},
      {"formed_at", "2026-11-20"},
      {"disclosure", "主动公开"},
      {"link", std::string("https://") + kSafeDomain + "/xw/" + std::to_string(index) + ".html"},
      {"targets", targets},
      {"approval", {{"approver", "王晓明（市政府新闻办）"}, {"approved_at", "2026-11-25T09:30:00+08:00"}}},
  };
  return release.dump();
}

std::string account_toml(const std::string& id, const std::string& group) {
  std::ostringstream s;
  s << "[[channels.microblog.accounts]]\nid = \"" << id << "\"\nname = \"" << id << "发布\"\nunit = \"" << id
    << "单位\"\ngroup = \"" << group << "\"\nuid = \"" << 6000000000LL + static_cast<long long>(std::hash<std::string>{}(id) % 1000000)
    << "\"\ntoken = \"" << token_of(id) << "\"\nmode = \"post\"\nposts_per_hour = 0\nmin_gap_seconds = 0\n";
  return s.str();
}

// `api_base` is the platform's Weibo API root; `ca_file` the certificate to trust for it ("" = none).
std::string fabud_config(const ScenarioSpec& spec, const std::string& dir, int redis_port, const std::string& api_base,
                         const std::string& ca_file) {
  std::ostringstream s;
  s << "[redis]\nhost = \"127.0.0.1\"\nport = " << redis_port << "\nprefix = \"" << kPrefix << "\"\n\n";
  // A knob at 0 is left out: fabud's own default applies.
  s << "[daemon]\ninstance = \"bench\"\n";
  if (spec.max_in_flight > 0) s << "max_in_flight = " << spec.max_in_flight << "\n";
  if (spec.claim_batch > 0) s << "claim_batch = " << spec.claim_batch << "\n";
  s << "lease_seconds = 60\nlog_file = \"" << dir << "/fabud.log\"\nlog_level = \"" << spec.log_level << "\"\n\n";
  s << "[http]\nthreads = " << spec.http_threads << "\n";
  if (spec.max_connections > 0) s << "max_connections_per_host = " << spec.max_connections << "\n";
  if (!spec.http_transport.empty()) s << "transport = \"" << spec.http_transport << "\"\n";
  if (!ca_file.empty()) s << "ca_file = \"" << ca_file << "\"\n";
  s << "\n";
  // The benchmark measures delivery, not approval: its releases are unsigned (fabud warns at start).
  s << "[approval]\nrequire_signature = false\n\n";
  s << "[retry]\nmax_attempts = 3\nbase_ms = 500\ncap_ms = 2000\nrequest_timeout_ms = 15000\n\n";
  if (spec.portal) {
    s << "[channels.portal]\ntype = \"portal\"\noutput_dir = \"" << dir << "/portal\"\nbase_url = \"https://" << kSafeDomain
      << "\"\nsite_name = \"临沂市人民政府\"\norg_code = \"01527918X\"\n[[channels.portal.columns]]\nid = \"tzgg\"\nname = "
         "\"通知公告\"\n\n";
  }
  s << "[channels.microblog]\ntype = \"weibo\"\napi_base = \"" << api_base << "\"\nsafe_domain = \""
    << kSafeDomain << "\"\nlead = \"lead\"\nhall = \"临沂政务微博发布厅\"\n\n";
  s << account_toml("lead", "lead");
  for (int i = 0; i < spec.accounts; ++i) s << account_toml(account_id(i), "county");
  return s.str();
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// Posts the platform has answered so far (both serve {"posts":N}); -1 when it cannot be read.
std::int64_t platform_posts(int port, bool sandbox) {
  const auto stats = nlohmann::json::parse(http_get(port, sandbox ? "/_sandbox/stats" : "/_sink/stats"), nullptr, false);
  if (!stats.is_object() || !stats.contains("posts") || !stats["posts"].is_number_integer()) return -1;
  return stats["posts"].get<std::int64_t>();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// MEMORY USAGE of the delivery records of releases bench-0 .. bench-(releases - 1): each `d:` hash and
// `waiters:` set, `rel:<id>:d` and the packed `rel:<id>:settled` (docs/PROTOCOL.md, "Retention");
// -1 when unreadable.
std::int64_t delivery_record_bytes(int port, int releases) {
  const std::string script =
      "local base, total = ARGV[1], 0 "
      "local function usage(key) return redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') or 0 end "
      "for i = 0, tonumber(ARGV[2]) - 1 do "
      "  local rk = base .. 'rel:bench-' .. i "
      "  total = total + usage(rk .. ':d') + usage(rk .. ':settled') "
      "  for _, id in ipairs(redis.call('SMEMBERS', rk .. ':d')) do "
      "    total = total + usage(base .. 'd:' .. id) + usage(base .. 'waiters:' .. id) "
      "  end "
      "end "
      "return total";
  const std::string command = "redis-cli -p " + std::to_string(port) + " EVAL \"" + script + "\" 0 '" + kPrefix + ":{" +
                              kPrefix + "}:' " + std::to_string(releases);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return -1;
  char line[128];
  if (std::fgets(line, sizeof line, pipe.get()) == nullptr) return -1;
  return std::atoll(line);
}

// Where redis-server spent its time, per command (scripts count as EVALSHA plus their inner calls).
void print_commandstats(const std::string& scenario, int port) {
  const std::string command = "redis-cli -p " + std::to_string(port) + " INFO commandstats";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return;
  std::fprintf(stderr, "%s: redis INFO commandstats\n", scenario.c_str());
  char line[512];
  while (std::fgets(line, sizeof line, pipe.get()) != nullptr) {
    if (std::string_view(line).starts_with("cmdstat_")) std::fprintf(stderr, "  %s", line);
  }
}

// The servers every scenario shares: redis-server with production persistence and the platform the
// weibo channel posts to (fabu-sink or fabu-sandbox).
struct Platform {
  ScratchDir dir;
  int redis_port = free_port();
  int sink_port = free_port();      // plain HTTP: the sandbox, or the sink's posts and its stats
  int sink_tls_port = free_port();  // the sink's HTTPS, with spec.tls
  bool sandbox_runs = false;
  std::string api_base;             // what the weibo channel (and BullMQ) posts to
  std::string ca_file;              // the sink's certificate with spec.tls, else 
  Subprocess redis;
  Subprocess sink;

  explicit Platform(const ScenarioSpec& spec) {
    if (spec.keep_files) dir.keep();
    redis = Subprocess(redis_server_command(redis_port, dir.path(), spec.aof), dir.path() + "/redis.log");
    sandbox_runs = spec.sink == Sink::sandbox;
    if (sandbox_runs) {
      sink = Subprocess({FABU_SANDBOX_BIN, "--port", std::to_string(sink_port), "--safe-domain", kSafeDomain, "--latency-ms",
                         std::to_string(spec.latency_ms), "--threads", std::to_string(spec.sandbox_threads)},
                        dir.path() + "/sandbox.log");
    } else {
      const auto certificate = spec.tls ? std::optional(make_loopback_certificate(dir.path())) : std::nullopt;
      if (certificate) ca_file = certificate->cert;
      sink = Subprocess(sink_command(sink_port, sink_tls_port, certificate ? &*certificate : nullptr, spec.latency_ms),
                        dir.path() + "/sink.log");
    }
    if (spec.tls && spec.sink == Sink::sandbox) throw std::runtime_error("--tls needs --sink minimal (the sandbox speaks HTTP)");
    const bool https = !ca_file.empty();
    api_base = std::string(https ? "https" : "http") + "://127.0.0.1:" + std::to_string(https ? sink_tls_port : sink_port) + "/2/";
    if (!wait_for_port(redis_port)) throw std::runtime_error("redis-server did not start (is it installed?)");
    if (!wait_for_port(https ? sink_tls_port : sink_port)) throw std::runtime_error("the platform did not start: see " + dir.path());
  }

  std::int64_t posts() const { return platform_posts(sink_port, sandbox_runs); }
};

// A ledger on the scenario's Redis, its intake stream created.
std::unique_ptr<DeliveryLedger> bench_ledger(const Platform& platform) {
  RedisConfig redis;
  redis.port = platform.redis_port;
  redis.prefix = kPrefix;
  auto connected = DeliveryLedger::connect(redis);
  if (!connected) throw std::runtime_error("cannot connect to the benchmark's redis: " + connected.error().message);
  auto ledger = std::move(*connected);
  if (auto ok = ledger->ensure_intake(); !ok) throw std::runtime_error(ok.error().message);
  return ledger;
}

struct CpuMark {
  std::int64_t worker = 0, redis = 0, sink = 0, redis_memory = 0;
};

CpuMark cpu_mark(int worker_pid, const Platform& platform) {
  return {cpu_time_us(worker_pid), cpu_time_us(platform.redis.pid()), cpu_time_us(platform.sink.pid()),
          redis_used_memory(platform.redis_port)};
}

void fill_cpu(ScenarioResult& r, const CpuMark& before, const CpuMark& after) {
  const double n = static_cast<double>(std::max<std::int64_t>(r.delivered, 1));
  r.worker_cpu_us = static_cast<double>(after.worker - before.worker) / n;
  r.redis_cpu_us = static_cast<double>(after.redis - before.redis) / n;
  r.sink_cpu_us = static_cast<double>(after.sink - before.sink) / n;
  r.redis_bytes_per_delivery = static_cast<double>(after.redis_memory - before.redis_memory) / n;
}

void judge(const ScenarioSpec& spec, ScenarioResult& r) {
  std::vector<std::string> parts;
  bool ok = r.delivered == r.deliveries;
  auto fmt = [](const char* f, double v) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, f, v);
    return std::string(buffer);
  };
  if (spec.max_wall_seconds > 0) {
    parts.push_back(fmt("< %.0f s", spec.max_wall_seconds));
    ok = ok && r.wall_seconds < spec.max_wall_seconds;
  }
  if (spec.min_per_second > 0) {
    parts.push_back(fmt(">= %.0f/s", spec.min_per_second));
    ok = ok && r.per_second >= spec.min_per_second;
  }
  if (spec.max_cpu_us > 0) {
    parts.push_back(fmt("<= %.0f us", spec.max_cpu_us));
    ok = ok && r.worker_cpu_us + r.redis_cpu_us <= spec.max_cpu_us;
  }
  r.has_target = !parts.empty();
  for (const auto& p : parts) r.target += (r.target.empty() ? "" : ", ") + p;
  if (!r.has_target) r.target = "-";
  r.passed = ok;
  if (r.delivered != r.deliveries && r.note.empty()) {
    r.note = std::to_string(r.deliveries - r.delivered) + " deliveries not delivered";
  }
}

// The figures of a run from its per-delivery times (ms), its wall time and the CPU marks around it.
void finish(const ScenarioSpec& spec, ScenarioResult& result, std::vector<double>& times_ms, double wall_seconds,
            const CpuMark& before, const CpuMark& after) {
  result.wall_seconds = wall_seconds;
  result.per_second = result.wall_seconds > 0 ? static_cast<double>(result.delivered) / result.wall_seconds : 0;
  result.p50_ms = percentile(times_ms, 0.50);
  result.p99_ms = percentile(times_ms, 0.99);
  fill_cpu(result, before, after);
  judge(spec, result);
}

ScenarioResult run_fabud(const ScenarioSpec& spec) {
  Platform platform(spec);
  const std::string config_path = platform.dir.path() + "/fabu.toml";
  {
    std::ofstream(config_path) << fabud_config(spec, platform.dir.path(), platform.redis_port, platform.api_base, platform.ca_file);
  }
  auto ledger = bench_ledger(platform);

  Subprocess fabud({spec.fabud_bin, "--config", config_path}, platform.dir.path() + "/fabud.stderr");
  // fabud is ready once it has published its lanes (one per account, plus the portal writer).
  const std::size_t lanes = static_cast<std::size_t>(spec.accounts) + 1 + (spec.portal ? 1 : 0);
  for (auto until = std::chrono::steady_clock::now() + 20s;;) {
    auto published = ledger->lanes();
    if (published && published->size() >= lanes) break;
    if (std::chrono::steady_clock::now() > until) throw std::runtime_error("fabud did not start: see " + platform.dir.path());
    std::this_thread::sleep_for(50ms);
  }

  std::vector<std::string> payloads;
  for (int i = 0; i < spec.releases; ++i) payloads.push_back(release_payload(spec, i));
  ScenarioResult result;
  result.name = spec.name;
  result.deliveries = static_cast<std::int64_t>(spec.releases) * (spec.accounts_per_release + (spec.portal ? 1 : 0));
  const std::int64_t expected_posts = static_cast<std::int64_t>(spec.releases) * spec.accounts_per_release;

  start_slowlog(platform.redis_port, spec.slowlog_us);
  const CpuMark before = cpu_mark(fabud.pid(), platform);
  std::vector<std::int64_t> submitted_ms;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const auto& payload = payloads[i];
    if (spec.pace_per_second > 0) {
      const double due_s = static_cast<double>(i) * spec.accounts_per_release / spec.pace_per_second;
      std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<std::int64_t>(due_s * 1e6)));
    }
    submitted_ms.push_back(unix_ms());
    if (auto id = ledger->enqueue(payload); !id) throw std::runtime_error("enqueue failed: " + id.error().message);
  }
  // Wait on the platform's counter (cheap, and not fabud's Redis), then for the last results to be recorded.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(spec.timeout_seconds);
  while (platform.posts() < expected_posts && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(spec.latency_ms > 0 ? 20ms : 100ms);
  }
  for (;;) {
    auto state = ledger->lanes();
    const bool idle = state && std::all_of(state->begin(), state->end(), [](const LaneStatus& l) {
      return l.in_flight == 0 && l.queued == 0;
    });
    if (idle || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(10ms);
  }
  const CpuMark after = cpu_mark(fabud.pid(), platform);
  result.worker_peak_rss_mb = static_cast<double>(std::max<std::int64_t>(peak_rss_kb(fabud.pid()), 0)) / 1024.0;
  const auto slowest = slowest_commands(platform.redis_port, 3);
  result.redis_max_ms = slowest.empty() ? 0 : slowest.front().ms;
  result.redis_slowest = describe(slowest, spec.slowlog_us);
  if (spec.redis_commandstats) print_commandstats(spec.name, platform.redis_port);
  const std::int64_t record_bytes = delivery_record_bytes(platform.redis_port, spec.releases);

  std::vector<double> latencies;
  std::int64_t last_ms = submitted_ms.front();
  for (int i = 0; i < spec.releases; ++i) {
    auto deliveries = ledger->deliveries_of("bench-" + std::to_string(i));
    if (!deliveries) throw std::runtime_error("reading results failed: " + deliveries.error().message);
    for (const auto& d : *deliveries) {
      if (d.state != DeliveryState::delivered) {
        if (result.note.empty()) result.note = d.id + " is " + std::string(to_string(d.state)) + " " + d.last_error;
        continue;
      }
      ++result.delivered;
      latencies.push_back(static_cast<double>(d.updated_at_ms - submitted_ms[static_cast<std::size_t>(i)]));
      last_ms = std::max(last_ms, d.updated_at_ms);
    }
  }
  result.record_bytes_per_delivery = static_cast<double>(record_bytes) / static_cast<double>(std::max<std::int64_t>(result.delivered, 1));
  finish(spec, result, latencies, static_cast<double>(last_ms - submitted_ms.front()) / 1000.0, before, after);
  if (spec.keep_files) result.note += (result.note.empty() ? "" : "; ") + std::string("files in ") + platform.dir.path();
  return result;
}

// The baseline: bench/bullmq/bench.mjs runs a Worker that POSTs statuses/share.json for each job, with
// a producer process of its own adding the same jobs, then prints one JSON line with its measurements
// (the worker's CPU only: the producer stands in for the press office's system, as fabu-bench's XADDs do).
ScenarioResult run_bullmq(const ScenarioSpec& spec) {
  Platform platform(spec);
  ScenarioResult result;
  result.name = spec.name;
  result.deliveries = static_cast<std::int64_t>(spec.releases) * spec.accounts_per_release;
  const std::string out_path = platform.dir.path() + "/bullmq.out";
  const CpuMark before = cpu_mark(-1, platform);
  Subprocess node({"node", spec.bullmq_dir + "/bench.mjs", "--redis-port", std::to_string(platform.redis_port),
                   "--api-base", platform.api_base, "--ca-file", platform.ca_file, "--releases", std::to_string(spec.releases),
                   "--accounts", std::to_string(spec.accounts), "--per-release", std::to_string(spec.accounts_per_release),
                   "--concurrency", std::to_string(spec.max_in_flight), "--pace", std::to_string(spec.pace_per_second)},
                  out_path);
  const int code = node.wait(std::chrono::seconds(spec.timeout_seconds));
  const CpuMark after = cpu_mark(-1, platform);
  std::string last_line;
  std::istringstream lines(read_text(out_path));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.front() == '{') last_line = line;
  }
  const auto report = nlohmann::json::parse(last_line, nullptr, false);
  if (code != 0 || !report.is_object()) {
    platform.dir.keep();
    result.note = "the BullMQ run failed (exit " + std::to_string(code) + "; did you run npm ci in " + spec.bullmq_dir +
                  "?): see " + out_path;
    judge(spec, result);
    return result;
  }
  result.delivered = report.value("delivered", std::int64_t{0});
  result.wall_seconds = report.value("wall_ms", 0.0) / 1000.0;
  result.per_second = result.wall_seconds > 0 ? static_cast<double>(result.delivered) / result.wall_seconds : 0;
  result.p50_ms = report.value("p50_ms", 0.0);
  result.p99_ms = report.value("p99_ms", 0.0);
  fill_cpu(result, before, after);
  result.worker_cpu_us = report.value("cpu_us", 0.0) / static_cast<double>(std::max<std::int64_t>(result.delivered, 1));
  judge(spec, result);
  return result;
}

// `config` with its instance name replaced, written next to it: one per fabud of a schedule scenario.
std::string instance_config(const std::string& config, const std::string& dir, int index) {
  std::string text = config;
  const std::string from = "instance = \"bench\"";
  text.replace(text.find(from), from.size(), "instance = \"bench-" + std::to_string(index) + "\"");
  const std::string path = dir + "/fabu-" + std::to_string(index) + ".toml";
  std::ofstream(path) << text;
  return path;
}

// The schedule scenarios: `instances` fabud on one Redis, releases with publish_at. lateness: each
// release to one account, due times spread over one minute from 15 s on; the sandbox stamps each post
// when it receives it. idle: due an hour ahead; the CPU of every process over spec.idle_seconds.
ScenarioResult run_scheduled(const ScenarioSpec& spec) {
  Platform platform(spec);
  const std::string config = fabud_config(spec, platform.dir.path(), platform.redis_port, platform.api_base, platform.ca_file);
  auto ledger = bench_ledger(platform);
  std::vector<Subprocess> fabuds;
  for (int i = 0; i < spec.instances; ++i) {
    fabuds.emplace_back(std::vector<std::string>{spec.fabud_bin, "--config", instance_config(config, platform.dir.path(), i)},
                        platform.dir.path() + "/fabud-" + std::to_string(i) + ".stderr");
  }
  ScenarioResult result;
  result.name = spec.name;
  result.deliveries = spec.releases;
  const bool idle = spec.schedule == Schedule::idle;
  const std::int64_t first_due_s = unix_ms() / 1000 + (idle ? 3600 : 15);
  std::vector<std::int64_t> due_ms;
  for (int i = 0; i < spec.releases; ++i) {
    const std::int64_t due_s = first_due_s + (idle ? 0 : static_cast<std::int64_t>(i) * 60 / spec.releases);
    auto doc = nlohmann::json::parse(release_payload(spec, i));
    doc["publish_at"] = Timestamp{due_s, 8 * 60}.iso();
    due_ms.push_back(due_s * 1000);
    if (auto id = ledger->enqueue(doc.dump()); !id) throw std::runtime_error("enqueue failed: " + id.error().message);
  }
  // Every release admitted (in `scheduled`) before anything is measured.
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(spec.timeout_seconds);;) {
    auto depths = ledger->queue_depths(unix_ms());
    if (depths && depths->scheduled_releases >= spec.releases) break;
    if (std::chrono::steady_clock::now() > until) throw std::runtime_error("the releases were not admitted: see " + platform.dir.path());
    std::this_thread::sleep_for(100ms);
  }
  const auto cpu_of_all = [&] {
    std::int64_t sum = cpu_time_us(platform.redis.pid());
    for (const auto& f : fabuds) sum += cpu_time_us(f.pid());
    return sum;
  };
  if (idle) {
    std::this_thread::sleep_for(2s);  // the intake's last batch settles
    const std::int64_t before = cpu_of_all();
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(spec.idle_seconds));
    const double wall_us = static_cast<double>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
    result.idle_percent = 100.0 * static_cast<double>(cpu_of_all() - before) / wall_us;
    result.delivered = result.deliveries;  // nothing is due: what counts is that they wait
    result.target = "< " + std::to_string(static_cast<int>(spec.max_idle_percent)) + " % CPU";
    result.has_target = spec.max_idle_percent > 0;
    result.passed = !result.has_target || result.idle_percent < spec.max_idle_percent;
    char note[96];
    std::snprintf(note, sizeof note, "idle CPU %.2f %% of one core (%d fabud + redis, %d s)", result.idle_percent,
                  spec.instances, spec.idle_seconds);
    result.note = note;
    return result;
  }
  const CpuMark before = cpu_mark(fabuds.front().pid(), platform);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(spec.timeout_seconds + 75);
  while (platform.posts() < spec.releases && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  const CpuMark after = cpu_mark(fabuds.front().pid(), platform);
  // Lateness: the sandbox's receipt of each post minus its release's due time ("第<i>期" names it).
  const auto posts = nlohmann::json::parse(http_get(platform.sink_port, "/_sandbox/posts"), nullptr, false);
  std::vector<double> lateness;
  std::int64_t last_ms = due_ms.front();
  for (const auto& post : posts.is_object() ? posts["posts"] : nlohmann::json::array()) {
    const std::string text = post.value("text", "");
    const auto mark = text.find("第");
    if (mark == std::string::npos) continue;
    const int index = std::atoi(text.c_str() + mark + std::string_view("第").size());
    if (index < 0 || index >= spec.releases) continue;
    const std::int64_t at = post.value("created_at_ms", std::int64_t{0});
    lateness.push_back(static_cast<double>(at - due_ms[static_cast<std::size_t>(index)]));
    last_ms = std::max(last_ms, at);
    ++result.delivered;
  }
  finish(spec, result, lateness, static_cast<double>(last_ms - due_ms.front()) / 1000.0, before, after);
  if (spec.max_p99_ms > 0) {
    result.target = "p99 < " + std::to_string(static_cast<int>(spec.max_p99_ms)) + " ms";
    result.has_target = true;
    result.passed = result.passed && result.p99_ms < spec.max_p99_ms;
  }
  return result;
}

}  // namespace

ScenarioResult run_scenario(const ScenarioSpec& spec) {
  if (spec.schedule != Schedule::none) return run_scheduled(spec);
  return spec.engine == Engine::bullmq ? run_bullmq(spec) : run_fabud(spec);
}

}  // namespace fabu::bench
