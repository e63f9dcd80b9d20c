// WebDriver: a W3C WebDriver client for browser tests. It starts chromedriver on a free loopback port
// and one headless Chromium session (--headless=new --no-sandbox: CI runs as root), and speaks the
// WebDriver JSON protocol over plain HTTP, one loopback connection per command.
//
// Thread rules: not thread-safe; use from the test's main thread. The destructor ends the session and
// stops chromedriver (and with it the browser).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace fabu::testing {

class WebDriver {
 public:
  // Starts chromedriver and a session. On failure returns null and says why in `error` (a missing
  // browser or driver names script/bootstrap). chromedriver's own log goes to `log_path`.
  static std::unique_ptr<WebDriver> start(const std::string& log_path, std::string& error);
  ~WebDriver();
  WebDriver(const WebDriver&) = delete;
  WebDriver& operator=(const WebDriver&) = delete;

  bool navigate(const std::string& url);
  // The element matching a CSS selector, "" when none does.
  std::string find(const std::string& css);
  bool click(const std::string& element);
  bool type(const std::string& element, const std::string& text);
  // Finds and clicks the element matching `css`, again while the page replaces it under the click
  // (a stale element), for up to `timeout`.
  bool click_css(const std::string& css, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Runs `script` (a function body; `arguments` holds `args`) in the page and returns its value (null
  // when the command failed: see last_error()).
  nlohmann::json execute(const std::string& script, const nlohmann::json& args = nlohmann::json::array());
  // The same for a script that calls its last argument (the callback) with the value.
  nlohmann::json execute_async(const std::string& script, const nlohmann::json& args = nlohmann::json::array());
  // Polls `script` (returning true or false) every 100 ms until it returns true or the timeout passes.
  bool wait_for(const std::string& script, std::chrono::milliseconds timeout = std::chrono::seconds(15));
  // What the last failed command answered, for assertion messages.
  const std::string& last_error() const { return last_error_; }

 private:
  WebDriver() = default;
  // POST/GET/DELETE /session/<id><path>; the reply's `value`, nullopt on failure (last_error_ says why).
  std::optional<nlohmann::json> command(const std::string& method, const std::string& path, const nlohmann::json& body);

  int port_ = 0;
  ChildProcess driver_;
  std::unique_ptr<TempDir> profile_;
  std::string session_;
  std::string last_error_;
};

}  // namespace fabu::testing
