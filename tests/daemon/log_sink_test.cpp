// fabud's log lines: every line one JSON object with time and level; the event logger's objects are
// merged into the line; the file sink reopens its path after a rename (logrotate).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/log_sink.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

std::string format(std::string_view logger, spdlog::level::level_enum level, std::string_view text) {
  JsonLineFormatter formatter;
  spdlog::details::log_msg msg(spdlog::string_view_t(logger.data(), logger.size()), level,
                               spdlog::string_view_t(text.data(), text.size()));
  spdlog::memory_buf_t out;
  formatter.format(msg, out);
  return std::string(out.data(), out.size());
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

const std::regex kIsoWithOffset(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d)");

TEST(JsonLineFormatter, PlainMessageBecomesTimeLevelMsg) {
  const std::string line = format("fabud", spdlog::level::warn, "SIGTERM: \"shutting\" down\nnow");
  ASSERT_EQ(line.back(), '\n');
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json.size(), 3u);
  EXPECT_TRUE(std::regex_match(json["time"].get<std::string>(), kIsoWithOffset)) << json["time"];
  EXPECT_EQ(json["level"], "warning");
  EXPECT_EQ(json["msg"], "SIGTERM: \"shutting\" down\nnow");
}

TEST(JsonLineFormatter, EventObjectIsMergedIntoTheLine) {
  const std::string line = format(kEventLoggerName, spdlog::level::info, R"({"event":"delivery","release":"r-1"})");
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["level"], "info");
  EXPECT_EQ(json["event"], "delivery");
  EXPECT_EQ(json["release"], "r-1");
  EXPECT_FALSE(json.contains("msg"));
  EXPECT_EQ(nlohmann::json::parse(format(kEventLoggerName, spdlog::level::info, "{}")).size(), 2u);
}

TEST(JsonLineFormatter, TextFromTheEventLoggerThatIsNoObjectStaysText) {
  const auto json = nlohmann::json::parse(format(kEventLoggerName, spdlog::level::info, "{not closed"));
  EXPECT_EQ(json["msg"], "{not closed");
}

TEST(JsonLineFormatter, InvalidUtf8IsReplacedNotPassedThrough) {
  const auto json = nlohmann::json::parse(format("fabud", spdlog::level::err, "bad \xff byte"));
  EXPECT_EQ(json["level"], "error");
  EXPECT_NE(json["msg"].get<std::string>().find("bad "), std::string::npos);
}

TEST(IsoTimeWithOffset, HasMillisecondsAndOffset) {
  EXPECT_TRUE(std::regex_match(iso_time_with_offset(std::chrono::system_clock::now()), kIsoWithOffset));
}

TEST(ReopenableFileSink, WritesToAFreshFileAfterRenameAndReopen) {
  TempDir dir;
  const std::string path = dir.path() + "/fabud.log";
  auto output = make_log_output(path, "info");
  ASSERT_TRUE(output) << output.error();
  ASSERT_TRUE(output->file);
  output->logger->info("before rotation");
  std::filesystem::rename(path, path + ".1");
  output->logger->info("after rename, before reopen");  // still the renamed file's descriptor
  ASSERT_TRUE(output->file->reopen());
  output->logger->info("after reopen");
  const auto old_lines = lines_of(path + ".1");
  const auto new_lines = lines_of(path);
  ASSERT_EQ(old_lines.size(), 2u);
  ASSERT_EQ(new_lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(old_lines[0])["msg"], "before rotation");
  EXPECT_EQ(nlohmann::json::parse(old_lines[1])["msg"], "after rename, before reopen");
  EXPECT_EQ(nlohmann::json::parse(new_lines[0])["msg"], "after reopen");
}

TEST(ReopenableFileSink, UnopenablePathIsAnError) {
  TempDir dir;
  // spdlog creates missing folders; a path under a regular file cannot be created.
  std::ofstream(dir.path() + "/file") << "x";
  auto blocked = make_log_output(dir.path() + "/file/fabud.log", "info");
  ASSERT_FALSE(blocked);
  EXPECT_NE(blocked.error().find("file/fabud.log"), std::string::npos) << blocked.error();
}

}  // namespace
}  // namespace fabu::testing
