// fabud: wires the parts together and waits for signals. No logic lives here.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <pplx/threadpool.h>
#include <spdlog/spdlog.h>

#include "adapters/adapter.h"
#include "adapters/http_transport.h"
#include "config/config.h"
#include "core/version.h"
#include "daemon/account_watch.h"
#include "daemon/daemon.h"
#include "daemon/log_sink.h"
#include "daemon/open_files.h"
#include "daemon/preflight.h"
#include "daemon/service_notifier.h"

namespace {

void print_errors(const fabu::ConfigErrors& errors) {
  for (const auto& e : errors) std::cerr << e.to_string() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "fabud - delivers approved press releases from Redis to the official microblog, the matrix hall\n"
      "accounts and the government portal, exactly once.\n\n"
      "It reads the intake stream named in docs/PROTOCOL.md, validates each release, plans one delivery per\n"
      "(channel, account) and sends them concurrently. Every delivery state change is logged as one JSON\n"
      "line. Signals: SIGTERM/SIGINT drain and exit 0; SIGHUP reloads the config (a bad config is refused\n"
      "and the running one kept) and reopens the log file; SIGUSR1 only reopens the log file (for logrotate).\n\nExamples:\n  fabud --config config/fabu.example.toml\n"
      "  fabud --config /etc/fabu/fabu.toml --check     # check the config, Redis, folders and tokens\n"
      "  fabud --config /etc/fabu/fabu.toml --check --offline   # the same without connecting to Redis\n\n"
      "Exit codes: 0 stopped cleanly, or --check passed; 1 --check found a problem (each is printed);\n"
      "2 the config or the command line is invalid; 3 a worker thread died (the supervisor restarts fabud).\n"};
  app.set_version_flag("--version", std::string("fabud ") + std::string(fabu::version()) + " (" +
                                        std::string(fabu::revision()) + ")");
  std::string config_path = "fabu.toml";
  bool check_only = false;
  app.add_option("-c,--config", config_path, "Path of fabu.toml")->capture_default_str();
  bool offline = false;
  app.add_flag("--check", check_only,
               "Validate the config and build every channel, then check that Redis answers (and keeps an\n"
               "append-only file), that the portal folder is writable and that no token has expired;\n"
               "print every finding, exit 0 (passed), 1 (a problem) or 2 (invalid config)");
  app.add_flag("--offline", offline, "With --check: skip everything that needs the network (Redis)");
  CLI11_PARSE(app, argc, argv);

  auto config = fabu::load_config(config_path);
  if (!config) {
    std::cerr << "fabud: the config has problems:\n";
    print_errors(config.error());
    return 2;
  }
  auto log_output = fabu::make_log_output((*config)->daemon.log_file, (*config)->daemon.log_level);
  if (!log_output) {
    std::cerr << "fabud: " << log_output.error() << "\n";
    return 2;
  }
  spdlog::set_default_logger(log_output->logger);
  for (const auto& warning : (*config)->warnings) spdlog::warn("config: {}", warning);
  const long files_wanted = fabu::open_files_wanted(**config);
  if (auto files = fabu::raise_open_files_limit(files_wanted); !files) {
    spdlog::warn("{}", files.error().message);
  } else if (files->now < files_wanted) {
    spdlog::warn("open files limit {} (hard limit {}) is below the {} this config may hold open (http.max_connections_per_host "
                 "per channel): past it, connections fail; raise LimitNOFILE= in the service unit or ulimit -Hn",
                 files->now, files->hard, files_wanted);
  } else if (files->now > files->before) {
    spdlog::info("open files limit raised from {} to {} (http.max_connections_per_host per channel)", files->before, files->now);
  }

  // Signals are taken synchronously by this thread only (sigwait), never by a handler.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // cpprestsdk's thread pool carries the channels' requests when http.transport = "cpprest".
  const fabu::HttpConfig& http_config = (*config)->http;
  crossplat::threadpool::initialize_with_threads(static_cast<size_t>(http_config.threads));
  std::unique_ptr<fabu::HttpTransportFactory> http;
  if (http_config.transport == "cpprest") {
    http = fabu::make_cpprest_transport_factory();
  } else {
    auto beast = fabu::make_beast_transport_factory(
        {http_config.threads, http_config.max_connections_per_host, http_config.ca_file});
    if (!beast) {
      std::cerr << "fabud: http: " << beast.error().message << "\n";
      return 2;
    }
    http = std::move(*beast);
  }
  fabu::AdapterRegistry registry;
  fabu::register_builtin_adapters(registry);

  if (check_only) {
    fabu::AdapterEnv env{http.get(), (*config)->retry.request_timeout};
    auto channels = fabu::ChannelSet::create(**config, registry, env);
    if (!channels) {
      std::cerr << "fabud: the config has problems:\n";
      print_errors(channels.error());
      return 2;
    }
    std::cout << config_path << ": config OK (" << (*channels)->names().size() << " channels, "
              << (*channels)->all_lanes().size() << " lanes)\n";
    const auto report = fabu::run_preflight(**config, **channels, offline, fabu::today_local());
    for (const auto& f : report.findings) std::cout << (f.problem ? "problem: " : "warning: ") << f.message << "\n";
    std::cout << (report.passed() ? "check passed" : "check failed") << (offline ? " (offline: Redis not checked)\n" : "\n");
    return report.passed() ? 0 : 1;
  }

  // A signal while we still wait for Redis must end the wait.
  std::atomic<bool> stop_requested{false};

  std::unique_ptr<fabu::Daemon> daemon;
  {
    std::atomic<bool> started{false};
    std::thread waiter([&] {
      // Only the stop signals: a SIGHUP now stays pending for the loop below instead of being lost.
      sigset_t stop_signals;
      sigemptyset(&stop_signals);
      sigaddset(&stop_signals, SIGTERM);
      sigaddset(&stop_signals, SIGINT);
      timespec tick{0, 200 * 1000 * 1000};
      while (!started.load()) {
        siginfo_t info;
        const int sig = sigtimedwait(&stop_signals, &info, &tick);
        if (sig == SIGTERM || sig == SIGINT) {
          stop_requested = true;
          return;
        }
      }
    });
    auto started_daemon = fabu::Daemon::start(*config, registry, *http, stop_requested);
    started = true;
    waiter.join();
    if (!started_daemon) {
      if (started_daemon.error().empty()) return 0;  // asked to stop while waiting for Redis
      std::cerr << "fabud: the config has problems:\n";
      print_errors(started_daemon.error());
      return 2;
    }
    daemon = std::move(*started_daemon);
  }
  fabu::ServiceNotifier systemd;
  systemd.ready("delivering");
  if (stop_requested.load()) {
    spdlog::info("stop signal while starting: shutting down");
    systemd.stopping();
    daemon->stop();
    return 0;
  }

  for (;;) {
    // A dead worker thread ends the process, so that its supervisor starts a whole one again.
    if (!daemon->workers().healthy()) {
      spdlog::critical("exiting with status {}: a worker thread died ({})", fabu::exit_code_worker_died,
                       daemon->workers().failure());
      systemd.stopping();
      daemon->stop();
      return fabu::exit_code_worker_died;
    }
    systemd.keep_alive(true);
    timespec tick{0, 200 * 1000 * 1000};
    siginfo_t info;
    const int sig = sigtimedwait(&signals, &info, &tick);
    if (sig < 0) continue;  // the tick (or EINTR): look at the workers again
    // logrotate renamed the file: the next line goes to a fresh one at the configured path.
    if ((sig == SIGUSR1 || sig == SIGHUP) && log_output->file && !log_output->file->reopen()) {
      spdlog::error("could not reopen the log file {}; still writing to the old one", (*config)->daemon.log_file);
    }
    if (sig == SIGUSR1) {
      spdlog::info("SIGUSR1: log file reopened");
      continue;
    }
    if (sig == SIGHUP) {
      spdlog::info("SIGHUP: reloading {}", config_path);
      systemd.reloading();
      auto fresh = fabu::load_config(config_path);
      if (!fresh) {
        for (const auto& e : fresh.error()) spdlog::error("reload refused, keeping the running config: {}", e.to_string());
        systemd.ready("delivering (the last reload was refused: see the log)");
        continue;
      }
      for (const auto& warning : (*fresh)->warnings) spdlog::warn("config: {}", warning);
      for (const auto& e : daemon->reload(*fresh)) {
        spdlog::error("reload refused, keeping the running config: {}", e.to_string());
      }
      systemd.ready("delivering");
      continue;
    }
    spdlog::info("{}: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    systemd.stopping();
    daemon->stop();
    return 0;
  }
}
