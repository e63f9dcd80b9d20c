// The statutory clock and the roster through the real tools: fabud (start-up warning, deadlines given
// at admission), fabuctl submit's warning, fabuctl due and fabuctl roster, on a real Redis.
#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/deadline.h"
#include "tests/integration/harness.h"

namespace fabu::testing {
namespace {

Date days_from_today(int days) { return date_from_days(days_since_epoch(china_today()) + days); }

// A release formed on `formed`, scheduled far ahead so that nothing of it goes out during the test.
std::string scheduled_release(const std::string& id, const Date& formed) {
  auto json = nlohmann::json::parse(release_json(id, R"({"portal":["tzgg"]})"));
  json["formed_at"] = formed.iso();
  json["approval"]["approved_at"] = Timestamp::in_shanghai(unix_now_ms() / 1000).iso();  // not before formed_at
  json["publish_at"] = days_from_today(60).iso() + "T09:00:00+08:00";
  return signed_release(json.dump());
}

TEST(CalendarE2eTest, SubmitWarnsAndDueListsWhatIsLateOrNear) {
  TempDir holidays;
  HarnessOptions options;
  options.extra_toml = "[calendar]\nholidays_dir = \"" + holiday_folder(holidays.path(), {-1, 0, 1}) + "\"\n";
  options.api_port = free_port();
  options.api_tokens = {{"cms", R"(["submit"])", "caltok-submit-0123456789"}};
  Harness h(options);
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(options.api_port)) << h.log_of();

  // The API's submit reply carries the same warning; a release with time left gets none.
  auto late = http_request(options.api_port, "POST", "/v1/releases",
                           scheduled_release("cal-api-late", days_from_today(-40)), "application/json",
                           "caltok-submit-0123456789");
  ASSERT_EQ(late.status, 202) << late.body;
  EXPECT_NE(nlohmann::json::parse(late.body).value("deadline_warning", "").find("cal-api-late is late"),
            std::string::npos)
      << late.body;
  auto fresh_api = http_request(options.api_port, "POST", "/v1/releases",
                                scheduled_release("cal-api-fresh", china_today()), "application/json",
                                "caltok-submit-0123456789");
  ASSERT_EQ(fresh_api.status, 202) << fresh_api.body;
  EXPECT_FALSE(nlohmann::json::parse(fresh_api.body).contains("deadline_warning")) << fresh_api.body;

  TempDir files;
  write_file(files.path() + "/late.json", scheduled_release("cal-late", days_from_today(-70)));
  write_file(files.path() + "/fresh.json", scheduled_release("cal-fresh", china_today()));
  std::string said;
  ASSERT_EQ(run_shell(fabuctl(h, "submit " + files.path() + "/late.json"), said), 0) << said;
  EXPECT_NE(said.find("warning: cal-late is late: formed " + days_from_today(-70).iso()), std::string::npos) << said;
  ASSERT_EQ(run_shell(fabuctl(h, "submit " + files.path() + "/fresh.json"), said), 0) << said;
  EXPECT_EQ(said.find("warning"), std::string::npos) << said;

  ASSERT_TRUE(Harness::eventually([&] {
    auto a = h.ledger().release_record("cal-late");
    auto b = h.ledger().release_record("cal-fresh");
    auto c = h.ledger().release_record("cal-api-late");
    return a && a->has_value() && b && b->has_value() && c && c->has_value();
  }));
  auto fresh = h.ledger().release_record("cal-fresh");
  ASSERT_TRUE(fresh && fresh->has_value());
  EXPECT_GT((*fresh)->deadline_ms, unix_now_ms() + 20LL * 86'400'000);  // 20 working days are 26+ days

  ASSERT_EQ(run_shell(fabuctl(h, "due --json") + " 2>/dev/null", said), 0) << said;
  auto due = nlohmann::json::parse(said);
  ASSERT_EQ(due.size(), 2u) << said;  // earliest deadline first
  EXPECT_EQ(due[0]["id"], "cal-late");
  EXPECT_EQ(due[1]["id"], "cal-api-late");
  for (const auto& entry : due) {
    EXPECT_EQ(entry["state"], "late");
    EXPECT_LT(entry["working_days_left"].get<int>(), 0);
  }

  ASSERT_EQ(run_shell(fabuctl(h, "due --within 25"), said), 0) << said;
  EXPECT_NE(said.find("cal-late"), std::string::npos) << said;
  EXPECT_NE(said.find("cal-fresh"), std::string::npos) << said;
  EXPECT_EQ(h.log_of().find("no holiday notice"), std::string::npos) << h.log_of();
}

TEST(CalendarE2eTest, FabudWarnsAtStartWhenTheComingYearIsMissing) {
  TempDir holidays;
  HarnessOptions options;
  options.extra_toml = "[calendar]\nholidays_dir = \"" + holiday_folder(holidays.path(), {0}) + "\"\n";
  Harness h(options);
  auto fabud = h.start_fabud();
  const std::string next = std::to_string(china_today().year + 1);
  EXPECT_TRUE(Harness::eventually([&] { return h.log_of().find("no holiday notice for " + next) != std::string::npos; }))
      << h.log_of();
  EXPECT_EQ(h.log_of().find("no holiday notice for " + std::to_string(china_today().year) + " "), std::string::npos);
}

// A new year's file dropped in is read on SIGHUP; a broken file is refused and the old calendar stays.
TEST(CalendarE2eTest, SighupReadsTheHolidayFolderAgainAndKeepsTheOldOneWhenItIsBroken) {
  TempDir holidays;
  HarnessOptions options;
  options.extra_toml = "[calendar]\nholidays_dir = \"" + holiday_folder(holidays.path(), {-1}) + "\"\n";
  options.api_port = free_port();
  options.api_tokens = {{"cms", R"(["submit"])", "caltok-reload-0123456789"}};
  Harness h(options);
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(options.api_port)) << h.log_of();
  const int year = china_today().year;
  const auto submit = [&](const std::string& id) {
    auto reply = http_request(options.api_port, "POST", "/v1/releases", scheduled_release(id, china_today()),
                              "application/json", "caltok-reload-0123456789");
    EXPECT_EQ(reply.status, 202) << reply.body;
    return nlohmann::json::parse(reply.body).value("deadline_warning", "");
  };
  const auto count = [&](const std::string& what) {
    const std::string log = h.log_of();
    int n = 0;
    for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_NE(submit("cal-reload-before").find("cannot be counted"), std::string::npos);

  // This year's file, broken: the reload keeps last year's calendar and says which years it kept.
  write_file(holidays.path() + "/" + std::to_string(year) + ".toml", "year = " + std::to_string(year) + "\nholidays = 3\n");
  fabud.signal(SIGHUP);
  const std::string refused = "calendar refused, keeping the running one (years " + std::to_string(year - 1) + ")";
  ASSERT_TRUE(Harness::eventually([&] { return count(refused) > 0; })) << h.log_of();
  EXPECT_NE(submit("cal-reload-broken").find("cannot be counted"), std::string::npos);

  // This year's and next year's files, valid: the next deadline is counted with them.
  holiday_folder(holidays.path(), {0, 1});
  fabud.signal(SIGHUP);
  const std::string loaded = "years " + std::to_string(year - 1) + ", " + std::to_string(year) + ", " +
                             std::to_string(year + 1);
  ASSERT_TRUE(Harness::eventually([&] { return count(loaded) > 0; })) << h.log_of();
  EXPECT_EQ(submit("cal-reload-after"), "");
  ASSERT_TRUE(Harness::eventually([&] {
    auto record = h.ledger().release_record("cal-reload-after");
    return record && record->has_value();
  })) << h.log_of();
  auto before = h.ledger().release_record("cal-reload-before");
  auto after = h.ledger().release_record("cal-reload-after");
  ASSERT_TRUE(before && before->has_value() && after && after->has_value());
  EXPECT_EQ((*before)->deadline_ms, 0);  // admitted while this year was missing
  EXPECT_GT((*after)->deadline_ms, unix_now_ms() + 20LL * 86'400'000);
  EXPECT_TRUE(fabud.running());
}

TEST(CalendarE2eTest, RosterListsSpokespersonsByLevelWithCounts) {
  HarnessOptions options;
  options.extra_toml = R"([[spokespersons]]
id = "city-a"
name = "甲"
title = "市政府新闻发言人"
unit = "市政府办公室"
level = "city"
[[spokespersons]]
id = "dept-a"
name = "乙"
title = "市教育局副局长"
unit = "市教育局"
level = "department"
[[spokespersons]]
id = "dept-b"
name = "丙"
title = "市卫生健康委副主任"
unit = "市卫生健康委"
level = "department"
)";
  Harness h(options);
  std::string said;
  ASSERT_EQ(run_shell(fabuctl(h, "roster --json") + " 2>/dev/null", said), 0) << said;
  const auto roster = nlohmann::json::parse(said);
  EXPECT_EQ(roster["total"], 3);
  ASSERT_EQ(roster["levels"].size(), 4u);
  EXPECT_EQ(roster["levels"][0]["level"], "city");
  EXPECT_EQ(roster["levels"][0]["count"], 1);
  EXPECT_EQ(roster["levels"][1]["count"], 2);
  EXPECT_EQ(roster["levels"][1]["spokespersons"][1]["id"], "dept-b");
  EXPECT_EQ(roster["levels"][3]["count"], 0);
  ASSERT_EQ(run_shell(fabuctl(h, "roster"), said), 0) << said;
  EXPECT_NE(said.find("department: 2"), std::string::npos) << said;
  EXPECT_NE(said.find("市卫生健康委副主任"), std::string::npos) << said;
  EXPECT_NE(said.find("total: 3"), std::string::npos) << said;
}

}  // namespace
}  // namespace fabu::testing
