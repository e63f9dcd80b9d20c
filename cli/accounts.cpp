#include "cli/accounts.h"

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "adapters/http_transport.h"
#include "cli/operator_log.h"
#include "cli/table.h"
#include "core/clock.h"
#include "core/release_document.h"
#include "daemon/account_watch.h"
#include "daemon/channel_set.h"
#include "queue/delivery_ledger.h"

namespace fabu::cli {

int open_setup(const Context& ctx, Setup& setup) {
  auto config = load_config(ctx.config_path);
  if (!config) {
    std::cerr << "fabuctl: cannot use config " << ctx.config_path << ":\n";
    for (const auto& e : config.error()) std::cerr << "  " << e.to_string() << "\n";
    return 2;
  }
  setup.config = *config;
  auto http = make_cpprest_transport_factory();
  AdapterEnv env{http.get(), setup.config->retry.request_timeout};
  AdapterRegistry registry;
  register_builtin_adapters(registry);
  auto channels = ChannelSet::create(*setup.config, registry, env);
  if (!channels) {
    std::cerr << "fabuctl: the config's channels have problems:\n";
    for (const auto& e : channels.error()) std::cerr << "  " << e.to_string() << "\n";
    return 2;
  }
  setup.channels = *channels;
  auto ledger = DeliveryLedger::connect(setup.config->redis);
  if (!ledger) {
    std::cerr << "fabuctl: cannot reach redis at " << setup.config->redis.host << ":" << setup.config->redis.port
              << ": " << ledger.error().message << "\n";
    return 1;
  }
  setup.ledger = std::move(*ledger);
  return 0;
}

namespace {

std::string lane_state(const LaneStatus& lane, std::int64_t now) {
  if (!lane.parked_reason.empty()) return "needs_auth";
  if (lane.breaker_until_ms > now) return "breaker-open";
  if (lane.slow_until_ms > now) return "slowed";
  return "ok";
}

std::string expiry_text(const std::optional<Date>& expires, const Date& today) {
  if (!expires) return "-";
  const int left = days_between(today, *expires);
  if (left < 0) return expires->iso() + " (EXPIRED)";
  if (left == 0) return expires->iso() + " (today)";
  return expires->iso() + " (in " + std::to_string(left) + (left == 1 ? " day)" : " days)");
}

// Restores the terminal's echo when it goes out of scope.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (tcgetattr(fd_, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

// A token is far shorter; a longer first line (a file or /dev/zero sent by mistake) is no token.
constexpr std::size_t kTokenBytes = 4096;

// The first line of `in`, at most kTokenBytes + 1 bytes of it: enough to know it is too long.
std::string first_line(std::istream& in) {
  std::string line;
  for (char c; line.size() <= kTokenBytes && in.get(c) && c != '\n';) line += c;
  return line;
}

std::string read_token(const std::string& account) {
  std::string line;
  if (isatty(STDIN_FILENO)) {
    std::cerr << "new access token for " << account << " (not shown): " << std::flush;
    EchoOff quiet(STDIN_FILENO);
    line = first_line(std::cin);
    std::cerr << "\n";
  } else {
    line = first_line(std::cin);
  }
  if (line.size() > kTokenBytes) {
    std::cerr << "fabuctl accounts set-token: the first line on stdin is over " << kTokenBytes
              << " bytes: not a token\n";
    return {};
  }
  const auto first = line.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return line.substr(first, line.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

int accounts(const Context& ctx) {
  Setup setup;
  if (int rc = open_setup(ctx, setup); rc != 0) return rc;
  auto lanes = setup.ledger->lanes();
  auto overrides = setup.ledger->token_overrides();
  if (!lanes || !overrides) {
    std::cerr << "fabuctl: " << (!lanes ? lanes.error() : overrides.error()).message << "\n";
    return 1;
  }
  const std::int64_t now = unix_now_ms();
  const Date today = today_local();
  TextTable table({"ACCOUNT", "NAME", "GROUP", "MODE", "STATE", "TOKEN EXPIRES", "QUEUED", "IN FLIGHT", "LAST SEND"});
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& channel : setup.channels->names()) {
    const Adapter* adapter = setup.channels->find(channel);
    if (adapter == nullptr) continue;
    for (const auto& account : adapter->accounts(channel)) {
      LaneStatus lane;
      for (const auto& l : *lanes) {
        if (l.lane == account.lane) lane = l;
      }
      std::optional<Date> expires = account.token_expires;
      bool replaced = false;
      for (const auto& o : overrides->overrides) {
        // Same rule as fabud: a replacement counts while the config still has the token it replaced.
        if (o.lane != account.lane || o.replaces != account.token_fingerprint) continue;
        replaced = true;
        expires = release_detail::parse_iso_date(o.expires);
      }
      std::string expiry = expiry_text(expires, today);
      if (replaced) expiry = expires ? expiry + ", replaced" : "replaced, expiry unknown";
      const std::string state = lane_state(lane, now);
      table.add({account.lane, account.name, account.group, account.mode, state, expiry, std::to_string(lane.queued),
                 std::to_string(lane.in_flight), format_time_ms(lane.last_sent_ms)});
      rows.push_back({{"account", account.id}, {"channel", channel}, {"lane", account.lane}, {"name", account.name},
                      {"group", account.group}, {"mode", account.mode}, {"state", state},
                      {"token_expires", expires ? expires->iso() : ""}, {"token_replaced", replaced},
                      {"queued", lane.queued}, {"in_flight", lane.in_flight}, {"last_sent_ms", lane.last_sent_ms},
                      {"parked_reason", lane.parked_reason}, {"consecutive_failures", lane.consecutive_failures}});
    }
  }
  if (ctx.json) {
    std::cout << rows.dump(2) << "\n";
  } else if (table.empty()) {
    std::cout << "no channel of " << ctx.config_path << " posts as a platform account\n";
  } else {
    std::cout << table.render();
  }
  return 0;
}

int accounts_set_token(const Context& ctx, const std::string& account, const std::string& channel,
                       const std::string& expires) {
  if (!expires.empty() && !release_detail::parse_iso_date(expires)) {
    std::cerr << "fabuctl accounts set-token: --expires '" << expires << "' is not a date like 2027-06-30\n";
    return 2;
  }
  Setup setup;
  if (int rc = open_setup(ctx, setup); rc != 0) return rc;
  const Adapter* adapter = setup.channels->find(channel);
  std::optional<AccountInfo> found;
  if (adapter != nullptr) {
    for (auto& a : adapter->accounts(channel)) {
      if (a.id == account) found = std::move(a);
    }
  }
  if (!found) {
    std::cerr << "fabuctl accounts set-token: channel '" << channel << "' has no account '" << account
              << "' (see `fabuctl accounts`)\n";
    return 2;
  }
  const std::string token = read_token(account);
  if (token.empty()) {
    std::cerr << "fabuctl accounts set-token: no token on stdin; nothing changed\n";
    return 2;
  }
  TokenOverride record{found->lane, channel, account, token, found->token_fingerprint, expires, unix_now_ms()};
  auto held = setup.ledger->set_token(record);
  if (!held) {
    std::cerr << "fabuctl: " << held.error().message << "\n";
    return 1;
  }
  // The token itself never goes into the log; its expiry does.
  record_action(ctx, "set_token", {{"channel", channel}, {"account", account}, {"expires", expires}, {"held", *held}});
  std::cout << "token of " << found->lane << " replaced for every fabud (within a few seconds); " << *held
            << (*held == 1 ? " held delivery resumes" : " held deliveries resume") << " then.\n";
  return 0;
}

}  // namespace fabu::cli
