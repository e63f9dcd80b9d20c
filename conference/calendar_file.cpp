#include "conference/calendar_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

#include <spdlog/spdlog.h>

#include "conference/calendar.h"

namespace fabu {
namespace {

Result<void> replace_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Error::config("cannot write " + tmp + ": " + std::strerror(errno)));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(Error::transient("cannot write " + tmp + ": " + std::strerror(errno)));
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail(Error::transient("cannot replace " + path + ": " + std::strerror(errno)));
  }
  return {};
}

}  // namespace

CalendarFileWriter::CalendarFileWriter(std::unique_ptr<DeliveryLedger> ledger, SeriesLookup lookup, std::string path,
                                       std::chrono::milliseconds interval)
    : ledger_(std::move(ledger)), lookup_(std::move(lookup)), path_(std::move(path)), interval_(interval) {
  thread_ = std::thread([this] { run(); });
}

CalendarFileWriter::~CalendarFileWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<bool> CalendarFileWriter::write_once() {
  auto events = collect_calendar(*ledger_, lookup_, 0);
  if (!events) return fail(events.error());
  std::string text = render_calendar(*events);
  if (text == written_) return true;
  if (auto ok = replace_file(path_, text); !ok) return fail(ok.error());
  written_ = std::move(text);
  return true;
}

void CalendarFileWriter::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      if (auto ok = write_once(); !ok) spdlog::warn("conference calendar {}: {}", path_, ok.error().message);
    } catch (const std::exception& e) {
      spdlog::error("conference calendar {}: {}", path_, e.what());
    }
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace fabu
