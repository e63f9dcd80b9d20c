#include "bench/sink_ceiling.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "bench/bench_processes.h"

namespace fabu::bench {

namespace {

// The form fabud's Weibo adapter posts for a member account (access_token, status), percent-encoded.
std::string share_form() {
  const std::string status =
      "第1期：市政府新闻办今天举行新闻发布会，介绍全市政务公开工作情况。（m0001单位） https://www.linyi.gov.cn/xw/1.html";
  std::string encoded;
  for (const unsigned char c : status) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    }
  }
  return "access_token=bench-token-m0001&status=" + encoded;
}

// wrk prints durations as "575.00us", "1.20ms" or "1.02s".
double to_ms(const std::string& value) {
  const double number = std::strtod(value.c_str(), nullptr);
  if (value.ends_with("us")) return number / 1000.0;
  if (value.ends_with("ms")) return number;
  if (value.ends_with("s")) return number * 1000.0;
  return number;
}

}  // namespace

std::vector<std::string> sink_command(int port, int tls_port, const LoopbackCertificate* certificate, int latency_ms) {
  std::vector<std::string> argv = {FABU_SINK_BIN, "--port", std::to_string(port)};
  if (latency_ms > 0) argv.insert(argv.end(), {"--latency-ms", std::to_string(latency_ms)});
  if (certificate != nullptr) {
    argv.insert(argv.end(), {"--tls-port", std::to_string(tls_port), "--tls-cert", certificate->cert, "--tls-key", certificate->key});
  }
  return argv;
}

ScenarioResult measure_sink_ceiling(const ScenarioSpec& spec, int seconds, int connections) {
  ScenarioResult result;
  result.name = spec.name;
  result.target = "<= 15 us";
  result.has_target = true;
  ScratchDir dir;
  if (spec.keep_files) dir.keep();
  const std::string script = dir.path() + "/share.lua";
  std::ofstream(script) << "wrk.method = \"POST\"\nwrk.body = \"" << share_form()
                        << "\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n";
  const int port = free_port();
  const int tls_port = free_port();
  const auto certificate = spec.tls ? std::optional(make_loopback_certificate(dir.path())) : std::nullopt;
  Subprocess sink(sink_command(port, tls_port, certificate ? &*certificate : nullptr), dir.path() + "/sink.log");
  const int target_port = spec.tls ? tls_port : port;
  if (!wait_for_port(target_port)) throw std::runtime_error("fabu-sink did not start: see " + dir.path());

  const std::string out_path = dir.path() + "/wrk.out";
  const std::int64_t before = cpu_time_us(sink.pid());
  Subprocess wrk({"wrk", "-t1", "-c" + std::to_string(connections), "-d" + std::to_string(seconds) + "s", "--latency", "-s",
                  script, std::string(spec.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(target_port) + "/2/statuses/share.json"},
                 out_path);
  const int code = wrk.wait(std::chrono::seconds(seconds + 30));
  const std::int64_t after = cpu_time_us(sink.pid());

  std::ifstream in(out_path);
  std::int64_t requests = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string first, second, third;
    words >> first >> second >> third;
    if (first == "50%") result.p50_ms = to_ms(second);
    if (first == "99%") result.p99_ms = to_ms(second);
    if (second == "requests" && third == "in") {
      requests = std::atoll(first.c_str());
      std::string duration;
      words >> duration;
      result.wall_seconds = to_ms(duration.substr(0, duration.size() - 1)) / 1000.0;  // "5.00s,"
    }
    if (first == "Requests/sec:") result.per_second = std::strtod(second.c_str(), nullptr);
  }
  if (code != 0 || requests == 0) {
    dir.keep();
    result.note = "wrk failed (exit " + std::to_string(code) + "; is the Debian package wrk installed?): see " + out_path;
    return result;
  }
  result.deliveries = result.delivered = requests;
  result.sink_cpu_us = static_cast<double>(after - before) / static_cast<double>(requests);
  result.passed = result.sink_cpu_us <= 15;
  return result;
}

}  // namespace fabu::bench
