// fabuctl api-token: makes a bearer token for fabud's HTTP API.
#pragma once

#include <string>

namespace fabu::cli {

// Prints a new random token once and the [[api.tokens]] entry (name, roles, sha256) for fabu.toml.
// `roles` is a comma-separated list of submit, read, operate. Exit code 0, or 2 on bad input.
int api_token(const std::string& name, const std::string& roles);

}  // namespace fabu::cli
