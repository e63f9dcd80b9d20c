// The report card end to end: releases of several kinds seeded through fabud (a lead account and
// members in groups, a retraction, a correction, a late release), then `fabuctl report` in JSON, Markdown
// and HTML, checked against figures this test counts from what it seeded. Also the portal's broken-link
// check as `fabuctl inspect` shows it.
#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/deadline.h"
#include "core/working_days.h"
#include "queue/reach_book.h"
#include "tests/integration/harness.h"

namespace fabu::testing {
namespace {

using std::chrono::seconds;

struct Seed {
  std::string id;
  std::string kind;
  std::string targets;
  int formed_days_ago = 0;
  std::string doc_number;
  std::string interprets;
  std::string body_extra;
};

std::string seeded(const Seed& s) {
  auto doc = nlohmann::json::parse(release_json(s.id, s.targets, "标题" + s.id));
  doc["kind"] = s.kind;
  doc["formed_at"] = date_from_days(days_since_epoch(china_today()) - s.formed_days_ago).iso();
  doc["approval"]["approved_at"] = Timestamp::in_shanghai(unix_now_ms() / 1000).iso();  // not before formed_at
  if (!s.doc_number.empty()) doc["doc_number"] = s.doc_number;
  if (!s.interprets.empty()) doc["interprets"] = s.interprets;
  if (s.kind == "conference") {
    // Held two hours ago: its notice, reminder and live post all go out now.
    const std::int64_t start = unix_now_ms() / 1000 - 7200;
    doc["conference"] = {{"organiser", "临沂市人民政府新闻办公室"},
                         {"starts_at", Timestamp::in_shanghai(start).iso()},
                         {"ends_at", Timestamp::in_shanghai(start + 3600).iso()},
                         {"venue", "市政府新闻发布厅"},
                         {"topic", "全市教育工作情况"},
                         {"spokespersons", {"edu_deputy"}},
                         {"registration", "请电话报名"},
                         {"livestream", {{"provider", "临沂发布"}, {"url", "https://www.linyi.gov.cn/live/1"}}}};
  }
  doc["body"] = doc["body"].get<std::string>() + s.body_extra;
  // Posts need a link on the safe domain: without a portal article, the release names one.
  if (!nlohmann::json::parse(s.targets).contains("portal")) doc["link"] = "https://www.linyi.gov.cn/x/" + s.id + ".html";
  return signed_release(doc.dump());
}

TEST(ReportE2eTest, TheCardMatchesWhatWasSeeded) {
  TempDir holidays;
  HarnessOptions options;
  options.members = {{"c1", "county"}, {"c2", "county"}, {"d1", "department"}, {"z1", "zone"}};
  options.reach_toml = "[reach]\ncalls_per_hour = 0\n";  // followers readings come from this test only
  options.extra_toml = "[calendar]\nholidays_dir = \"" + holiday_folder(holidays.path(), {-1, 0, 1}) + "\"\n\n" +
                       "[[spokespersons]]\nid = \"edu_deputy\"\nname = \"张明\"\ntitle = \"市教育局副局长\"\n" +
                       "unit = \"临沂市教育局\"\nlevel = \"department\"\n";
  options.api_port = free_port();
  options.api_tokens = {{"ops", R"(["read"])", "reporttok-read-0123456789"}};
  Harness h(options);
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(options.api_port)) << h.log_of();

  const std::vector<Seed> seeds = {
      {"news1", "news", R"({"portal":["tzgg"],"microblog":["lead","group:county"]})", 0, "", "",
       "\n[附件](missing-annex.pdf)\n"},
      {"policy1", "notice", R"({"portal":["tzgg"],"microblog":["lead"]})", 0, "临政办发〔2026〕30号"},
      {"interp1", "policy_interpretation", R"({"portal":["zcjd"],"microblog":["lead","d1"]})", 0, "",
       "临政办发〔2026〕30号"},
      {"conf1", "conference", R"({"microblog":["lead","group:county","d1"]})"},
      {"late1", "notice", R"({"portal":["tzgg"]})", 60},
      {"gone1", "news", R"({"microblog":["lead","c1"]})"},
      {"fixed1", "news", R"({"portal":["tzgg"],"microblog":["lead"]})"},
  };
  std::map<std::string, std::string> documents;
  for (const auto& s : seeds) {
    documents[s.id] = seeded(s);
    h.enqueue(documents[s.id]);
  }
  // A conference is three releases: its notice, reminder and live post.
  const auto releases_of = [](const Seed& s) {
    return s.kind == "conference" ? std::vector<std::string>{s.id, s.id + ".reminder", s.id + ".live"}
                                  : std::vector<std::string>{s.id};
  };
  const auto all_settled = [&] {
    for (const auto& s : seeds) {
      for (const auto& id : releases_of(s)) {
        if (!h.settled(id)) return false;
      }
    }
    return true;
  };
  ASSERT_TRUE(Harness::eventually(all_settled, seconds(30))) << h.log_of();

  std::string said;
  ASSERT_EQ(run_shell(fabuctl(h, "retract gone1 --reason 数据有误"), said), 0) << said;
  auto revised = nlohmann::json::parse(documents["fixed1"]);
  revised["revision"] = 2;
  revised["change_note"] = "更正第二段数字";
  const std::string file = h.portal_dir() + "/../fixed1-r2.json";
  write_file(file, signed_release(revised.dump()));
  ASSERT_EQ(run_shell(fabuctl(h, "correct fixed1 " + file), said), 0) << said;
  ASSERT_TRUE(Harness::eventually(
      [&] {
        auto gone = h.ledger().release_record("gone1");
        auto fixed = h.ledger().release_record("fixed1");
        return gone && *gone && (*gone)->state == "retracted" && fixed && *fixed && (*fixed)->revision == 2 &&
               all_settled();
      },
      seconds(30)))
      << h.log_of();

  // The lead's followers, read twice within the period.
  RedisConfig redis;
  redis.port = h.redis_port();
  redis.prefix = h.prefix();
  auto reach = make_redis_reach_book(redis, 400);
  const std::int64_t now = unix_now_ms();
  ASSERT_TRUE(reach->record_followers("microblog", {{"lead_acct", 1000, 0, 0}}, now - 7'200'000));
  ASSERT_TRUE(reach->record_followers("microblog", {{"lead_acct", 1180, 0, 0}}, now - 3'600'000));

  // What the test expects, counted from the seeds: publishes per account and channel.
  std::map<std::string, int> posts;  // microblog account -> publish deliveries
  int portal_articles = 0;
  for (const auto& s : seeds) {
    const auto targets = nlohmann::json::parse(s.targets);
    if (targets.contains("portal")) ++portal_articles;
    if (!targets.contains("microblog")) continue;
    const int steps = static_cast<int>(releases_of(s).size());  // each step of a conference posts
    for (const auto& t : targets["microblog"]) {
      if (t == "lead") posts["lead_acct"] += steps;
      if (t == "group:county") posts["c1"] += steps, posts["c2"] += steps;
      if (t == "c1" || t == "d1") posts[t.get<std::string>()] += steps;
    }
  }
  int member_posts = 0, microblog_posts = posts["lead_acct"];
  for (const char* m : {"c1", "c2", "d1", "z1"}) member_posts += posts[m], microblog_posts += posts[m];

  const std::string from = date_from_days(days_since_epoch(china_today()) - 1).iso();
  const std::string range = "--from " + from + " --to " + china_today().iso();
  ASSERT_EQ(run_shell(fabuctl(h, "report " + range + " --format json") + " 2>/dev/null", said), 0) << said;
  const auto card = nlohmann::json::parse(said);
  EXPECT_EQ(card["period"]["from"], from);
  EXPECT_EQ(card["releases"]["admitted"], seeds.size());
  EXPECT_EQ(card["releases"]["published"], seeds.size());
  std::map<std::string, int> kinds;
  for (const auto& s : seeds) ++kinds[s.kind];
  for (const auto& k : card["releases"]["by_kind"]) {
    EXPECT_EQ(k["published"], kinds[k["kind"].get<std::string>()]) << k.dump();
  }
  ASSERT_EQ(card["deliveries"].size(), 2u) << said;
  EXPECT_EQ(card["deliveries"][0]["channel"], "microblog");
  EXPECT_EQ(card["deliveries"][0]["delivered"], microblog_posts);
  EXPECT_EQ(card["deliveries"][0]["success_rate"], 1.0);
  EXPECT_EQ(card["deliveries"][1]["delivered"], portal_articles);

  EXPECT_EQ(card["lead"]["account"], "lead_acct");
  EXPECT_EQ(card["lead"]["posts"], posts["lead_acct"]);
  EXPECT_EQ(card["lead"]["followers_start"], 1000);
  EXPECT_EQ(card["lead"]["followers_growth"], 180);

  const auto& matrix = card["matrix"];
  EXPECT_EQ(matrix["members"], 4);
  EXPECT_EQ(matrix["posted"], 3);  // z1 never posts
  EXPECT_EQ(matrix["posts"], member_posts);
  EXPECT_DOUBLE_EQ(matrix["coverage"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(matrix["posts_per_member"].get<double>(), member_posts / 4.0);
  ASSERT_EQ(matrix["groups"].size(), 3u);
  EXPECT_EQ(matrix["groups"][0]["group"], "county");
  EXPECT_EQ(matrix["groups"][0]["posts"], posts["c1"] + posts["c2"]);
  EXPECT_EQ(matrix["groups"][2]["group"], "zone");
  EXPECT_EQ(matrix["groups"][2]["posted"], 0);
  EXPECT_EQ(matrix["most_active"][0]["account"], "c1");
  EXPECT_EQ(matrix["most_active"][0]["posts"], posts["c1"]);
  EXPECT_EQ(matrix["least_active"][0]["account"], "z1");

  EXPECT_EQ(card["conferences"]["held"], 1);
  EXPECT_EQ(card["conferences"]["items"][0]["id"], "conf1");
  EXPECT_EQ(card["interpretations"]["published"], 1);
  EXPECT_EQ(card["interpretations"]["items"][0]["policy"], "标题policy1（临政办发〔2026〕30号）");
  EXPECT_EQ(card["timeliness"]["known"], seeds.size());
  EXPECT_EQ(card["timeliness"]["in_time"], seeds.size() - 1);
  EXPECT_EQ(card["timeliness"]["late"][0]["id"], "late1");
  EXPECT_EQ(card["retractions"]["count"], 1);
  EXPECT_EQ(card["retractions"]["items"][0]["reason"], "数据有误");
  EXPECT_EQ(card["corrections"]["count"], 1);
  EXPECT_EQ(card["corrections"]["items"][0]["revision"], 2);

  // Inspection: the same verdict as `fabuctl inspect`, which also lists news1's broken annex link.
  run_shell(fabuctl(h, "inspect --json") + " 2>/dev/null", said);
  const auto inspection = nlohmann::json::parse(said);
  EXPECT_EQ(card["inspection"]["verdict"], inspection["verdict"]);
  bool broken_link = false;
  for (const auto& f : inspection["findings"]) {
    broken_link |= f["check"] == "broken_link" &&
                   f["target"].get<std::string>().find("news1.html -> missing-annex.pdf") != std::string::npos;
  }
  EXPECT_TRUE(broken_link) << said;
  const auto metrics = http_request(options.api_port, "GET", "/metrics", {}, {}, "reporttok-read-0123456789").body;
  EXPECT_NE(metrics.find("fabu_inspection_findings{check=\"broken_link\",verdict=\"warn\"} 1\n"), std::string::npos)
      << metrics;

  ASSERT_EQ(run_shell(fabuctl(h, "report " + range), said), 0) << said;
  EXPECT_NE(said.find("members that posted: 3 / 4 (coverage 75.0%)"), std::string::npos) << said;
  EXPECT_NE(said.find("(lead_acct), posts: " + std::to_string(posts["lead_acct"])), std::string::npos) << said;
  EXPECT_NE(said.find("growth: +180"), std::string::npos) << said;
  EXPECT_NE(said.find("Press conferences held: 1"), std::string::npos) << said;
  EXPECT_NE(said.find("Retractions: 1, corrections: 1"), std::string::npos) << said;
  EXPECT_NE(said.find("(" + std::to_string(seeds.size() - 1) + " of " + std::to_string(seeds.size()) + ")"),
            std::string::npos)
      << said;

  const std::string html_file = h.portal_dir() + "/../card.html";
  ASSERT_EQ(run_shell(fabuctl(h, "report " + range + " --format html --output " + html_file), said), 0) << said;
  const std::string html = read_file(html_file);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("+180"), std::string::npos);
  EXPECT_NE(html.find("3 / 4"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);

  EXPECT_EQ(run_shell(fabuctl(h, "report --format pdf") + " 2>&1", said), 2) << said;
  EXPECT_EQ(run_shell(fabuctl(h, "report --from 2026-13-01") + " 2>&1", said), 2) << said;
}

}  // namespace
}  // namespace fabu::testing
