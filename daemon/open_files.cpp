#include "daemon/open_files.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

namespace fabu {

namespace {

constexpr long kMargin = 256;

long as_long(rlim_t value) {
  return value == RLIM_INFINITY ? std::numeric_limits<long>::max() : static_cast<long>(value);
}

}  // namespace

long open_files_wanted(const Config& config) {
  const long channels = std::max<long>(1, static_cast<long>(config.channels.size()));
  return channels * config.http.max_connections_per_host + config.api.max_connections + kMargin;
}

Result<OpenFilesLimit> raise_open_files_limit(long wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return fail(Error::config(std::string("cannot read the open files limit: ") + std::strerror(errno)));
  }
  OpenFilesLimit out{as_long(limit.rlim_cur), as_long(limit.rlim_cur), as_long(limit.rlim_max)};
  if (out.before >= wanted) return out;
  limit.rlim_cur = static_cast<rlim_t>(std::min(wanted, out.hard));
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return fail(Error::config(std::string("cannot raise the open files limit: ") + std::strerror(errno)));
  }
  out.now = as_long(limit.rlim_cur);
  return out;
}

}  // namespace fabu
