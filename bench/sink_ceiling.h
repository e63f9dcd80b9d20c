// The sink's ceiling: how many requests per second fabu-sink answers, and what each costs it in CPU,
// measured with wrk (Debian package `wrk`) posting the same form fabud posts, over kept-alive
// connections. The throughput scenarios are then read against this: fabu cannot deliver faster than
// the platform it posts to answers, and every microsecond the sink spends is one the two cores lack.
//
// Thread rules: measure_sink_ceiling() runs on the caller's thread and stops what it starts.
#pragma once

#include <string>
#include <vector>

#include "bench/bench_processes.h"
#include "bench/scenario.h"

namespace fabu::bench {

// The command that starts fabu-sink: plain HTTP on `port`, and HTTPS on `tls_port` with `certificate`
// when that is given; every answer `latency_ms` late when that is above 0.
std::vector<std::string> sink_command(int port, int tls_port, const LoopbackCertificate* certificate, int latency_ms = 0);

// Runs wrk for `seconds` with `connections` kept-alive connections (one wrk thread) against a fresh
// fabu-sink, over HTTPS when spec.tls. The row's deliveries are the requests wrk completed, per_second its requests/s, p50/p99
// wrk's latency percentiles, sink_cpu_us the sink's CPU per request. When wrk is missing or fails the
// row has no requests and a note saying why.
ScenarioResult measure_sink_ceiling(const ScenarioSpec& spec, int seconds, int connections);

}  // namespace fabu::bench
