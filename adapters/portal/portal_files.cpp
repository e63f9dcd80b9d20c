// POSIX file operations for the portal writer. fsync before rename is what makes the rename atomic
// with respect to a crash, not just to concurrent readers.
#include "adapters/portal/portal_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/file_descriptor.h"

namespace fabu::portal {
namespace {

Error io_error(std::string_view what, const std::string& path, int err) {
  return Error::transient("portal: cannot " + std::string(what) + " " + path + ": " +
                          std::generic_category().message(err));
}

// A unique name per process and call, so two writers of one folder never share a temporary file.
std::string temp_name_for(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path target(path);
  return (target.parent_path() / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                                  std::to_string(counter.fetch_add(1))))
      .string();
}

Result<void> write_all(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(io_error("write", path, errno));
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

Result<void> write_file_atomically(const std::string& path, std::string_view content) {
  const std::string temp = temp_name_for(path);
  FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return fail(io_error("create", temp, errno));
  auto cleanup_on_error = [&](Error e) {
    ::unlink(temp.c_str());
    return fail(std::move(e));
  };
  if (auto written = write_all(fd.get(), content, temp); !written) return cleanup_on_error(written.error());
  if (::fsync(fd.get()) != 0) return cleanup_on_error(io_error("fsync", temp, errno));
  if (fd.close() != 0) return cleanup_on_error(io_error("close", temp, errno));
  if (::rename(temp.c_str(), path.c_str()) != 0) return cleanup_on_error(io_error("rename into", path, errno));

  const std::string dir = std::filesystem::path(path).parent_path().string();
  FileDescriptor dir_fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());  // best effort: some filesystems refuse fsync on folders
  return {};
}

Result<std::optional<std::string>> read_file_if_exists(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return fail(io_error("open", path, errno));
  }
  std::string content;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(io_error("read", path, errno));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return std::optional<std::string>(std::move(content));
}

Result<void> make_directories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(io_error("create folder", dir, ec.value()));
  return {};
}

Result<void> ensure_output_dir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return {};
  const std::filesystem::path parent = std::filesystem::path(dir).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
    return fail(Error::config("portal: the parent folder of output_dir does not exist: " + parent.string()));
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return fail(io_error("create folder", dir, errno));
  return {};
}

Result<void> output_dir_writable(const std::string& dir) {
  if (auto ok = ensure_output_dir(dir); !ok) return ok;
  const std::string probe = dir + "/.fabu-write-check-" + std::to_string(::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return fail(Error::config("output_dir " + dir + " is not writable: " + std::strerror(errno)));
  ::close(fd);
  return remove_file(probe);
}

Result<void> remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return fail(io_error("remove", path, errno));
  return {};
}

}  // namespace fabu::portal
