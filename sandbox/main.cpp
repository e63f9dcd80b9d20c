// fabu-sandbox: a stand-in for the Sina Weibo open API (https://api.weibo.com/2/) on loopback, with
// fault injection, for fabu's demo, integration tests and benchmarks. Wiring only: the platform
// lives in PlatformState, the HTTP side in SandboxHttpServer.
#include <csignal>
#include <cstdio>
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <pplx/threadpool.h>

#include "sandbox/sandbox_server.h"

namespace {

constexpr const char* kDescription = R"(fabu-sandbox: a stand-in for the Sina Weibo open API (https://api.weibo.com/2/).

It answers like Weibo, from memory, on http://HOST:PORT/2/ :
  POST statuses/share.json    access_token, status (<= 140 by Weibo's count, must link to the
                              safe domain, no #topic#), optional multipart pic
  POST statuses/repost.json   access_token, id, optional status
  POST statuses/destroy.json  access_token, id (own statuses only)
  GET  statuses/user_timeline.json  access_token, count (<= 100), page, since_id, max_id
  GET  users/show.json        access_token, uid or screen_name
  GET  users/counts.json      access_token, uids (<= 100; every uid 5000000000-5999999999 is an
                              account, a token's own user or one with invented numbers)
  GET  statuses/count.json    access_token, ids (<= 100)
Any non-empty access_token is a user (uid = 5000000000 + hash of the token); errors have Weibo's
shape {"error", "error_code", "request"}: 21301 no token, 21327 expired token, 10008 bad parameter,
20012 too long, 10017 no safe-domain link, 20021 #topic#, 20019 repeated text, 20101 no such
status, 20102 not your status, 20111 already reposted.

Faults (write endpoints share/repost/destroy; draws from --seed):
  --p-5xx F         answer 503 error_code 10001, create nothing
  --p-rate-limit F  answer 403 error_code 10023, create nothing
  --p-timeout F     create the status, then hold the reply for --timeout-hold-ms
                    (the client times out: "posted, but we don't know")
  --latency-ms N and --slow-token TOKEN:MS delay every reply without holding a thread.

Admin (JSON) under http://HOST:PORT/_sandbox/ : GET posts[?token=T], GET stats, GET|POST faults,
POST tokens {"expire":[..],"restore":[..]}, POST clock {"advance_seconds":N} (followers and
counts grow with the sandbox's clock; this moves it forward), POST reset, GET health.

Point fabu at it in fabu.toml:
  [channels.microblog]
  api_base = "http://127.0.0.1:8791/2/"
  safe_domain = "www.linyi.gov.cn"      # the same domain as --safe-domain
)";

// "token:ms" -> (token, ms); the token itself may contain ':' (the last one separates).
bool parse_slow_token(const std::string& text, std::string& token, int& ms) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    std::size_t used = 0;
    ms = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || ms < 0) return false;
  } catch (const std::exception&) {
    return false;
  }
  token = text.substr(0, colon);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  fabu::sandbox::SandboxOptions options;
  auto& faults = options.faults;
  std::vector<std::string> slow_tokens;
  std::size_t threads = 2;

  CLI::App app(kDescription, "fabu-sandbox");
  app.get_formatter()->column_width(30);
  app.add_option("--port", options.port, "TCP port to listen on")->capture_default_str()->check(CLI::Range(1, 65535));
  app.add_option("--host", options.host, "address to listen on")->capture_default_str();
  app.add_option("--safe-domain", options.safe_domain, "the app's registered safe domain (subdomains count)")
      ->capture_default_str();
  app.add_option("--latency-ms", faults.latency_ms, "delay added to every reply")->check(CLI::Range(0, 3'600'000));
  app.add_option("--p-5xx", faults.p_5xx, "probability of an injected 503 on writes")->check(CLI::Range(0.0, 1.0));
  app.add_option("--p-timeout", faults.p_timeout, "probability of create-then-hold on writes")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--p-rate-limit", faults.p_rate_limit, "probability of an injected 10023 on writes")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--timeout-hold-ms", faults.timeout_hold_ms, "how long a timeout fault holds the reply")
      ->capture_default_str()->check(CLI::Range(0, 3'600'000));
  app.add_option("--timeout-hidden-ms", faults.timeout_hidden_ms,
                 "how long a status a timeout fault creates stays off the timeline")
      ->capture_default_str()->check(CLI::Range(0, 3'600'000));
  app.add_option("--seed", options.seed, "seed of the fault draws")->capture_default_str();
  app.add_option("--expired-token", options.expired_tokens, "a token that answers 21327 (repeatable)");
  app.add_option("--slow-token", slow_tokens, "TOKEN:MS, extra delay for one token's replies (repeatable)");
  app.add_option("--threads", threads, "server threads")->capture_default_str()->check(CLI::Range(1, 256));
  CLI11_PARSE(app, argc, argv);

  for (const auto& item : slow_tokens) {
    std::string token;
    int ms = 0;
    if (!parse_slow_token(item, token, ms)) {
      std::fprintf(stderr, "fabu-sandbox: --slow-token wants TOKEN:MS, got '%s'\n", item.c_str());
      return 2;
    }
    faults.slow_tokens[token] = ms;
  }

  // Block the stop signals before any thread starts, so every thread inherits the mask and only
  // sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  crossplat::threadpool::initialize_with_threads(threads);
  auto server = fabu::sandbox::SandboxHttpServer::start(options);
  if (!server) {
    std::fprintf(stderr, "fabu-sandbox: %s\n", server.error().message.c_str());
    return 1;
  }
  std::printf("fabu-sandbox listening on %s (safe domain %s, faults: latency %d ms, p_5xx %g, p_timeout %g "
              "(hold %d ms), p_rate_limit %g, %zu slow tokens, %zu expired tokens; %zu threads)\n",
              (*server)->base_url().c_str(), options.safe_domain.c_str(), faults.latency_ms, faults.p_5xx,
              faults.p_timeout, faults.timeout_hold_ms, faults.p_rate_limit, faults.slow_tokens.size(),
              options.expired_tokens.size(), threads);
  std::fflush(stdout);

  int received = 0;
  sigwait(&stop_signals, &received);
  (*server)->stop();
  std::printf("fabu-sandbox stopped (signal %d)\n", received);
  return 0;
}
