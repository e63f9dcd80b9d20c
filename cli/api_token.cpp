// fabuctl api-token: the token goes to stdout once; fabu.toml only ever holds its SHA-256.
#include "cli/api_token.h"

#include <algorithm>
#include <array>
#include <iostream>
#include <regex>
#include <vector>

#include "http_server/bearer_tokens.h"

namespace fabu::cli {

int api_token(const std::string& name, const std::string& roles) {
  if (!std::regex_match(name, std::regex("[A-Za-z0-9._-]{1,64}"))) {
    std::cerr << "fabuctl api-token: --name must be 1-64 letters, digits or ._- (it names the holder in logs)\n";
    return 2;
  }
  constexpr std::array<std::string_view, 3> kRoles{"submit", "read", "operate"};
  std::vector<std::string> list;
  std::size_t start = 0;
  while (start <= roles.size()) {
    const auto comma = std::min(roles.find(',', start), roles.size());
    const std::string role = roles.substr(start, comma - start);
    if (std::find(kRoles.begin(), kRoles.end(), role) == kRoles.end()) {
      std::cerr << "fabuctl api-token: role '" << role << "' is not one of submit, read, operate\n";
      return 2;
    }
    if (std::find(list.begin(), list.end(), role) == list.end()) list.push_back(role);
    start = comma + 1;
  }
  const std::string token = new_bearer_token();
  if (token.empty()) {
    std::cerr << "fabuctl api-token: the random generator failed; no token was made\n";
    return 1;
  }
  std::string toml_roles;
  for (const auto& r : list) toml_roles += (toml_roles.empty() ? "\"" : ", \"") + r + "\"";
  std::cout << "Token for '" << name << "' (shown once; give it to the client, it is not stored anywhere):\n\n"
            << "  " << token << "\n\n"
            << "Add to fabu.toml (only the token's SHA-256 is kept there), then restart fabud:\n\n"
            << "[[api.tokens]]\nname = \"" << name << "\"\nroles = [" << toml_roles << "]\nsha256 = \""
            << sha256_hex(token) << "\"\n";
  return 0;
}

}  // namespace fabu::cli
