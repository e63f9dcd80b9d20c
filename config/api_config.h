// read_api: the `[api]` table (and the older `daemon.api_listen`) into an ApiConfig.
// Internal to config/: parse_config calls it once per file.
#pragma once

#include "config/config.h"

namespace fabu {

// `api` is the [api] table or nullptr when absent; `daemon_api_listen` is the value of the older
// `daemon.api_listen`, used as [api] listen when that is not set (both set is an error).
void read_api(const toml::table* api, const toml::table& document, const std::string& file, ConfigErrors& errors,
              const std::string& daemon_api_listen, ApiConfig& out);

}  // namespace fabu
