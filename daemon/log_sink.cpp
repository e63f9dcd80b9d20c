#include "daemon/log_sink.h"

#include "core/json_writer.h"

#include <ctime>

#include <spdlog/sinks/stdout_sinks.h>

namespace fabu {
namespace {

void append(spdlog::memory_buf_t& dest, std::string_view text) { dest.append(text.data(), text.data() + text.size()); }

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// Writes `value` as exactly `width` decimal digits (zero-padded) at `out`. Its callers pass the fields of a
// calendar time (a year of four digits, the rest of two or three), which fit their width.
char* put_digits(char* out, long value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// By hand rather than with snprintf: it runs for every log line (one per delivery). Writes at most
// kIsoTimeSize characters into `buf`.
constexpr std::size_t kIsoTimeSize = 32;
std::string_view format_iso_time(char* buf, std::chrono::system_clock::time_point when) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  const long offset_min = tm.tm_gmtoff / 60;
  const long abs_min = offset_min < 0 ? -offset_min : offset_min;
  char* p = put_digits(buf, tm.tm_year + 1900L, 4);
  *p++ = '-';
  p = put_digits(p, tm.tm_mon + 1L, 2);
  *p++ = '-';
  p = put_digits(p, tm.tm_mday, 2);
  *p++ = 'T';
  p = put_digits(p, tm.tm_hour, 2);
  *p++ = ':';
  p = put_digits(p, tm.tm_min, 2);
  *p++ = ':';
  p = put_digits(p, tm.tm_sec, 2);
  *p++ = '.';
  p = put_digits(p, static_cast<long>(ms % 1000), 3);
  *p++ = offset_min < 0 ? '-' : '+';
  p = put_digits(p, abs_min / 60, 2);
  *p++ = ':';
  p = put_digits(p, abs_min % 60, 2);
  return {buf, static_cast<std::size_t>(p - buf)};
}

}  // namespace

void append_iso_time_with_offset(std::string& out, std::chrono::system_clock::time_point when) {
  char buf[kIsoTimeSize];
  out += format_iso_time(buf, when);
}

std::string iso_time_with_offset(std::chrono::system_clock::time_point when) {
  std::string out;
  append_iso_time_with_offset(out, when);
  return out;
}

void JsonLineFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const std::string_view payload(msg.payload.data(), msg.payload.size());
  append(dest, "{\"time\":\"");
  char time[kIsoTimeSize];
  append(dest, format_iso_time(time, msg.time));
  append(dest, "\",\"level\":\"");
  const auto level = spdlog::level::to_string_view(msg.level);
  append(dest, std::string_view(level.data(), level.size()));
  append(dest, "\"");
  const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
  const bool is_object = logger == kEventLoggerName && payload.size() >= 2 && payload.front() == '{' &&
                         payload.back() == '}';
  if (is_object) {
    // The event's own fields follow; "{}" adds none.
    if (payload.size() > 2) {
      append(dest, ",");
      append(dest, payload.substr(1));
    } else {
      append(dest, "}");
    }
  } else {
    append(dest, ",\"msg\":");
    append(dest, json_string(payload));
    append(dest, "}");
  }
  append(dest, "\n");
}

ReopenableFileSink::ReopenableFileSink(const std::string& path) { file_.open(path, false); }

bool ReopenableFileSink::reopen() {
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    file_.reopen(false);
    return true;
  } catch (const spdlog::spdlog_ex&) {
    return false;
  }
}

void ReopenableFileSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  file_.write(formatted);
}

void ReopenableFileSink::flush_() { file_.flush(); }

std::expected<LogOutput, std::string> make_log_output(const std::string& path, const std::string& level) {
  LogOutput out;
  spdlog::sink_ptr sink;
  if (path.empty()) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    try {
      out.file = std::make_shared<ReopenableFileSink>(path);
    } catch (const spdlog::spdlog_ex& e) {
      return std::unexpected("cannot open the log file " + path + ": " + e.what());
    }
    sink = out.file;
  }
  sink->set_formatter(std::make_unique<JsonLineFormatter>());
  out.logger = std::make_shared<spdlog::logger>("fabud", sink);
  out.logger->set_level(spdlog::level::from_str(level));
  out.logger->flush_on(spdlog::level::info);
  return out;
}

}  // namespace fabu
