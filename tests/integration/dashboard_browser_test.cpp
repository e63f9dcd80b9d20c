// The dashboard in a real headless Chromium, driven over W3C WebDriver (chromedriver), against a real
// fabud, redis-server and sandbox: the page loads, shows the delivery the test just made, a dead
// letter's Retry click delivers it exactly once, another's Drop (after its confirmation) removes it from
// the dead letters for good, and a retraction without a token is refused.
#include <optional>

#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/process.h"
#include "tests/support/servers.h"
#include "tests/support/webdriver.h"

namespace fabu::testing {
namespace {

const std::string kReadToken = "apitok-dash-read-0123456789";
const std::string kOperateToken = "apitok-dash-operate-0123456789";
const std::string kTargets = R"({"portal":["tzgg"],"microblog":["lead"]})";

// The release's microblog delivery (its portal article is written locally and never fails).
std::optional<DeliveryStatus> microblog_delivery(Harness& h, const std::string& release) {
  for (const auto& d : h.deliveries(release)) {
    if (d.channel == "microblog") return d;
  }
  return std::nullopt;
}

// Posts on the sandbox whose text holds `fragment`, deleted ones included.
int posts_with(const nlohmann::json& posts, const std::string& fragment) {
  int n = 0;
  for (const auto& p : posts) n += p.value("text", "").find(fragment) != std::string::npos ? 1 : 0;
  return n;
}

// A script that is true once an element matches `css`.
std::string exists(const std::string& css) { return "return document.querySelector(" + nlohmann::json(css).dump() + ") !== null;"; }

// The dead microblog delivery of a release made while the platform fails every write.
std::string dead_letter_of(Harness& h, const std::string& release, const std::string& title) {
  EXPECT_EQ(http_request(h.sandbox().port(), "POST", "/_sandbox/faults", R"({"p_5xx": 1.0})").status, 200);
  h.enqueue(release_json(release, kTargets, title));
  EXPECT_TRUE(Harness::eventually([&] {
    const auto d = microblog_delivery(h, release);
    return d && d->state == DeliveryState::dead;
  })) << h.log_of();
  EXPECT_EQ(http_request(h.sandbox().port(), "POST", "/_sandbox/faults", R"({"p_5xx": 0})").status, 200);
  const auto d = microblog_delivery(h, release);
  return d ? d->id : std::string();
}

// What `fabuctl dlq list` prints.
std::string dlq_list(const Harness& h) {
  std::string said;
  EXPECT_EQ(run_shell(std::string(FABU_FABUCTL_BIN) + " --config " + h.config_path() + " dlq list", said), 0) << said;
  return said;
}

void use_token(WebDriver& browser, const std::string& token) {
  const auto input = browser.find("#token-input");
  ASSERT_FALSE(input.empty()) << browser.last_error();
  ASSERT_TRUE(browser.type(input, token)) << browser.last_error();
  ASSERT_TRUE(browser.click_css("#token-save")) << browser.last_error();
}

TEST(DashboardBrowser, ShowsDeliveriesRetriesAndDropsDeadLettersAndRefusesRetractWithoutToken) {
  const int api_port = free_port();
  HarnessOptions options{.max_attempts = 1, .api_port = api_port};
  options.api_tokens = {{"viewer", R"(["read"])", kReadToken}, {"ops", R"(["operate"])", kOperateToken}};
  Harness h(options);
  auto fabud = h.start_fabud();
  ASSERT_TRUE(wait_for_port(api_port)) << h.log_of();

  // One delivery that goes out, and one that dies: the platform fails every write while it is tried.
  h.enqueue(release_json("dash-ok", kTargets, "临沂市仪表盘测试通知甲"));
  ASSERT_TRUE(Harness::eventually([&] { return h.settled("dash-ok"); })) << h.log_of();
  const std::string dead_id = dead_letter_of(h, "dash-dead", "临沂市仪表盘测试通知乙");
  ASSERT_FALSE(dead_id.empty());
  ASSERT_EQ(posts_with(h.sandbox_posts(), "仪表盘测试通知乙"), 0);

  TempDir browser_dir;
  std::string error;
  auto browser = WebDriver::start(browser_dir.path() + "/chromedriver.log", error);
  ASSERT_TRUE(browser) << error;

  const std::string base = "http://127.0.0.1:" + std::to_string(api_port);
  ASSERT_TRUE(browser->navigate(base + "/")) << browser->last_error();
  EXPECT_EQ(browser->execute("return document.title;"), "fabu dashboard");
  // Without a token the page asks for one.
  EXPECT_TRUE(browser->wait_for("return document.getElementById('status').textContent.includes('Enter an API token');"))
      << browser->execute("return document.getElementById('status').textContent;");

  // A read-only token: the data shows, the buttons are disabled and say why.
  use_token(*browser, kReadToken);
  EXPECT_TRUE(browser->wait_for(exists("#log tr[data-release='dash-ok'][data-outcome='delivered']")))
      << browser->execute("return document.getElementById('log').textContent;");
  EXPECT_TRUE(browser->wait_for(exists("#releases tr[data-release='dash-ok']")));
  EXPECT_TRUE(browser->wait_for(exists("#last-hour tr[data-outcome='delivered']")));
  const std::string dead_row = "#dead tr[data-id='" + dead_id + "']";
  ASSERT_TRUE(browser->wait_for(exists(dead_row + " button.retry[disabled]")))
      << browser->execute("return document.getElementById('dead').textContent;");
  EXPECT_EQ(browser->execute("return document.querySelector(\"" + dead_row + " .why\").textContent;"),
            "needs a token with the operate role");
  EXPECT_TRUE(browser->wait_for(exists(dead_row + " button.drop[disabled]")));
  EXPECT_TRUE(browser->wait_for(exists("#releases tr[data-release='dash-ok'] button.retract[disabled]")));
  // The other panels: the queue counts the dead letter, the lead account is inspected and its
  // followers (read when fabud started) drawn.
  EXPECT_TRUE(browser->wait_for("return document.querySelector(\"#queue dd[data-key='dead']\").textContent === '1';"));
  EXPECT_TRUE(browser->wait_for("return document.getElementById('inspection').textContent.includes('lead_acct');"));
  EXPECT_TRUE(browser->wait_for(exists("#followers svg.spark circle")))
      << browser->execute("return document.getElementById('followers').textContent;");
  // The instances panel lists this fabud, running, with the lanes it owns (its last column).
  EXPECT_TRUE(browser->wait_for(exists("#instances tr[data-state='running'][data-pid='" + std::to_string(fabud.pid()) + "']")))
      << browser->execute("return document.getElementById('instances').textContent;");
  EXPECT_TRUE(browser->wait_for("const r = document.querySelector(\"#instances tr[data-pid='" + std::to_string(fabud.pid()) +
                                "']\"); return r !== null && Number(r.lastChild.textContent) > 0;"))
      << browser->execute("return document.getElementById('instances').textContent;");

  // A retraction without a token, sent from the page, is refused and changes nothing.
  const auto refused = browser->execute_async(
      "const done = arguments[arguments.length - 1];"
      "fetch('/v1/releases/dash-ok/retract', {method: 'POST', headers: {'Content-Type': 'application/json'},"
      " body: JSON.stringify({reason: 'test'})}).then((r) => done(r.status), (e) => done(String(e)));");
  EXPECT_EQ(refused, 401) << browser->last_error();
  const auto record = h.ledger().release_record("dash-ok");
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->state, "live");

  // The operate token enables Retry; a click requeues the dead letter, which then goes out once.
  ASSERT_TRUE(browser->click_css("#token-forget")) << browser->last_error();
  use_token(*browser, kOperateToken);
  ASSERT_TRUE(browser->wait_for(exists(dead_row + " button.retry:not([disabled])")));
  ASSERT_TRUE(browser->click_css(dead_row + " button.retry")) << browser->last_error();
  ASSERT_TRUE(Harness::eventually([&] {
    const auto d = microblog_delivery(h, "dash-dead");
    return d && d->state == DeliveryState::delivered;
  })) << h.log_of();
  EXPECT_TRUE(browser->wait_for(exists("#log tr[data-release='dash-dead'][data-outcome='delivered']")));
  EXPECT_TRUE(browser->wait_for("return document.querySelector(\"" + dead_row + "\") === null;"));
  EXPECT_TRUE(browser->wait_for(exists("#log tr[data-event='operator']")));

  // Drop asks first: Cancel keeps the dead letter; Confirm drop removes it for good, as fabuctl dlq drop.
  const std::string drop_id = dead_letter_of(h, "dash-drop", "临沂市仪表盘测试通知丙");
  ASSERT_FALSE(drop_id.empty());
  EXPECT_NE(dlq_list(h).find(drop_id), std::string::npos);
  const std::string drop_row = "#dead tr[data-id='" + drop_id + "']";
  ASSERT_TRUE(browser->wait_for(exists(drop_row + " button.drop:not([disabled])")))
      << browser->execute("return document.getElementById('dead').textContent;");
  ASSERT_TRUE(browser->click_css(drop_row + " button.drop")) << browser->last_error();
  ASSERT_TRUE(browser->wait_for(exists(drop_row + " button.drop-confirm")));
  EXPECT_TRUE(browser->wait_for("return document.querySelector(\"" + drop_row + " .confirm\").textContent.includes('never delivered');"));
  ASSERT_TRUE(browser->click_css(drop_row + " button.drop-cancel")) << browser->last_error();
  ASSERT_TRUE(browser->wait_for(exists(drop_row + " button.drop:not([disabled])")));
  EXPECT_FALSE(browser->execute("return document.querySelector(\"" + drop_row + " button.drop-confirm\") !== null;").get<bool>());
  EXPECT_NE(dlq_list(h).find(drop_id), std::string::npos) << "Cancel dropped nothing";
  ASSERT_TRUE(browser->click_css(drop_row + " button.drop")) << browser->last_error();
  ASSERT_TRUE(browser->click_css(drop_row + " button.drop-confirm")) << browser->last_error();
  EXPECT_TRUE(browser->wait_for("return document.querySelector(\"" + drop_row + "\") === null;"));
  EXPECT_TRUE(browser->wait_for("return document.getElementById('dead-note').textContent.includes('" + drop_id + "');"));
  EXPECT_TRUE(browser->wait_for("return document.getElementById('log').textContent.includes('dlq_drop');"));
  EXPECT_EQ(dlq_list(h).find(drop_id), std::string::npos);
  const auto dropped = microblog_delivery(h, "dash-drop");
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->state, DeliveryState::dead);  // dropped, never sent
  EXPECT_TRUE(dropped->dropped);

  const auto posts = h.sandbox_posts();
  EXPECT_EQ(posts_with(posts, "仪表盘测试通知乙"), 1) << posts.dump();
  EXPECT_EQ(posts_with(posts, "仪表盘测试通知甲"), 1) << posts.dump();
  EXPECT_EQ(posts_with(posts, "仪表盘测试通知丙"), 0) << posts.dump();
  // Nothing from the API went into the page as markup.
  EXPECT_EQ(browser->execute("return document.querySelectorAll('main img, main script, main iframe').length;"), 0);
}

}  // namespace
}  // namespace fabu::testing
