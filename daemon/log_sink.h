// fabud's log output: every line one JSON object, written to stderr or to a file that can be reopened.
//
// Line format (stable, documented in README.md "The log"):
//   {"time":"2026-12-10T08:31:00.123+08:00","level":"info","msg":"..."}     a plain message
//   {"time":...,"level":...,"event":"delivery","release":...,...}         a delivery or intake event
// `time` is local time, ISO 8601 with milliseconds and the UTC offset; `level` is spdlog's name
// (trace, debug, info, warning, error, critical). Lines from the logger named kEventLoggerName carry a
// JSON object as their message, whose fields are merged into the line; every other message is text.
//
// Rotation: logrotate renames the file, then sends SIGUSR1 (or SIGHUP); fabud calls reopen(), and the
// next line goes to a fresh file at the configured path. No copytruncate, no lost lines.
//
// Thread rules: the sink and formatter are thread-safe (spdlog's _mt sinks); reopen() may be called
// from any thread while others log.
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <spdlog/details/file_helper.h>
#include <spdlog/formatter.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

namespace fabu {

// The logger whose messages are JSON objects (DeliveryLog's).
inline constexpr std::string_view kEventLoggerName = "delivery";

// "2026-12-10T08:31:00.123+08:00": local time with milliseconds and the UTC offset.
std::string iso_time_with_offset(std::chrono::system_clock::time_point when);
// The same, appended to `out` (no string of its own).
void append_iso_time_with_offset(std::string& out, std::chrono::system_clock::time_point when);

class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLineFormatter>(); }
};

// An appending file sink that reopens its path on request (after logrotate renamed the file).
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Throws spdlog::spdlog_ex when the file cannot be opened (caught by make_log_output).
  explicit ReopenableFileSink(const std::string& path);
  // Closes the file and opens the configured path again, creating it if it was renamed away.
  // Returns false (and keeps logging to the old descriptor) when the path cannot be opened.
  bool reopen();

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  spdlog::details::file_helper file_;
};

// fabud's logger and, when it writes to a file, the sink to reopen.
struct LogOutput {
  std::shared_ptr<spdlog::logger> logger;
  std::shared_ptr<ReopenableFileSink> file;  // null when logging to stderr
};

// A logger named "fabud" writing JSON lines to `path` (appended to), or to stderr when `path` is empty,
// at `level` ("info", "warn", ...), flushed at info and above. The error names the path and why.
std::expected<LogOutput, std::string> make_log_output(const std::string& path, const std::string& level);

}  // namespace fabu
