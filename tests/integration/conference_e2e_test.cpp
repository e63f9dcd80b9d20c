// End to end, a press conference as a series: its notice, reminder and live post each go out once at
// their times on two fabud instances while one is killed and restarted; a new revision with other
// times corrects what went out and moves the rest; a cancellation cancels the rest and publishes a
// notice; the record lands on the portal; the iCalendar feed (file and API) follows every change and
// parses with libical. Real redis-server, sandbox platform, fabud and fabuctl processes.
#include <signal.h>

#include <libical/ical.h>

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/release.h"
#include "tests/integration/harness.h"
#include "tests/support/process.h"

namespace fabu::testing {
namespace {

using std::chrono::seconds;

constexpr const char* kLivestream = "https://live.example.cn/linyi/1203";

HarnessOptions conference_options() {
  HarnessOptions o;
  o.extra_toml =
      "[conference]\nremind_before = \"3s\"\ncalendar_file = \"portal/conferences.ics\"\n\n"
      "[calendar]\nholidays_dir = \"" FABU_SOURCE_DIR "/config/holidays\"\n\n"
      "[[spokespersons]]\nid = \"edu_deputy\"\nname = \"张明\"\ntitle = \"市教育局党组成员、副局长\"\n"
      "unit = \"临沂市教育局\"\nlevel = \"department\"\n";
  return o;
}

std::string iso(std::int64_t unix_ms) { return Timestamp{unix_ms / 1000, 8 * 60}.iso(); }

// Signs the draft `file` as the test reviewer does, with `fabuctl approve` and the reviewer's key file;
// the exit code, fabuctl's words in `said`.
int approve_draft(const Harness& h, const std::string& file, std::string& said) {
  const std::string key = h.portal_dir() + "/../reviewer.key";
  if (!std::filesystem::exists(key)) write_file(key, test_reviewer_key().private_pem);
  return run_shell(fabuctl(h, std::string("approve --key ") + key + " --key-id " + test_key_id + " --role 内容审核 " + file),
                   said);
}

// A conference release: notice at `notice_ms`, start at `start_ms`; revision 2 with a change note
// when `revision` says so. Signed by the test reviewer.
std::string conference(const std::string& id, std::int64_t notice_ms, std::int64_t start_ms, int revision = 1) {
  auto doc = nlohmann::json::parse(release_json(id, R"({"portal":["tzgg"],"microblog":["lead"]})",
                                                "2026年全市教育工作新闻发布会预告", "市政府新闻办将举行新闻发布会。"));
  doc["kind"] = "conference";
  doc["publish_at"] = iso(notice_ms);
  if (revision > 1) {
    doc["revision"] = revision;
    doc["change_note"] = "发布会时间调整";
  }
  doc["conference"] = {{"organiser", "临沂市人民政府新闻办公室"},
                       {"starts_at", iso(start_ms)},
                       {"ends_at", iso(start_ms + 3'600'000)},
                       {"venue", "市政府新闻发布厅"},
                       {"topic", "全市教育工作情况"},
                       {"spokespersons", {"edu_deputy"}},
                       {"registration", "请电话报名"},
                       {"livestream", {{"provider", "临沂发布"}, {"url", kLivestream}}}};
  return signed_release(doc.dump());
}

nlohmann::json lead_posts(Harness& h) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : h.sandbox_posts()) {
    if (p.value("token", "") == h.token_of("lead_acct")) out.push_back(p);
  }
  return out;
}

int posts_containing(const nlohmann::json& posts, const std::string& text) {
  int n = 0;
  for (const auto& p : posts) n += p.value("text", "").find(text) != std::string::npos ? 1 : 0;
  return n;
}

std::int64_t first_post_ms(const nlohmann::json& posts, const std::string& text) {
  for (const auto& p : posts) {
    if (p.value("text", "").find(text) != std::string::npos) return p.value("created_at_ms", std::int64_t{0});
  }
  return 0;
}

// The feed parsed by libical: the event of `id`, its SEQUENCE and STATUS; -1 / NONE when absent.
struct FeedEvent {
  bool found = false;
  int sequence = -1;
  icalproperty_status status = ICAL_STATUS_NONE;
  std::int64_t starts = 0;
  std::string description;
  std::string url;
};
FeedEvent event_in(const std::string& ics, const std::string& id) {
  FeedEvent out;
  std::unique_ptr<icalcomponent, void (*)(icalcomponent*)> calendar(icalparser_parse_string(ics.c_str()),
                                                                     icalcomponent_free);
  if (!calendar) return out;
  for (icalcomponent* e = icalcomponent_get_first_component(calendar.get(), ICAL_VEVENT_COMPONENT); e != nullptr;
       e = icalcomponent_get_next_component(calendar.get(), ICAL_VEVENT_COMPONENT)) {
    if (std::string(icalcomponent_get_uid(e)) != id + "@fabu") continue;
    out.found = true;
    out.sequence = icalcomponent_get_sequence(e);
    out.status = icalcomponent_get_status(e);
    out.starts = icaltime_as_timet(icalcomponent_get_dtstart(e));
    if (const char* d = icalcomponent_get_description(e)) out.description = d;
    if (icalproperty* url = icalcomponent_get_first_property(e, ICAL_URL_PROPERTY)) out.url = icalproperty_get_url(url);
  }
  return out;
}

std::string feed_file(const Harness& h) {
  const std::string path = h.portal_dir() + "/conferences.ics";
  return std::filesystem::exists(path) ? read_file(path) : std::string();
}

TEST(ConferenceE2E, NoticeReminderAndLiveGoOutOnceEachAtTheirTimes) {
  Harness h(conference_options());
  auto a = h.start_fabud_as("fabud-a", "a");
  auto b = h.start_fabud_as("fabud-b", "b");
  const std::int64_t t0 = unix_now_ms();
  const std::int64_t notice_ms = (t0 / 1000 + 3) * 1000, start_ms = notice_ms + 9000;  // reminder at +6 s
  h.enqueue(conference("conf-1", notice_ms, start_ms));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("conf-1") && !h.deliveries("conf-1").empty(); }, seconds(20)))
      << h.log_of("fabud-a");
  // One instance dies after the notice and comes back before the reminder is due.
  b.signal(SIGKILL);
  b.wait();
  b = h.start_fabud_as("fabud-b", "b");
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("conf-1.live") && h.settled("conf-1.reminder") &&
                                              !h.deliveries("conf-1.live").empty(); }, seconds(30)))
      << h.log_of("fabud-a") << h.log_of("fabud-b");

  const auto posts = lead_posts(h);
  ASSERT_EQ(posts.size(), 3u) << posts.dump(1);  // notice, reminder, live: once each
  EXPECT_EQ(posts_containing(posts, "发布会提醒"), 1) << posts.dump(1);
  EXPECT_EQ(posts_containing(posts, "正在直播"), 1) << posts.dump(1);
  EXPECT_EQ(posts_containing(posts, kLivestream), 1) << posts.dump(1);  // the live post carries the stream
  EXPECT_EQ(posts_containing(posts, "（星期"), 3) << posts.dump(1);
  EXPECT_GE(first_post_ms(posts, "预告"), notice_ms - 50);
  EXPECT_GE(first_post_ms(posts, "发布会提醒"), start_ms - 3000 - 50);
  EXPECT_GE(first_post_ms(posts, "正在直播"), start_ms - 50);
  for (const auto& p : posts) EXPECT_LE(p.value("created_at_ms", std::int64_t{0}), start_ms + 8000) << p.dump();

  // The portal's article carries every field.
  const std::string page = read_file(h.portal_dir() + "/tzgg/2026/conf-1.html");
  for (const char* field : {"临沂市人民政府新闻办公室", "市政府新闻发布厅", "市教育局党组成员、副局长张明", "请电话报名", kLivestream}) {
    EXPECT_NE(page.find(field), std::string::npos) << field;
  }

  // A record holding a personal mobile number is refused by the privacy screen: nothing is queued.
  const std::string record = h.portal_dir() + "/record.md";
  write_file(record, "**记者**：我的电话是13812345678。\n");
  std::string said;
  EXPECT_EQ(run_shell(fabuctl(h, "conference record conf-1 " + record), said), 2) << said;
  EXPECT_NE(said.find("privacy screen"), std::string::npos) << said;
  EXPECT_NE(said.find("138****5678"), std::string::npos) << said;
  EXPECT_EQ(said.find("13812345678"), std::string::npos) << "the refusal shows the number masked:\n" << said;
  EXPECT_FALSE(h.settled("conf-1.record"));

  // 先审后发: the record is published text, so it goes out only with the reviewers' signatures.
  write_file(record, "**主持人**：各位记者朋友，下午好。\n\n![现场](https://www.linyi.gov.cn/img/1.jpg)\n");
  EXPECT_EQ(run_shell(fabuctl(h, "conference record conf-1 " + record), said), 2) << said;
  EXPECT_NE(said.find("is not approved; nothing was queued"), std::string::npos) << said;
  EXPECT_NE(said.find("required roles: 内容审核"), std::string::npos) << said;
  EXPECT_FALSE(h.settled("conf-1.record"));
  // The draft is what would be published; a reviewer signs it with fabuctl approve.
  const std::string draft = h.portal_dir() + "/../record-draft.json";
  ASSERT_EQ(run_shell(fabuctl(h, "conference record conf-1 " + record + " --draft " + draft), said), 0) << said;
  EXPECT_NE(said.find("nothing was changed"), std::string::npos) << said;
  EXPECT_TRUE(h.deliveries("conf-1.record").empty());
  const auto drafted = parse_release_json(read_file(draft));
  ASSERT_TRUE(drafted.has_value()) << read_file(draft);
  EXPECT_EQ(drafted->id, "conf-1.record");
  EXPECT_NE(drafted->body.find("各位记者朋友"), std::string::npos);
  EXPECT_TRUE(drafted->approval.signatures.empty());
  // A signature that does not verify refuses the record, naming the signature.
  const std::string forged = h.portal_dir() + "/../record-forged.json";
  auto forged_doc = nlohmann::json::parse(signed_release(read_file(draft)));
  forged_doc["approval"]["signatures"][0]["signature"] = std::string(86, 'A') + "==";
  write_file(forged, forged_doc.dump());
  EXPECT_EQ(run_shell(fabuctl(h, "conference record conf-1 " + record + " --approved " + forged), said), 2) << said;
  EXPECT_NE(said.find("approval.signatures[0].signature"), std::string::npos) << said;
  ASSERT_EQ(approve_draft(h, draft, said), 0) << said;
  // Submitted as a release, the signed draft is refused: it is a step of the conference, not one.
  EXPECT_NE(run_shell(fabuctl(h, "submit " + draft), said), 0) << said;
  EXPECT_NE(said.find("--approved"), std::string::npos) << said;
  EXPECT_TRUE(h.deliveries("conf-1.record").empty());
  // The signed draft of another text is refused: the reviewers signed what the draft says, only that.
  const std::string other = h.portal_dir() + "/other.md";
  write_file(other, "**主持人**：今天的发布会到此结束。\n");
  EXPECT_EQ(run_shell(fabuctl(h, "conference record conf-1 " + other + " --approved " + draft), said), 2) << said;
  EXPECT_NE(said.find("draft it again"), std::string::npos) << said;
  EXPECT_TRUE(h.deliveries("conf-1.record").empty());
  // The record (实录), signed, lands on the portal's column and is stored with its reviewer's signature.
  ASSERT_EQ(run_shell(fabuctl(h, "conference record conf-1 " + record + " --approved " + draft), said), 0) << said;
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("conf-1.record"); }, seconds(20))) << h.log_of("fabud-a");
  EXPECT_NE(read_file(h.portal_dir() + "/tzgg/2026/conf-1.record.html").find("各位记者朋友"), std::string::npos);
  EXPECT_NE(read_file(h.portal_dir() + "/tzgg/index.html").find("conf-1.record.html"), std::string::npos);
  ASSERT_EQ(run_shell("redis-cli -p " + std::to_string(h.redis_port()) + " --raw HGET '" + h.prefix() + ":{" +
                          h.prefix() + "}:rel:conf-1.record' json", said), 0) << said;
  const auto stored = parse_release_json(said);
  ASSERT_TRUE(stored.has_value()) << said;
  ASSERT_EQ(stored->approval.signatures.size(), 1u) << said;
  EXPECT_EQ(stored->approval.signatures[0].key_id, test_key_id);
  // The same record again changes nothing, and needs no new signature.
  ASSERT_EQ(run_shell(fabuctl(h, "conference record conf-1 " + record), said), 0) << said;
  EXPECT_NE(said.find("queued before; nothing changed"), std::string::npos) << said;
  // A changed record is its correction (revision 2): a new draft, signed again, updates the page.
  write_file(record, "**主持人**：各位记者朋友，下午好。\n\n**发布人**：全市新建中小学校12所。\n");
  EXPECT_EQ(run_shell(fabuctl(h, "conference record conf-1 " + record + " --approved " + draft), said), 2) << said;
  ASSERT_EQ(run_shell(fabuctl(h, "conference record conf-1 " + record + " --draft " + draft), said), 0) << said;
  EXPECT_NE(said.find("revision 2"), std::string::npos) << said;
  ASSERT_EQ(approve_draft(h, draft, said), 0) << said;
  ASSERT_EQ(run_shell(fabuctl(h, "conference record conf-1 " + record + " --approved " + draft), said), 0) << said;
  ASSERT_TRUE(Harness::eventually([&] {
    return read_file(h.portal_dir() + "/tzgg/2026/conf-1.record.html").find("新建中小学校12所") != std::string::npos;
  }, seconds(20))) << h.log_of("fabud-a");

  // The feed under the portal: one confirmed event, as first announced.
  ASSERT_TRUE(Harness::eventually([&] { return event_in(feed_file(h), "conf-1").found; }, seconds(10)));
  const FeedEvent event = event_in(feed_file(h), "conf-1");
  EXPECT_EQ(event.sequence, 0);
  EXPECT_EQ(event.status, ICAL_STATUS_CONFIRMED);
  EXPECT_EQ(event.starts, start_ms / 1000);
  EXPECT_NE(event.description.find("市教育局党组成员、副局长张明"), std::string::npos) << event.description;
  EXPECT_EQ(event.url, "https://www.linyi.gov.cn/tzgg/2026/conf-1.html");
  ASSERT_EQ(run_shell(fabuctl(h, "conference list --all"), said), 0) << said;
  EXPECT_NE(said.find("conf-1"), std::string::npos) << said;
  // The notice has its statutory deadline (formed 2026-11-20: 20 working days) and went out in time;
  // the later steps have none of their own.
  ASSERT_EQ(run_shell(fabuctl(h, "status conf-1"), said), 0) << said;
  EXPECT_NE(said.find("deadline 2026-12-18, went out in time"), std::string::npos) << said;
  ASSERT_EQ(run_shell(fabuctl(h, "status conf-1.live"), said), 0) << said;
  EXPECT_NE(said.find("deadline none recorded"), std::string::npos) << said;
  ASSERT_EQ(run_shell(fabuctl(h, "conference show conf-1"), said), 0) << said;
  EXPECT_NE(said.find("conf-1.live"), std::string::npos) << said;
  EXPECT_NE(said.find("1/1 delivered"), std::string::npos) << said;
  // Each step's signers: the record its own reviewer's, a step never made none.
  ASSERT_EQ(run_shell(fabuctl(h, "conference show conf-1 --json"), said), 0) << said;
  const auto shown = nlohmann::json::parse(said);
  for (const auto& step : shown["steps"]) {
    if (step["step"] == "record") {
      EXPECT_EQ(step["signed_by"], nlohmann::json::array({std::string(test_key_id) + " (内容审核)"})) << said;
    }
    if (step["step"] == "cancellation") {
      EXPECT_TRUE(step["signed_by"].empty()) << said;
    }
  }
}

TEST(ConferenceE2E, ARescheduleCorrectsWhatWentOutAndMovesTheRest) {
  Harness h(conference_options());
  auto a = h.start_fabud_as("fabud-a", "a");
  auto b = h.start_fabud_as("fabud-b", "b");
  const std::int64_t t0 = unix_now_ms();
  h.enqueue(conference("conf-2", t0, t0 + 600'000));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("conf-2") && !h.deliveries("conf-2").empty(); }, seconds(20)))
      << h.log_of("fabud-a");
  ASSERT_EQ(lead_posts(h).size(), 1u);

  const std::int64_t moved_start = (unix_now_ms() / 1000 + 7) * 1000;  // reminder at +4 s, live at +7 s
  h.enqueue(conference("conf-2", t0, moved_start, 2));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("conf-2.live") && !h.deliveries("conf-2.live").empty() &&
                                              h.settled("conf-2") && h.deliveries("conf-2").size() > 2; }, seconds(30)))
      << h.log_of("fabud-a") << h.log_of("fabud-b");
  const auto posts = lead_posts(h);
  EXPECT_EQ(posts.size(), 4u) << posts.dump(1);  // the notice, its correction, the reminder and live post once each
  EXPECT_EQ(posts_containing(posts, "【更正】"), 1) << posts.dump(1);
  EXPECT_EQ(posts_containing(posts, "发布会提醒"), 1) << posts.dump(1);
  EXPECT_GE(first_post_ms(posts, "发布会提醒"), moved_start - 3000 - 50);
  EXPECT_GE(first_post_ms(posts, "正在直播"), moved_start - 50);
  // The first revision's reminder and live post were replaced before they went out.
  int cancelled = 0;
  for (const auto& d : h.deliveries("conf-2.reminder")) cancelled += d.state == DeliveryState::cancelled ? 1 : 0;
  EXPECT_EQ(cancelled, 1);
  // The portal article shows the new time with a change note; the feed counts the change.
  EXPECT_NE(read_file(h.portal_dir() + "/tzgg/2026/conf-2.html").find("发布会时间调整"), std::string::npos);
  ASSERT_TRUE(Harness::eventually([&] { return event_in(feed_file(h), "conf-2").sequence == 1; }, seconds(10)))
      << feed_file(h);
  EXPECT_EQ(event_in(feed_file(h), "conf-2").starts, moved_start / 1000);
}

TEST(ConferenceE2E, ACancellationCancelsTheRestAndPublishesANotice) {
  HarnessOptions options = conference_options();
  options.api_port = free_port();
  options.api_tokens = {{"reader", R"(["read"])", "read-token-0123456789"}};
  Harness h(options);
  auto a = h.start_fabud_as("fabud-a", "a");
  const std::int64_t t0 = unix_now_ms();
  h.enqueue(conference("conf-3", t0, t0 + 600'000));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("conf-3") && !h.deliveries("conf-3").empty(); }, seconds(20)))
      << h.log_of("fabud-a");
  std::string said;
  // The notice went out, so cancelling publishes a cancellation notice: unsigned, nothing changes.
  const std::string cancel = "conference cancel conf-3 --reason '因故取消，另行通知。'";
  EXPECT_EQ(run_shell(fabuctl(h, cancel), said), 2) << said;
  EXPECT_NE(said.find("is not approved; nothing was queued"), std::string::npos) << said;
  for (const char* step : {"conf-3.reminder", "conf-3.live"}) {
    for (const auto& d : h.deliveries(step)) EXPECT_NE(d.state, DeliveryState::cancelled) << d.id;
  }
  const std::string draft = h.portal_dir() + "/../cancel-draft.json";
  ASSERT_EQ(run_shell(fabuctl(h, cancel + " --draft " + draft), said), 0) << said;
  write_file(draft, signed_release(read_file(draft)));
  ASSERT_EQ(run_shell(fabuctl(h, cancel + " --approved " + draft), said), 0) << said;
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("conf-3.cancelled") && !h.deliveries("conf-3.cancelled").empty(); },
                                  seconds(20))) << h.log_of("fabud-a");
  for (const char* step : {"conf-3.reminder", "conf-3.live"}) {
    for (const auto& d : h.deliveries(step)) EXPECT_EQ(d.state, DeliveryState::cancelled) << d.id;
  }
  const auto posts = lead_posts(h);
  EXPECT_EQ(posts.size(), 2u) << posts.dump(1);  // the notice and the cancellation
  EXPECT_EQ(posts_containing(posts, "发布会取消"), 1) << posts.dump(1);
  EXPECT_TRUE(std::filesystem::exists(h.portal_dir() + "/tzgg/2026/conf-3.cancelled.html"));

  // Over the API as in the file: cancelled, one change later.
  ASSERT_EQ(run_shell("curl -s -H 'Authorization: Bearer read-token-0123456789' http://127.0.0.1:" +
                          std::to_string(options.api_port) + "/v1/conferences.ics", said), 0) << said;
  const FeedEvent event = event_in(said, "conf-3");
  EXPECT_EQ(event.status, ICAL_STATUS_CANCELLED) << said;
  EXPECT_EQ(event.sequence, 1) << said;
  ASSERT_TRUE(Harness::eventually([&] { return event_in(feed_file(h), "conf-3").status == ICAL_STATUS_CANCELLED; },
                                  seconds(10))) << feed_file(h);
  // Cancelling again changes nothing and says so.
  EXPECT_EQ(run_shell(fabuctl(h, "conference cancel conf-3 --reason '因故取消，另行通知。'"), said), 0) << said;
  EXPECT_EQ(lead_posts(h).size(), 2u);
}

// The API's cancel and record: the same roles as retract (operate), the same privacy screen as
// fabuctl (422 naming the field, the number masked, nothing changed), the same effects.
TEST(ConferenceE2E, TheApiCancelsAndRecordsAConferenceAsFabuctlDoes) {
  HarnessOptions options = conference_options();
  options.api_port = free_port();
  const std::string ops = "conf-ops-token-0123456789", cms = "conf-cms-token-0123456789";
  options.api_tokens = {{"ops", R"(["operate"])", ops}, {"cms", R"(["submit"])", cms}};
  Harness h(options);
  auto a = h.start_fabud_as("fabud-a", "a");
  ASSERT_TRUE(wait_for_port(options.api_port)) << h.log_of("fabud-a");
  const std::int64_t t0 = unix_now_ms();
  h.enqueue(conference("conf-4", t0, t0 + 600'000));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("conf-4") && !h.deliveries("conf-4").empty(); }, seconds(20)))
      << h.log_of("fabud-a");
  const auto post = [&](const std::string& path, const nlohmann::json& body, const std::string& token) {
    return http_request(options.api_port, "POST", path, body.dump(), "application/json", token);
  };
  const auto first_error = [](const SimpleResponse& r) { return nlohmann::json::parse(r.body)["errors"][0]; };

  // Roles: a submit token may not, no token at all neither.
  EXPECT_EQ(post("/v1/conferences/conf-4/record", {{"markdown", "实录"}}, cms).status, 403);
  EXPECT_EQ(post("/v1/conferences/conf-4/cancel", {{"reason", "因故取消。"}}, "").status, 401);
  EXPECT_EQ(post("/v1/conferences/conf-404/cancel", {{"reason", "因故取消。"}}, ops).status, 404);
  EXPECT_EQ(post("/v1/conferences/conf-4/publish", {{"reason", "x"}}, ops).status, 404);

  // A record holding a personal mobile number is refused: 422 naming the field, the number masked.
  auto screened = post("/v1/conferences/conf-4/record", {{"markdown", "**记者**：我的电话是13812345678。"}}, ops);
  ASSERT_EQ(screened.status, 422) << screened.body;
  EXPECT_EQ(first_error(screened)["path"], "markdown") << screened.body;
  EXPECT_NE(first_error(screened)["reason"].get<std::string>().find("138****5678"), std::string::npos) << screened.body;
  EXPECT_EQ(screened.body.find("13812345678"), std::string::npos) << screened.body;
  EXPECT_EQ(post("/v1/conferences/conf-4/record", nlohmann::json::object(), ops).status, 422);
  EXPECT_TRUE(h.deliveries("conf-4.record").empty());

  // Unsigned, the record is refused (422 naming `approved`); a draft request returns what to sign.
  const nlohmann::json record = {{"markdown", "**主持人**：各位记者朋友，下午好。"}};
  auto unsigned_record = post("/v1/conferences/conf-4/record", record, ops);
  ASSERT_EQ(unsigned_record.status, 422) << unsigned_record.body;
  EXPECT_EQ(first_error(unsigned_record)["path"], "approved") << unsigned_record.body;
  // Ops see the refusal in fabud's log, naming the token and the release, as for a refused submission.
  ASSERT_TRUE(Harness::eventually([&] {
    return h.log_of("fabud-a").find("refused a release from token 'ops' (422), id 'conf-4.record'") != std::string::npos;
  }, seconds(5))) << h.log_of("fabud-a");
  nlohmann::json ask = record;
  ask["draft"] = true;
  ask["approver"] = "市政府新闻办 王主任";
  auto drafted = post("/v1/conferences/conf-4/record", ask, ops);
  ASSERT_EQ(drafted.status, 200) << drafted.body;
  const auto draft = nlohmann::json::parse(drafted.body)["draft"];
  EXPECT_EQ(draft["id"], "conf-4.record") << drafted.body;
  EXPECT_EQ(draft["approval"]["approver"], "市政府新闻办 王主任") << drafted.body;
  EXPECT_TRUE(h.deliveries("conf-4.record").empty());
  nlohmann::json bad = record;
  bad["approved"] = "not a release";
  EXPECT_EQ(first_error(post("/v1/conferences/conf-4/record", bad, ops))["path"], "approved");
  // A body nested 100,000 deep is refused whole; fabud answers the next request as before.
  const std::string deep = R"({"markdown":"x","approved":{"a":)" + std::string(100'000, '[') +
                           std::string(100'000, ']') + "}}";
  EXPECT_EQ(http_request(options.api_port, "POST", "/v1/conferences/conf-4/record", deep, "application/json", ops).status,
            422);
  EXPECT_EQ(post("/v1/conferences/conf-4/record", bad, ops).status, 422);

  // Signed, the record lands on the portal; the same record again changes nothing.
  nlohmann::json signed_record = record;
  signed_record["approved"] = nlohmann::json::parse(signed_release(draft.dump()));
  auto recorded = post("/v1/conferences/conf-4/record", signed_record, ops);
  ASSERT_EQ(recorded.status, 202) << recorded.body;
  EXPECT_EQ(nlohmann::json::parse(recorded.body)["record"], "conf-4.record");
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("conf-4.record") && !h.deliveries("conf-4.record").empty(); },
                                  seconds(20))) << h.log_of("fabud-a");
  EXPECT_NE(read_file(h.portal_dir() + "/tzgg/2026/conf-4.record.html").find("各位记者朋友"), std::string::npos);
  auto again = post("/v1/conferences/conf-4/record", record, ops);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(nlohmann::json::parse(again.body)["queued_before"], true) << again.body;

  // A cancel whose reason the screen holds changes nothing; without a reason it is refused too.
  auto refused = post("/v1/conferences/conf-4/cancel", {{"reason", "改期，联系13812345678。"}}, ops);
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(first_error(refused)["path"], "reason") << refused.body;
  EXPECT_EQ(first_error(post("/v1/conferences/conf-4/cancel", {{"reason", ""}}, ops))["path"], "reason");
  for (const char* step : {"conf-4.reminder", "conf-4.live"}) {
    for (const auto& d : h.deliveries(step)) EXPECT_NE(d.state, DeliveryState::cancelled) << d.id;
  }

  // Unsigned, the cancel would publish a notice no reviewer signed: refused, nothing cancelled.
  auto unsigned_cancel = post("/v1/conferences/conf-4/cancel", {{"reason", "因故取消，另行通知。"}}, ops);
  ASSERT_EQ(unsigned_cancel.status, 422) << unsigned_cancel.body;
  EXPECT_EQ(first_error(unsigned_cancel)["path"], "approved") << unsigned_cancel.body;
  EXPECT_EQ(nlohmann::json::parse(unsigned_cancel.body)["cancelled"], 0) << unsigned_cancel.body;
  for (const char* step : {"conf-4.reminder", "conf-4.live"}) {
    for (const auto& d : h.deliveries(step)) EXPECT_NE(d.state, DeliveryState::cancelled) << d.id;
  }

  // The cancel, signed: the unsent steps cancelled, the notice published once.
  auto cancel_draft = post("/v1/conferences/conf-4/cancel", {{"reason", "因故取消，另行通知。"}, {"draft", true}}, ops);
  ASSERT_EQ(cancel_draft.status, 200) << cancel_draft.body;
  const nlohmann::json signed_cancel = {
      {"reason", "因故取消，另行通知。"},
      {"approved", nlohmann::json::parse(signed_release(nlohmann::json::parse(cancel_draft.body)["draft"].dump()))}};
  auto cancelled = post("/v1/conferences/conf-4/cancel", signed_cancel, ops);
  ASSERT_EQ(cancelled.status, 202) << cancelled.body;
  EXPECT_EQ(nlohmann::json::parse(cancelled.body)["cancelled"], 2) << cancelled.body;
  EXPECT_EQ(nlohmann::json::parse(cancelled.body)["notice"], "conf-4.cancelled") << cancelled.body;
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("conf-4.cancelled") && !h.deliveries("conf-4.cancelled").empty(); },
                                  seconds(20))) << h.log_of("fabud-a");
  for (const char* step : {"conf-4.reminder", "conf-4.live"}) {
    for (const auto& d : h.deliveries(step)) EXPECT_EQ(d.state, DeliveryState::cancelled) << d.id;
  }
  EXPECT_EQ(posts_containing(lead_posts(h), "发布会取消"), 1);
  EXPECT_TRUE(std::filesystem::exists(h.portal_dir() + "/tzgg/2026/conf-4.cancelled.html"));
  auto repeat = post("/v1/conferences/conf-4/cancel", {{"reason", "因故取消，另行通知。"}}, ops);
  EXPECT_EQ(repeat.status, 200) << repeat.body;
  EXPECT_EQ(posts_containing(lead_posts(h), "发布会取消"), 1);

  // A conference nothing of which went out yet is cancelled without signatures: no notice is published.
  h.enqueue(conference("conf-5", t0 + 600'000, t0 + 1'200'000));
  ASSERT_TRUE(Harness::eventually([&] { return !h.deliveries("conf-5").empty(); }, seconds(20))) << h.log_of("fabud-a");
  auto quiet = post("/v1/conferences/conf-5/cancel", {{"reason", "因故取消。"}}, ops);
  ASSERT_EQ(quiet.status, 200) << quiet.body;
  EXPECT_EQ(nlohmann::json::parse(quiet.body)["notice"], nullptr) << quiet.body;
  EXPECT_EQ(nlohmann::json::parse(quiet.body)["cancelled"], 3) << quiet.body;
  for (const auto& d : h.deliveries("conf-5")) EXPECT_EQ(d.state, DeliveryState::cancelled) << d.id;

  // Each action that changed something is an operator event naming the token, once.
  std::string said;
  ASSERT_EQ(run_shell(fabuctl(h, "logs --json --release conf-4 --state operator"), said), 0) << said;
  const auto count = [&](const std::string& what) {
    int n = 0;
    for (auto at = said.find(what); at != std::string::npos; at = said.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("\"action\":\"conference_cancel\""), 1) << said;
  EXPECT_EQ(count("\"action\":\"conference_record\""), 1) << said;
  EXPECT_EQ(count("\"by\":\"ops\""), 2) << said;
}

}  // namespace
}  // namespace fabu::testing
