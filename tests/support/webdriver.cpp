#include "tests/support/webdriver.h"

#include <unistd.h>

#include <cstdlib>
#include <initializer_list>

#include <optional>
#include <thread>

#include "tests/support/raw_client.h"
#include "tests/support/servers.h"

namespace fabu::testing {
namespace {

constexpr const char* kElementKey = "element-6066-11e4-a52e-4f735466cecf";  // W3C WebDriver's element reference
constexpr const char* kChromium = "/usr/bin/chromium";

// The first of `names` found on PATH (or given as a path), "" when none is.
std::string find_program(std::initializer_list<const char*> names) {
  const char* path = std::getenv("PATH");
  for (const char* name : names) {
    if (std::string(name).find('/') != std::string::npos) {
      if (::access(name, X_OK) == 0) return name;
      continue;
    }
    std::string dirs = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
      const auto end = dirs.find(':', start);
      const std::string candidate = dirs.substr(start, end - start) + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return {};
}

// One request to chromedriver. It keeps connections open whatever the client asks, so the reply is
// read up to its Content-Length (RawClient) rather than to the connection's end.
SimpleResponse driver_request(int port, const std::string& method, const std::string& path, const std::string& body) {
  RawClient client(port);
  SimpleResponse out;
  if (!client.connected()) return out;
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (method != "GET") {
    request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (!client.send(request + "\r\n" + body)) return out;
  // Starting the browser or loading a page may take a while on a loaded machine.
  const std::string reply = client.read_response(std::chrono::seconds(60));
  out.status = status_of(reply);
  out.body = body_of(reply);
  return out;
}

}  // namespace

std::unique_ptr<WebDriver> WebDriver::start(const std::string& log_path, std::string& error) {
  const std::string browser = find_program({kChromium, "chromium"});
  const std::string driver = find_program({"chromedriver", "/usr/lib/chromium/chromedriver"});
  if (browser.empty() || driver.empty()) {
    error = std::string(browser.empty() ? "chromium" : "chromedriver") +
            " is not installed: run script/bootstrap (it installs Debian's chromium and chromium-driver)";
    return nullptr;
  }
  std::unique_ptr<WebDriver> wd(new WebDriver());
  wd->port_ = free_port();
  // Severe messages only: at its default level chromedriver logs every command, with the text typed.
  wd->driver_ = ChildProcess({driver, "--port=" + std::to_string(wd->port_), "--log-level=SEVERE"}, {}, log_path);
  if (!wait_for_port(wd->port_, std::chrono::seconds(15))) {
    error = "chromedriver did not listen on port " + std::to_string(wd->port_) + ": see " + log_path;
    return nullptr;
  }
  wd->profile_ = std::make_unique<TempDir>();
  const nlohmann::json capabilities = {
      {"capabilities",
       {{"alwaysMatch",
         {{"browserName", "chrome"},
          {"goog:chromeOptions",
           {{"binary", browser},
            {"args", {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                      "--no-first-run", "--user-data-dir=" + wd->profile_->path()}}}}}}}}};
  const auto reply = driver_request(wd->port_, "POST", "/session", capabilities.dump());
  const auto body = nlohmann::json::parse(reply.body, nullptr, false);
  if (reply.status != 200 || body.is_discarded() || !body["value"].contains("sessionId")) {
    error = "chromedriver could not start chromium (" + std::to_string(reply.status) + "): " + reply.body;
    return nullptr;
  }
  wd->session_ = body["value"]["sessionId"].get<std::string>();
  return wd;
}

WebDriver::~WebDriver() {
  if (!session_.empty()) driver_request(port_, "DELETE", "/session/" + session_, "");
  driver_.kill_and_wait();
}

std::optional<nlohmann::json> WebDriver::command(const std::string& method, const std::string& path,
                                                const nlohmann::json& body) {
  const auto reply = driver_request(port_, method, "/session/" + session_ + path, body.is_null() ? "" : body.dump());
  const auto doc = nlohmann::json::parse(reply.body, nullptr, false);
  if (reply.status != 200 || doc.is_discarded() || !doc.contains("value")) {
    last_error_ = method + " " + path + ": " + std::to_string(reply.status) + " " + reply.body.substr(0, 2000);
    return std::nullopt;
  }
  return doc["value"];
}

bool WebDriver::navigate(const std::string& url) { return command("POST", "/url", {{"url", url}}).has_value(); }

std::string WebDriver::find(const std::string& css) {
  const auto found = command("POST", "/element", {{"using", "css selector"}, {"value", css}});
  return found && found->is_object() && found->contains(kElementKey) ? (*found)[kElementKey].get<std::string>()
                                                                      : std::string();
}

bool WebDriver::click(const std::string& element) {
  return command("POST", "/element/" + element + "/click", nlohmann::json::object()).has_value();
}

bool WebDriver::click_css(const std::string& css, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    const std::string element = find(css);
    if (!element.empty() && click(element)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

bool WebDriver::type(const std::string& element, const std::string& text) {
  return command("POST", "/element/" + element + "/value", {{"text", text}}).has_value();
}

nlohmann::json WebDriver::execute(const std::string& script, const nlohmann::json& args) {
  return command("POST", "/execute/sync", {{"script", script}, {"args", args}}).value_or(nullptr);
}

nlohmann::json WebDriver::execute_async(const std::string& script, const nlohmann::json& args) {
  return command("POST", "/execute/async", {{"script", script}, {"args", args}}).value_or(nullptr);
}

bool WebDriver::wait_for(const std::string& script, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (execute(script) == nlohmann::json(true)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace fabu::testing
