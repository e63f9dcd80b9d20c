// read_api: `[api]` and `[[api.tokens]]`, validated once.
//
// The listen address is an IP literal so that "is this loopback?" has one answer: an API that is not
// on loopback must have tokens, or fabud refuses to start.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <optional>
#include <regex>
#include <set>

#include "config/api_config.h"

namespace fabu {
namespace {

constexpr std::array<std::string_view, 3> kRoles{"submit", "read", "operate"};

struct ListenAddress {
  std::string scheme;  // "", "http" or "https"
  std::string host;
  int port = 0;
  bool loopback = false;
};

std::optional<ListenAddress> parse_listen(const std::string& text) {
  static const std::regex pattern(R"(^(?:(https?)://)?(\[[0-9A-Fa-f:.]+\]|[0-9.]+|localhost):([0-9]{1,5})/?$)");
  std::smatch m;
  if (!std::regex_match(text, m, pattern)) return std::nullopt;
  ListenAddress out;
  out.scheme = m[1].str();
  out.host = m[2].str();
  out.port = std::stoi(m[3].str());
  if (out.port < 1 || out.port > 65535) return std::nullopt;
  if (out.host == "localhost") out.host = "127.0.0.1";
  if (out.host.front() == '[') {
    out.host = out.host.substr(1, out.host.size() - 2);
    in6_addr v6{};
    if (inet_pton(AF_INET6, out.host.c_str(), &v6) != 1) return std::nullopt;
    out.loopback = IN6_IS_ADDR_LOOPBACK(&v6);
  } else {
    in_addr v4{};
    if (inet_pton(AF_INET, out.host.c_str(), &v4) != 1) return std::nullopt;
    out.loopback = (ntohl(v4.s_addr) >> 24) == 127;
  }
  return out;
}

void read_tokens(TableReader& r, std::vector<ApiTokenConfig>& out) {
  const toml::array* tokens = r.array("tokens");
  if (tokens == nullptr) return;
  std::set<std::string> names, hashes;
  for (std::size_t i = 0; i < tokens->size(); ++i) {
    const toml::node& node = *tokens->get(i);
    const std::string where = r.path("tokens") + "[" + std::to_string(i) + "]";
    const auto* table = node.as_table();
    if (table == nullptr) {
      r.error_at(&node, where + ": expected a table (write it as [[api.tokens]])");
      continue;
    }
    TableReader t(*table, r.file(), where, r.errors());
    t.reject_unknown({"name", "roles", "sha256"});
    ApiTokenConfig token;
    token.name = t.string("name", {}, true);
    token.roles = t.strings("roles");
    token.sha256 = t.string("sha256", {}, true);
    std::transform(token.sha256.begin(), token.sha256.end(), token.sha256.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (token.roles.empty()) t.error_at(table, t.path("roles") + ": name at least one of submit, read, operate");
    for (const auto& role : token.roles) {
      if (std::find(kRoles.begin(), kRoles.end(), role) == kRoles.end()) {
        t.error_at(table->get("roles"), t.path("roles") + ": '" + role + "' is not one of submit, read, operate");
      }
    }
    if (table->get("sha256") != nullptr && !std::regex_match(token.sha256, std::regex("[0-9a-f]{64}"))) {
      t.error_at(table->get("sha256"), t.path("sha256") +
                                           ": must be the 64 hex digits of the token's SHA-256 (fabuctl api-token "
                                           "prints it), never the token itself");
    }
    if (!token.name.empty() && !names.insert(token.name).second) {
      t.error_at(table->get("name"), t.path("name") + ": '" + token.name + "' names another token too");
    }
    if (!token.sha256.empty() && !hashes.insert(token.sha256).second) {
      t.error_at(table->get("sha256"), t.path("sha256") + ": the same token is listed twice");
    }
    out.push_back(std::move(token));
  }
}

}  // namespace

void read_api(const toml::table* api, const toml::table& document, const std::string& file, ConfigErrors& errors,
              const std::string& daemon_api_listen, ApiConfig& out) {
  const toml::node* listen_node = document.at_path("daemon.api_listen").node();
  std::string listen_key = "daemon.api_listen";
  out.listen = daemon_api_listen;
  if (api != nullptr) {
    TableReader r(*api, file, "api", errors);
    r.reject_unknown({"listen", "tls_cert_file", "tls_key_file", "threads", "max_connections", "max_body_bytes",
                      "max_header_bytes", "max_headers", "read_timeout_seconds", "tokens"});
    if (api->get("listen") != nullptr) {
      if (!daemon_api_listen.empty()) {
        r.error_at(listen_node, "daemon.api_listen: set [api] listen only (daemon.api_listen is its older name)");
      }
      listen_node = api->get("listen");
      listen_key = "api.listen";
      out.listen = r.string("listen");
    }
    out.tls_cert_file = r.file_path("tls_cert_file");
    out.tls_key_file = r.file_path("tls_key_file");
    if (out.tls_cert_file.empty() != out.tls_key_file.empty()) {
      r.error_at(api, "api: set both tls_cert_file and tls_key_file, or neither");
    }
    out.threads = static_cast<int>(r.integer("threads", out.threads, 1, 64));
    out.max_connections = static_cast<int>(r.integer("max_connections", out.max_connections, 1, 100'000));
    out.max_body_bytes = r.integer("max_body_bytes", out.max_body_bytes, 1024, 64 << 20);
    out.max_header_bytes = static_cast<int>(r.integer("max_header_bytes", out.max_header_bytes, 1024, 1 << 20));
    out.max_headers = static_cast<int>(r.integer("max_headers", out.max_headers, 8, 1000));
    out.read_timeout = std::chrono::seconds(r.integer("read_timeout_seconds", out.read_timeout.count(), 1, 3600));
    read_tokens(r, out.tokens);
  }
  if (out.listen.empty()) return;
  TableReader top(document, file, "", errors);
  const auto address = parse_listen(out.listen);
  if (!address) {
    top.error_at(listen_node, listen_key + ": '" + out.listen +
                                  "' must be an IP address and port, e.g. 127.0.0.1:8780 or [::1]:8780");
    return;
  }
  out.host = address->host;
  out.port = address->port;
  out.loopback = address->loopback;
  const bool tls = !out.tls_cert_file.empty();
  if (address->scheme == "https" && !tls) {
    top.error_at(listen_node, listen_key + ": https needs api.tls_cert_file and api.tls_key_file");
  }
  if (address->scheme == "http" && tls) {
    top.error_at(listen_node, listen_key + ": TLS is configured, so write https:// or no scheme");
  }
  if (!out.loopback && out.tokens.empty()) {
    top.error_at(listen_node, listen_key + ": '" + out.listen +
                                  "' is not a loopback address and [[api.tokens]] is empty: anyone who reaches it "
                                  "could publish. Add tokens (fabuctl api-token) or listen on 127.0.0.1");
  }
}

}  // namespace fabu
