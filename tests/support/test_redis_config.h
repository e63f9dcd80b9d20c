// A RedisConfig for the shared test redis-server with a key prefix no other test uses. Header-only:
// the tests that include it link config/ already.
#pragma once

#include "config/config.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace fabu::testing {

inline RedisConfig shared_redis_config() {
  RedisConfig config;
  config.host = "127.0.0.1";
  config.port = shared_redis_port();
  config.prefix = unique_prefix();
  return config;
}

}  // namespace fabu::testing
