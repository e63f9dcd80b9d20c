#include "cli/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/file_descriptor.h"

namespace fabu::cli {
namespace {

std::string over_limit(const std::string& size, ReadLimit limit) {
  return "is " + size + " bytes, over the limit " + std::string(limit.name) + " (" + std::to_string(limit.bytes) + ")";
}

std::unexpected<std::string> cannot_read(int error) {
  return std::unexpected("cannot read it: " + std::string(std::strerror(error)));
}

}  // namespace

std::expected<std::string, std::string> read_input_file(const std::string& path, ReadLimit limit) {
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (file.get() < 0) return cannot_read(errno);
  struct stat info{};
  if (::fstat(file.get(), &info) != 0) return cannot_read(errno);
  if (S_ISDIR(info.st_mode)) return std::unexpected("is a folder, not a file");
  if (S_ISREG(info.st_mode) && static_cast<std::size_t>(info.st_size) > limit.bytes) {
    return std::unexpected(over_limit(std::to_string(info.st_size), limit));
  }
  // One byte past the limit is enough to know the file is over it.
  const std::size_t most = limit.bytes + 1;
  std::string text;
  char chunk[64 * 1024];
  while (text.size() < most) {
    const ssize_t got = ::read(file.get(), chunk, std::min(sizeof chunk, most - text.size()));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return cannot_read(errno);
    if (got == 0) break;
    text.append(chunk, static_cast<std::size_t>(got));
  }
  if (text.size() > limit.bytes) return std::unexpected(over_limit("more than " + std::to_string(limit.bytes), limit));
  return text;
}

DocumentFormat release_format_of(const std::string& path) {
  return std::filesystem::path(path).extension() == ".json" ? DocumentFormat::json : DocumentFormat::toml;
}

bool replace_file(const std::string& path, const std::string& contents) {
  struct stat st {};
  const mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  const std::string temp = path + ".fabuctl-tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return false;
  const bool ok = ::write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    return false;
  }
  return true;
}

}  // namespace fabu::cli
