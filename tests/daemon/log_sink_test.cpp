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

#include "daemon/delivery_log.h"
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

// The delivery log writes its lines out once per batch (flush()), not a write(2) per line; each line
// is one JSON object with the delivery's fields, a stale result's as "stale" with what it reported.
TEST(DeliveryLogFile, LinesReachTheFileAtFlushWithTheirFields) {
  TempDir dir;
  const std::string path = dir.path() + "/fabud.log";
  auto output = make_log_output(path, "info");
  ASSERT_TRUE(output) << output.error();
  DeliveryLog log(output->logger->clone(std::string(kEventLoggerName)));
  ClaimedDelivery delivery;
  delivery.release_id = "r-1";
  delivery.channel = "microblog";
  delivery.destination = "county_a";
  delivery.attempt = 2;
  delivery.in_doubt = true;
  Completion delivered;
  delivered.outcome = CompletionOutcome::delivered;
  delivered.receipt.post_id = "49000";
  delivered.receipt.note = "reconciled: \"found\"\n";
  Completion retry;
  retry.outcome = CompletionOutcome::retry;
  retry.error = "POST statuses/share.json: reset \xff";
  retry.error_kind = FailureKind::transient;
  retry.next_at_ms = 1765000000123;
  log.record(delivery, delivered, 12);
  log.stale(delivery, retry, 7);
  log.intake("admitted", "r-2", "");
  EXPECT_TRUE(lines_of(path).empty()) << "nothing is written out before flush()";
  log.flush();
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 3u);
  const auto first = nlohmann::json::parse(lines[0]);
  const auto second = nlohmann::json::parse(lines[1]);
  const auto third = nlohmann::json::parse(lines[2]);
  const nlohmann::json first_fields = {{"event", "delivery"}, {"level", "info"}, {"release", "r-1"},
                                       {"channel", "microblog"}, {"destination", "county_a"}, {"outcome", "delivered"},
                                       {"attempt", 2}, {"latency_ms", 12}, {"in_doubt", true}, {"post_id", "49000"},
                                       {"note", "reconciled: \"found\"\n"}};
  const nlohmann::json second_fields = {{"level", "warning"}, {"outcome", "stale"}, {"reported", "retrying"},
                                        {"error", "POST statuses/share.json: reset \xEF\xBF\xBD"},
                                        {"error_kind", "transient"}, {"next_at_ms", 1765000000123}};
  for (const auto& [line, fields] : {std::pair{first, first_fields}, std::pair{second, second_fields}}) {
    for (const auto& [key, value] : fields.items()) EXPECT_EQ(line[key], value) << key << " in " << line.dump();
  }
  EXPECT_FALSE(first.contains("error"));
  EXPECT_EQ(third["event"], "admitted");
  EXPECT_EQ(third["release"], "r-2");
  EXPECT_FALSE(third.contains("detail"));
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
